'use strict';
// Cognito's choice-based sign-in (Essentials plan) for the embedded
// emulator: InitiateAuth with AuthFlow=USER_AUTH, answering SELECT_CHALLENGE
// or the preferred challenge (WEB_AUTHN, EMAIL_OTP, PASSWORD), and
// RespondToAuthChallenge for SELECT_CHALLENGE, WEB_AUTHN and EMAIL_OTP,
// then SOFTWARE_TOKEN_MFA when the user has TOTP on and the first factor
// did not count as both. Passkeys themselves are in webauthn.cjs.
//
// Installed last over cognito-local's Targets (installEssentials): other
// flows and challenges go to the handlers installed before. Its sessions
// come from the app client's store of challenge-answers.cjs (`sessionsFor`),
// as every other challenge's: the client's AuthSessionValidity, bound to
// the user and the challenge, single use. They carry a prefix, so that a
// SOFTWARE_TOKEN_MFA answer with one of them is answered here (after a
// passwordless first factor) rather than by cognito-local.
const { local } = require('./cognito-local-lib.cjs');
const {
  allowedFirstFactors,
  attribute,
  createWebAuthn,
  passkeysOf,
} = require('./webauthn.cjs');

const {
  CognitoError,
  InvalidParameterError,
  NotAuthorizedError,
  PasswordResetRequiredError,
  UserNotConfirmedException,
} = local('./lib/errors.js');
const totp = local('./lib/services/totp.js');

const PREFIX = 'ua.';
const FIRST_FACTORS = ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'];

/** Cognito's answer to a wrong code of a sign-in challenge. */
function codeMismatch() {
  return new CognitoError(
    'CodeMismatchException',
    'Invalid code or auth state for the user.',
  );
}

/** Where Cognito says it sent a code: `a***@e***`. */
function maskEmail(email) {
  const [name, domain = ''] = String(email).split('@');
  return `${name.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}

/**
 * @param {object} Targets cognito-local's handlers, wrapped in place
 * @param {{ sessionsFor: Function, now?: () => number }} options
 *   `sessionsFor` (services, ctx, clientId) -> the app client's session
 *   store, as bindChallengeSessions() returns it; `now` the passkeys' clock
 */
function installEssentials(Targets, { sessionsFor, now = Date.now }) {
  if (typeof sessionsFor !== 'function') {
    throw new TypeError(
      "installEssentials needs bindChallengeSessions()'s sessionsFor",
    );
  }
  const previousInitiateAuth = Targets.InitiateAuth;
  const previousRespond = Targets.RespondToAuthChallenge;
  const webAuthn = createWebAuthn({ now });
  webAuthn.install(Targets);

  /**
   * A session of the client's store, keeping what its answer is checked
   * against. Kept under the challenge name with the prefix: the password
   * flow's handler (challenge-answers.cjs) gives a session back after a
   * wrong code, and must never take one of these (a second factor after a
   * passwordless first one is answered once).
   */
  async function issue(services, ctx, req, user, challengeName, value) {
    const sessions = await sessionsFor(services, ctx, req.ClientId);
    return (
      PREFIX + sessions.issue(user.Username, PREFIX + challengeName, value)
    );
  }

  /** Uses the session up (single use) and gives what it was issued with. */
  async function consume(services, ctx, req, user) {
    const session = req.Session;
    const ours = typeof session === 'string' && session.startsWith(PREFIX);
    const sessions = await sessionsFor(services, ctx, req.ClientId);
    return sessions.consume(
      ours ? session.slice(PREFIX.length) : undefined,
      user.Username,
      PREFIX + req.ChallengeName,
    );
  }

  /** The first factors this user can sign in with now, in Cognito's order. */
  function availableChallenges(userPool, user) {
    const allowed = allowedFirstFactors(userPool);
    // A temporary password must be changed first: no passwordless way round it.
    if (user.UserStatus === 'FORCE_CHANGE_PASSWORD') {
      return allowed.includes('PASSWORD') ? ['PASSWORD'] : [];
    }
    return FIRST_FACTORS.filter((factor) => {
      if (!allowed.includes(factor)) return false;
      if (factor === 'PASSWORD') return Boolean(user.Password);
      if (factor === 'EMAIL_OTP') return Boolean(attribute(user, 'email'));
      return passkeysOf(user).length > 0;
    });
  }

  async function findUser(ctx, userPool, username) {
    const user = username
      ? await userPool.getUserByUsername(ctx, String(username))
      : null;
    if (!user) throw new NotAuthorizedError('Incorrect username or password.');
    if (user.Enabled === false)
      throw new NotAuthorizedError('User is disabled.');
    if (user.UserStatus === 'RESET_REQUIRED') {
      throw new PasswordResetRequiredError();
    }
    if (user.UserStatus === 'UNCONFIRMED')
      throw new UserNotConfirmedException();
    return user;
  }

  async function selectChallenge(services, ctx, req, userPool, user) {
    return {
      ChallengeName: 'SELECT_CHALLENGE',
      AvailableChallenges: availableChallenges(userPool, user),
      ChallengeParameters: { USERNAME: user.Username },
      Session: await issue(services, ctx, req, user, 'SELECT_CHALLENGE'),
    };
  }

  /** The WEB_AUTHN or EMAIL_OTP challenge (the code goes out now). */
  async function challenge(services, ctx, req, userPool, user, name) {
    if (name === 'WEB_AUTHN') {
      const options = await webAuthn.requestOptions(userPool, user);
      return {
        ChallengeName: 'WEB_AUTHN',
        ChallengeParameters: {
          USERNAME: user.Username,
          CREDENTIAL_REQUEST_OPTIONS: JSON.stringify(options),
        },
        Session: await issue(
          services,
          ctx,
          req,
          user,
          'WEB_AUTHN',
          options.challenge,
        ),
      };
    }
    const email = attribute(user, 'email');
    const code = services.otp();
    await services.messages.deliver(
      ctx,
      'EMAIL_OTP',
      req.ClientId,
      userPool.options.Id,
      user,
      code,
      req.ClientMetadata,
      { DeliveryMedium: 'EMAIL', AttributeName: 'email', Destination: email },
    );
    return {
      ChallengeName: 'EMAIL_OTP',
      ChallengeParameters: {
        USERNAME: user.Username,
        CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL',
        CODE_DELIVERY_DESTINATION: maskEmail(email),
      },
      Session: await issue(services, ctx, req, user, 'EMAIL_OTP', code),
    };
  }

  /** The password, through the USER_PASSWORD_AUTH handler installed before (its checks and challenges). */
  function passwordSignIn(services, ctx, req, user, password, secretHash) {
    return previousInitiateAuth(services)(ctx, {
      ...req,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: {
        USERNAME: user.Username,
        PASSWORD: password,
        ...(secretHash ? { SECRET_HASH: secretHash } : {}),
      },
    });
  }

  /** Tokens, or SOFTWARE_TOKEN_MFA when the user has TOTP on and one factor was given. */
  async function signedIn(services, ctx, req, userPool, user, bothFactors) {
    const totpOn =
      userPool.options.MfaConfiguration !== 'OFF' &&
      (user.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA');
    if (totpOn && !bothFactors) {
      const device = user.SoftwareTokenMfaConfiguration?.FriendlyDeviceName;
      return {
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        ChallengeParameters: {
          USERNAME: user.Username,
          ...(device ? { FRIENDLY_DEVICE_NAME: device } : {}),
        },
        Session: await issue(services, ctx, req, user, 'SOFTWARE_TOKEN_MFA'),
      };
    }
    const client = await services.cognito.getAppClient(ctx, req.ClientId);
    const groups = await userPool.listUserGroupMembership(ctx, user);
    const tokens = await services.tokenGenerator.generate(
      ctx,
      user,
      groups,
      client,
      req.ClientMetadata,
      'Authentication',
    );
    const current = await userPool.getUserByUsername(ctx, user.Username);
    await userPool.storeRefreshToken(ctx, tokens.RefreshToken, current);
    return { ChallengeParameters: {}, AuthenticationResult: tokens };
  }

  Targets.InitiateAuth = (services) => {
    const run = previousInitiateAuth(services);
    return async (ctx, req) => {
      if (req.AuthFlow !== 'USER_AUTH') return run(ctx, req);
      const client = await services.cognito.getAppClient(ctx, req.ClientId);
      if (!client) throw new NotAuthorizedError();
      if (!(client.ExplicitAuthFlows ?? []).includes('ALLOW_USER_AUTH')) {
        throw new InvalidParameterError(
          'USER_AUTH flow not enabled for this client',
        );
      }
      const params = req.AuthParameters ?? {};
      if (!params.USERNAME) {
        throw new InvalidParameterError('Missing required parameter USERNAME');
      }
      const userPool = await services.cognito.getUserPoolForClientId(
        ctx,
        req.ClientId,
      );
      const user = await findUser(ctx, userPool, params.USERNAME);
      const preferred = params.PREFERRED_CHALLENGE;
      if (preferred && !FIRST_FACTORS.includes(preferred)) {
        throw new InvalidParameterError(
          `PREFERRED_CHALLENGE must be one of ${FIRST_FACTORS.join(', ')}.`,
        );
      }
      const available = availableChallenges(userPool, user);
      if (!preferred || !available.includes(preferred)) {
        return selectChallenge(services, ctx, req, userPool, user);
      }
      if (preferred === 'PASSWORD') {
        if (!params.PASSWORD) {
          return selectChallenge(services, ctx, req, userPool, user);
        }
        return passwordSignIn(
          services,
          ctx,
          req,
          user,
          params.PASSWORD,
          params.SECRET_HASH,
        );
      }
      return challenge(services, ctx, req, userPool, user, preferred);
    };
  };
  Targets.RespondToAuthChallenge = (services) => {
    const run = previousRespond(services);
    return async (ctx, req) => {
      const name = req.ChallengeName;
      const ours =
        ['SELECT_CHALLENGE', 'WEB_AUTHN', 'EMAIL_OTP'].includes(name) ||
        (name === 'SOFTWARE_TOKEN_MFA' &&
          typeof req.Session === 'string' &&
          req.Session.startsWith(PREFIX));
      if (!ours) return run(ctx, req);
      const answers = req.ChallengeResponses ?? {};
      if (!answers.USERNAME) {
        throw new InvalidParameterError('Missing required parameter USERNAME');
      }
      const userPool = await services.cognito.getUserPoolForClientId(
        ctx,
        req.ClientId,
      );
      const client = await services.cognito.getAppClient(ctx, req.ClientId);
      if (!client) throw new NotAuthorizedError();
      const user = await findUser(ctx, userPool, answers.USERNAME);
      const value = await consume(services, ctx, req, user);

      if (name === 'SELECT_CHALLENGE') {
        const answer = answers.ANSWER;
        if (!availableChallenges(userPool, user).includes(answer)) {
          throw new InvalidParameterError(
            'ANSWER must be one of the AvailableChallenges.',
          );
        }
        if (answer === 'PASSWORD') {
          if (!answers.PASSWORD) {
            throw new InvalidParameterError(
              'Missing required parameter PASSWORD',
            );
          }
          return passwordSignIn(
            services,
            ctx,
            req,
            user,
            answers.PASSWORD,
            answers.SECRET_HASH,
          );
        }
        if (answer === 'WEB_AUTHN' && answers.CREDENTIAL) {
          throw new InvalidParameterError(
            'Answer WEB_AUTHN without CREDENTIAL, then the WEB_AUTHN challenge with it.',
          );
        }
        return challenge(services, ctx, req, userPool, user, answer);
      }
      if (name === 'WEB_AUTHN') {
        if (!answers.CREDENTIAL) {
          throw new InvalidParameterError(
            'Missing required parameter CREDENTIAL',
          );
        }
        const { bothFactors } = await webAuthn.verifyAssertion(
          ctx,
          userPool,
          user,
          answers.CREDENTIAL,
          value,
        );
        const current = await userPool.getUserByUsername(ctx, user.Username);
        return signedIn(services, ctx, req, userPool, current, bothFactors);
      }
      if (name === 'EMAIL_OTP') {
        if (!answers.EMAIL_OTP_CODE || answers.EMAIL_OTP_CODE !== value) {
          throw codeMismatch();
        }
        return signedIn(services, ctx, req, userPool, user, false);
      }
      // SOFTWARE_TOKEN_MFA after a passwordless first factor.
      const secret = user.SoftwareTokenMfaConfiguration?.Secret;
      const code = answers.SOFTWARE_TOKEN_MFA_CODE;
      if (
        !code ||
        !secret ||
        !user.SoftwareTokenMfaConfiguration?.Verified ||
        !totp.verify(secret, code)
      ) {
        throw codeMismatch();
      }
      return signedIn(services, ctx, req, userPool, user, true);
    };
  };
}

module.exports = { installEssentials, maskEmail };
