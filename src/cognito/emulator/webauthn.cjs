'use strict';
// Passkeys for the embedded emulator, as Cognito's Essentials plan has them:
// StartWebAuthnRegistration, CompleteWebAuthnRegistration,
// ListWebAuthnCredentials, DeleteWebAuthnCredential, GetUserAuthFactors
// (each authorised by the user's access token, checked), and the WEB_AUTHN
// sign-in challenge of USER_AUTH (essentials.cjs). @simplewebauthn/server
// makes the options and verifies attestations and assertions.
//
// A user's passkeys are kept on the user's record in the pool file
// (`WebAuthnCredentials`), so they survive a restart; a registration
// challenge lives in memory, bound to the user and the app client, and is
// used once.
const { local } = require('./cognito-local-lib.cjs');
// Loaded on first use: the emulator starts without it.
let library;
function simpleWebAuthn() {
  library ??= require('@simplewebauthn/server');
  return library;
}
const { userOfAccessToken } = require('./access-token.cjs');

const {
  CognitoError,
  InvalidParameterError,
  NotAuthorizedError,
  ResourceNotFoundError,
} = local('./lib/errors.js');

/** How long a user may take to create or use a passkey (Cognito's options say 3 minutes too). */
const CEREMONY_TIMEOUT_MS = 180_000;
/** Cognito's limit of passkeys per user. */
const MAX_PASSKEYS = 20;
/** ES256 and RS256, the algorithms Cognito asks authenticators for. */
const ALGORITHMS = [-7, -257];
const MAX_PENDING = 10_000;

/**
 * The pool's WebAuthnConfiguration, with Cognito's defaults; `RelyingPartyId`
 * is required (WebAuthnConfigurationMissingException otherwise).
 */
function webAuthnSettings(userPool) {
  const configured = userPool.options.WebAuthnConfiguration ?? {};
  if (!configured.RelyingPartyId) {
    throw new CognitoError(
      'WebAuthnConfigurationMissingException',
      'The user pool has no WebAuthn relying party id.',
    );
  }
  return {
    RelyingPartyId: configured.RelyingPartyId,
    UserVerification: configured.UserVerification ?? 'preferred',
    FactorConfiguration: configured.FactorConfiguration ?? 'SINGLE_FACTOR',
  };
}

/** The first sign-in factors the pool allows (SignInPolicy); Cognito's default is the password alone. */
function allowedFirstFactors(userPool) {
  return userPool.options.SignInPolicy?.AllowedFirstAuthFactors ?? ['PASSWORD'];
}

function passkeysOf(user) {
  return Array.isArray(user.WebAuthnCredentials)
    ? user.WebAuthnCredentials
    : [];
}

function attribute(user, name) {
  return (user.Attributes ?? []).find((a) => a.Name === name)?.Value;
}

/**
 * The origins a passkey of `rpId` may be used from: the rp id itself or a
 * subdomain, over https (http too for localhost, as browsers allow it).
 * Anything else is refused before the library looks at the response.
 */
function originAllowed(origin, rpId) {
  let url;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false;
  const hostMatches =
    url.hostname === rpId || url.hostname.endsWith(`.${rpId}`);
  const secure =
    url.protocol === 'https:' ||
    (url.protocol === 'http:' &&
      (url.hostname === 'localhost' || url.hostname.endsWith('.localhost')));
  return hostMatches && secure;
}

/** The origin named in a response's clientDataJSON, or undefined. */
function originOf(response) {
  try {
    const clientData = JSON.parse(
      Buffer.from(
        String(response.response.clientDataJSON),
        'base64url',
      ).toString(),
    );
    return typeof clientData.origin === 'string'
      ? clientData.origin
      : undefined;
  } catch {
    return undefined;
  }
}

/** A WebAuthn JSON document as an object: the SDK sends objects, a JSON string is taken too. */
function documentOf(value, what) {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new InvalidParameterError(`${what} is not valid JSON.`);
    }
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof value.id !== 'string' ||
    typeof value.response !== 'object' ||
    value.response === null
  ) {
    throw new InvalidParameterError(`${what} is not a WebAuthn credential.`);
  }
  return value;
}

function createWebAuthn({ now = Date.now } = {}) {
  /** username -> { challenge, clientId, expiresAt } */
  const registrations = new Map();

  async function startRegistration(services, ctx, req) {
    const { user, userPool, client } = await userOfAccessToken(
      services,
      ctx,
      req.AccessToken,
    );
    const settings = webAuthnSettings(userPool);
    const passkeys = passkeysOf(user);
    if (passkeys.length >= MAX_PASSKEYS) {
      throw new CognitoError(
        'LimitExceededException',
        `A user can have at most ${MAX_PASSKEYS} passkeys.`,
      );
    }
    const email = attribute(user, 'email');
    const options = await simpleWebAuthn().generateRegistrationOptions({
      rpName: userPool.options.Name ?? settings.RelyingPartyId,
      rpID: settings.RelyingPartyId,
      userID: Buffer.from(attribute(user, 'sub') ?? user.Username),
      userName: email ?? user.Username,
      userDisplayName: attribute(user, 'name') ?? email ?? user.Username,
      timeout: CEREMONY_TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: passkeys.map((p) => ({
        id: p.CredentialId,
        transports: p.AuthenticatorTransports,
      })),
      authenticatorSelection: {
        residentKey: 'required',
        requireResidentKey: true,
        userVerification: settings.UserVerification,
      },
      extensions: { credProps: true },
      supportedAlgorithmIDs: ALGORITHMS,
    });
    registrations.set(user.Username, {
      challenge: options.challenge,
      clientId: client.ClientId,
      expiresAt: now() + CEREMONY_TIMEOUT_MS,
    });
    if (registrations.size > MAX_PENDING) {
      registrations.delete(registrations.keys().next().value);
    }
    return { CredentialCreationOptions: options };
  }

  async function completeRegistration(services, ctx, req) {
    const { user, userPool, client } = await userOfAccessToken(
      services,
      ctx,
      req.AccessToken,
    );
    const settings = webAuthnSettings(userPool);
    const credential = documentOf(req.Credential, 'Credential');
    const pending = registrations.get(user.Username);
    registrations.delete(user.Username);
    if (!pending || now() >= pending.expiresAt) {
      throw new CognitoError(
        'WebAuthnChallengeNotFoundException',
        'No registration challenge was found for the user, or it has expired.',
      );
    }
    if (pending.clientId !== client.ClientId) {
      throw new CognitoError(
        'WebAuthnClientMismatchException',
        'The access token is for another app client than the registration was started with.',
      );
    }
    const origin = originOf(credential);
    if (!origin || !originAllowed(origin, settings.RelyingPartyId)) {
      throw new CognitoError(
        'WebAuthnOriginNotAllowedException',
        'The origin of the credential does not match the relying party id of the user pool.',
      );
    }
    let verification;
    try {
      verification = await simpleWebAuthn().verifyRegistrationResponse({
        response: credential,
        expectedChallenge: pending.challenge,
        expectedOrigin: origin,
        expectedRPID: settings.RelyingPartyId,
        requireUserVerification: settings.UserVerification === 'required',
        supportedAlgorithmIDs: ALGORITHMS,
      });
    } catch (error) {
      throw registrationRefusal(error);
    }
    if (!verification.verified || !verification.registrationInfo) {
      throw new CognitoError(
        'WebAuthnCredentialNotSupportedException',
        'The credential could not be verified.',
      );
    }
    const info = verification.registrationInfo;
    // Read again: the user may have changed while the library worked.
    const current = await userPool.getUserByUsername(ctx, user.Username);
    const passkeys = passkeysOf(current);
    if (passkeys.some((p) => p.CredentialId === info.credential.id)) {
      throw new InvalidParameterError('The credential is already registered.');
    }
    const created = {
      CredentialId: info.credential.id,
      FriendlyCredentialName: friendlyName(credential, passkeys.length),
      RelyingPartyId: settings.RelyingPartyId,
      AuthenticatorAttachment:
        typeof credential.authenticatorAttachment === 'string'
          ? credential.authenticatorAttachment
          : undefined,
      AuthenticatorTransports: info.credential.transports ?? [],
      PublicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      SignCount: info.credential.counter,
      UserVerified: info.userVerified,
      CreatedAt: now(),
    };
    await userPool.saveUser(ctx, {
      ...current,
      WebAuthnCredentials: [...passkeys, created],
    });
    return {};
  }

  async function listCredentials(services, ctx, req) {
    const { user } = await userOfAccessToken(services, ctx, req.AccessToken);
    const max = req.MaxResults ?? 20;
    if (!Number.isInteger(max) || max < 1 || max > 20) {
      throw new InvalidParameterError('MaxResults must be between 1 and 20.');
    }
    let start = 0;
    if (req.NextToken !== undefined) {
      start = Number.parseInt(
        Buffer.from(String(req.NextToken), 'base64url').toString(),
        10,
      );
      if (!Number.isInteger(start) || start < 0) {
        throw new InvalidParameterError('Invalid NextToken.');
      }
    }
    const passkeys = passkeysOf(user);
    const page = passkeys.slice(start, start + max);
    const next = start + max < passkeys.length ? start + max : undefined;
    return {
      Credentials: page.map((p) => ({
        CredentialId: p.CredentialId,
        FriendlyCredentialName: p.FriendlyCredentialName,
        RelyingPartyId: p.RelyingPartyId,
        AuthenticatorAttachment: p.AuthenticatorAttachment,
        AuthenticatorTransports: p.AuthenticatorTransports,
        CreatedAt: new Date(p.CreatedAt),
      })),
      ...(next !== undefined
        ? { NextToken: Buffer.from(String(next)).toString('base64url') }
        : {}),
    };
  }

  async function deleteCredential(services, ctx, req) {
    const { user, userPool } = await userOfAccessToken(
      services,
      ctx,
      req.AccessToken,
    );
    const passkeys = passkeysOf(user);
    const kept = passkeys.filter((p) => p.CredentialId !== req.CredentialId);
    if (kept.length === passkeys.length) {
      throw new ResourceNotFoundError('The credential was not found.');
    }
    await userPool.saveUser(ctx, { ...user, WebAuthnCredentials: kept });
    return {};
  }

  async function userAuthFactors(services, ctx, req) {
    const { user, userPool } = await userOfAccessToken(
      services,
      ctx,
      req.AccessToken,
    );
    return {
      Username: user.Username,
      PreferredMfaSetting: user.PreferredMfaSetting,
      UserMFASettingList: user.UserMFASettingList,
      ConfiguredUserAuthFactors: configuredFactors(user, userPool),
    };
  }

  return {
    install(Targets) {
      Targets.StartWebAuthnRegistration = (services) => (ctx, req) =>
        startRegistration(services, ctx, req);
      Targets.CompleteWebAuthnRegistration = (services) => (ctx, req) =>
        completeRegistration(services, ctx, req);
      Targets.ListWebAuthnCredentials = (services) => (ctx, req) =>
        listCredentials(services, ctx, req);
      Targets.DeleteWebAuthnCredential = (services) => (ctx, req) =>
        deleteCredential(services, ctx, req);
      Targets.GetUserAuthFactors = (services) => (ctx, req) =>
        userAuthFactors(services, ctx, req);
      // SetUserPoolMfaConfig and GetUserPoolMfaConfig with the pool's
      // WebAuthnConfiguration, as Cognito's take and give it.
      const setMfaConfig = Targets.SetUserPoolMfaConfig;
      Targets.SetUserPoolMfaConfig = (services) => {
        const run = setMfaConfig(services);
        return async (ctx, req) => {
          const answer = await run(ctx, req);
          const userPool = await services.cognito.getUserPool(
            ctx,
            req.UserPoolId,
          );
          if (req.WebAuthnConfiguration) {
            await userPool.updateOptions(ctx, {
              ...userPool.options,
              WebAuthnConfiguration: {
                ...userPool.options.WebAuthnConfiguration,
                ...req.WebAuthnConfiguration,
              },
            });
          }
          return {
            ...answer,
            WebAuthnConfiguration: userPool.options.WebAuthnConfiguration,
          };
        };
      };
      const getMfaConfig = Targets.GetUserPoolMfaConfig;
      Targets.GetUserPoolMfaConfig = (services) => {
        const run = getMfaConfig(services);
        return async (ctx, req) => {
          const answer = await run(ctx, req);
          const userPool = await services.cognito.getUserPool(
            ctx,
            req.UserPoolId,
          );
          return {
            ...answer,
            WebAuthnConfiguration: userPool.options.WebAuthnConfiguration,
          };
        };
      };
    },

    /** The request options of a WEB_AUTHN challenge for `user` (its challenge kept by the caller). */
    async requestOptions(userPool, user) {
      const settings = webAuthnSettings(userPool);
      return simpleWebAuthn().generateAuthenticationOptions({
        rpID: settings.RelyingPartyId,
        allowCredentials: passkeysOf(user).map((p) => ({
          id: p.CredentialId,
          transports: p.AuthenticatorTransports,
        })),
        userVerification: settings.UserVerification,
        timeout: CEREMONY_TIMEOUT_MS,
      });
    },

    /**
     * Verifies a WEB_AUTHN answer against the challenge the session was
     * given, and stores the new sign counter. Resolves whether the
     * passkey counts as both factors (FactorConfiguration); any refusal is
     * NotAuthorizedException, as a wrong password is.
     */
    async verifyAssertion(
      ctx,
      userPool,
      user,
      credentialJson,
      expectedChallenge,
    ) {
      const settings = webAuthnSettings(userPool);
      let credential;
      try {
        credential = documentOf(credentialJson, 'CREDENTIAL');
      } catch {
        throw new NotAuthorizedError('Invalid passkey credential.');
      }
      const passkeys = passkeysOf(user);
      const passkey = passkeys.find((p) => p.CredentialId === credential.id);
      const origin = originOf(credential);
      if (
        !passkey ||
        !origin ||
        !originAllowed(origin, settings.RelyingPartyId)
      ) {
        throw new NotAuthorizedError('Invalid passkey credential.');
      }
      let verification;
      try {
        verification = await simpleWebAuthn().verifyAuthenticationResponse({
          response: credential,
          expectedChallenge,
          expectedOrigin: origin,
          expectedRPID: settings.RelyingPartyId,
          credential: {
            id: passkey.CredentialId,
            publicKey: Buffer.from(passkey.PublicKey, 'base64url'),
            counter: passkey.SignCount ?? 0,
            transports: passkey.AuthenticatorTransports,
          },
          requireUserVerification: settings.UserVerification === 'required',
        });
      } catch {
        throw new NotAuthorizedError('Invalid passkey credential.');
      }
      if (!verification.verified) {
        throw new NotAuthorizedError('Invalid passkey credential.');
      }
      const { newCounter, userVerified } = verification.authenticationInfo;
      const current = await userPool.getUserByUsername(ctx, user.Username);
      await userPool.saveUser(ctx, {
        ...current,
        WebAuthnCredentials: passkeysOf(current).map((p) =>
          p.CredentialId === passkey.CredentialId
            ? { ...p, SignCount: newCounter, LastUsedAt: now() }
            : p,
        ),
      });
      return {
        bothFactors:
          userVerified &&
          settings.FactorConfiguration ===
            'MULTI_FACTOR_WITH_USER_VERIFICATION',
      };
    },
  };
}

/** The sign-in factors a user has, of those the pool allows first (GetUserAuthFactors). */
function configuredFactors(user, userPool) {
  const allowed = allowedFirstFactors(userPool);
  const factors = [];
  if (allowed.includes('PASSWORD') && user.Password) factors.push('PASSWORD');
  if (allowed.includes('EMAIL_OTP') && attribute(user, 'email')) {
    factors.push('EMAIL_OTP');
  }
  if (allowed.includes('WEB_AUTHN') && passkeysOf(user).length > 0) {
    factors.push('WEB_AUTHN');
  }
  return factors;
}

/** Cognito names a passkey by its provider; the emulator numbers them. */
function friendlyName(credential, count) {
  const kind =
    credential.authenticatorAttachment === 'cross-platform'
      ? 'Security key'
      : 'Passkey';
  return `${kind} ${count + 1}`;
}

/** The library's refusal of an attestation, as Cognito's error. */
function registrationRefusal(error) {
  const message = error instanceof Error ? error.message : String(error);
  if (/RP ID/i.test(message)) {
    return new CognitoError(
      'WebAuthnRelyingPartyMismatchException',
      'The credential was created for another relying party than the user pool.',
    );
  }
  if (/challenge/i.test(message)) {
    return new CognitoError(
      'WebAuthnChallengeNotFoundException',
      'The credential does not answer the registration challenge of the user.',
    );
  }
  if (/origin/i.test(message)) {
    return new CognitoError(
      'WebAuthnOriginNotAllowedException',
      'The origin of the credential does not match the relying party id of the user pool.',
    );
  }
  return new CognitoError(
    'WebAuthnCredentialNotSupportedException',
    `The credential is not supported: ${message}`,
  );
}

module.exports = {
  createWebAuthn,
  webAuthnSettings,
  allowedFirstFactors,
  configuredFactors,
  passkeysOf,
  attribute,
};
