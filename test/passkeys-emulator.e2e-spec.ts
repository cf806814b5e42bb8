import { generate } from 'otplib';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiException } from '../src/common/errors/api-exception.js';
import type {
  PasswordlessGateway,
  PasswordlessStep,
  WebAuthnJson,
} from '../src/cognito/passwordless.gateway.js';
import { startApp, type TestApp } from './support/app.js';
import { cognitoCall } from './support/cognito-admin.js';
import { decodeJwt, forge, rs256Header, strangerKey } from './support/forge.js';
import { Http } from './support/http.js';
import {
  SoftwareAuthenticator,
  type CeremonyOptions,
} from './support/software-authenticator.js';
import {
  confirmedUser,
  lastCode,
  login,
  newEmail,
  type Tokens,
} from './support/users.js';

/**
 * The embedded emulator's Essentials support (Cognito's choice-based
 * sign-in and passkeys), driven through PasswordlessGateway, the app's
 * adapter for these operations, and straight at the emulator where
 * Cognito's own error names are the point. A software authenticator
 * stands in for the browser's.
 */
describe('the embedded emulator: passkeys and email codes (USER_AUTH)', () => {
  let server: TestApp;
  let gateway: PasswordlessGateway;
  let http: Http;
  let endpoint: string;
  let clientId: string;
  let userPoolId: string;

  beforeAll(async () => {
    server = await startApp();
    http = new Http(server.url);
    ({ endpoint = '', clientId, userPoolId } = server.connection);
    const { PasswordlessGateway: token } =
      await import('../src/cognito/passwordless.gateway.js');
    gateway = server.app.get(token);
  });

  afterAll(async () => {
    await server?.close();
  });

  /** A confirmed user signed in with the password. */
  async function signedInUser(
    tag: string,
  ): Promise<{ email: string; tokens: Tokens }> {
    const email = await confirmedUser(http, newEmail(tag));
    return { email, tokens: await login(http, email) };
  }

  async function registerPasskey(
    accessToken: string,
    authenticator = new SoftwareAuthenticator(),
  ): Promise<SoftwareAuthenticator> {
    const options = await gateway.startPasskeyRegistration(accessToken);
    await gateway.completePasskeyRegistration(
      accessToken,
      authenticator.register(options),
    );
    return authenticator;
  }

  async function passkeyChallenge(
    email: string,
  ): Promise<{ session: string; options: WebAuthnJson }> {
    const step = await gateway.startSignIn(email, 'WEB_AUTHN');
    if (step.kind !== 'webAuthn') throw new Error(`got ${step.kind}`);
    return step;
  }

  function answerPasskey(
    email: string,
    session: string,
    credential: WebAuthnJson,
  ): Promise<PasswordlessStep> {
    return gateway.answerChallenge({
      email,
      session,
      answer: { challenge: 'WEB_AUTHN', credential },
    });
  }

  /** What the gateway rejected with: the API's status and code, and Cognito's error name. */
  async function refusal(
    promise: Promise<unknown>,
  ): Promise<{ status: number; code: string; cognito: string }> {
    const error = (await promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (e: unknown) => e,
    )) as ApiException;
    const cause = error.cause as { name?: string } | undefined;
    return {
      status: error.getStatus(),
      code: error.code,
      cognito: cause?.name ?? '',
    };
  }

  function storedPasskeys(username: string): Record<string, unknown>[] {
    const pool = JSON.parse(
      readFileSync(
        join(server.dataDir, '.cognito', 'db', `${userPoolId}.json`),
        'utf8',
      ),
    ) as { Users: Record<string, { WebAuthnCredentials?: [] }> };
    return pool.Users[username]?.WebAuthnCredentials ?? [];
  }

  it('provisions the app client with ALLOW_USER_AUTH and the pool with WebAuthn on localhost', async () => {
    const client = await cognitoCall(endpoint, 'DescribeUserPoolClient', {
      UserPoolId: userPoolId,
      ClientId: clientId,
    });
    expect(client.body.UserPoolClient.ExplicitAuthFlows).toContain(
      'ALLOW_USER_AUTH',
    );
    const mfa = await cognitoCall(endpoint, 'GetUserPoolMfaConfig', {
      UserPoolId: userPoolId,
    });
    expect(mfa.body.WebAuthnConfiguration).toEqual({
      RelyingPartyId: 'localhost',
      UserVerification: 'required',
      FactorConfiguration: 'MULTI_FACTOR_WITH_USER_VERIFICATION',
    });
  });

  describe('USER_AUTH', () => {
    it('answers SELECT_CHALLENGE with the factors the user has when none is preferred', async () => {
      const email = await confirmedUser(http, newEmail('select'));
      const answer = await cognitoCall(endpoint, 'InitiateAuth', {
        AuthFlow: 'USER_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: email },
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        ChallengeName: 'SELECT_CHALLENGE',
        AvailableChallenges: ['PASSWORD', 'EMAIL_OTP'],
        Session: expect.any(String),
      });
    });

    it('answers SELECT_CHALLENGE, not WEB_AUTHN, to a user without a passkey who prefers one', async () => {
      const email = await confirmedUser(http, newEmail('nopasskey'));
      const step = await gateway.startSignIn(email, 'WEB_AUTHN');
      expect(step).toMatchObject({
        kind: 'select',
        available: ['PASSWORD', 'EMAIL_OTP'],
      });
    });

    it('signs in with the password chosen at SELECT_CHALLENGE', async () => {
      const email = await confirmedUser(http, newEmail('choosepw'));
      const start = await cognitoCall(endpoint, 'InitiateAuth', {
        AuthFlow: 'USER_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: email },
      });
      const answer = await cognitoCall(endpoint, 'RespondToAuthChallenge', {
        ClientId: clientId,
        ChallengeName: 'SELECT_CHALLENGE',
        Session: start.body.Session,
        ChallengeResponses: {
          USERNAME: email,
          ANSWER: 'PASSWORD',
          PASSWORD: 'Passw0rd!',
        },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.AuthenticationResult.AccessToken).toEqual(
        expect.any(String),
      );
    });

    it('refuses a client without ALLOW_USER_AUTH: InvalidParameterException', async () => {
      const created = await cognitoCall(endpoint, 'CreateUserPoolClient', {
        UserPoolId: userPoolId,
        ClientName: 'no-user-auth',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
      });
      const answer = await cognitoCall(endpoint, 'InitiateAuth', {
        AuthFlow: 'USER_AUTH',
        ClientId: created.body.UserPoolClient.ClientId,
        AuthParameters: { USERNAME: newEmail('x') },
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        __type: 'InvalidParameterException',
        message: 'USER_AUTH flow not enabled for this client',
      });
    });
  });

  describe('passkeys', () => {
    let email: string;
    let tokens: Tokens;
    let username: string;
    let authenticator: SoftwareAuthenticator;

    beforeAll(async () => {
      ({ email, tokens } = await signedInUser('passkey'));
      username = String(decodeJwt(tokens.accessToken).payload.username);
    });

    it('answers StartWebAuthnRegistration with WebAuthn Level 3 creation options for localhost', async () => {
      const options = await gateway.startPasskeyRegistration(
        tokens.accessToken,
      );
      expect(options).toMatchObject({
        challenge: expect.stringMatching(/^[\w-]{20,}$/),
        rp: { id: 'localhost', name: expect.any(String) },
        user: {
          id: Buffer.from(username).toString('base64url'),
          name: email,
          displayName: expect.any(String),
        },
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -257 },
        ],
        excludeCredentials: [],
        authenticatorSelection: {
          residentKey: 'required',
          userVerification: 'required',
        },
        timeout: expect.any(Number),
      });
    });

    it('registers a passkey, lists it, stores it in the data folder and names WEB_AUTHN among the factors', async () => {
      authenticator = await registerPasskey(tokens.accessToken);
      const page = await gateway.listPasskeys(tokens.accessToken);
      expect(page).toEqual({
        items: [
          {
            id: authenticator.credentialId,
            name: expect.any(String),
            createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
            relyingPartyId: 'localhost',
            authenticatorAttachment: 'platform',
            transports: ['internal', 'hybrid'],
          },
        ],
      });
      expect(storedPasskeys(username)).toEqual([
        expect.objectContaining({
          CredentialId: authenticator.credentialId,
          SignCount: 0,
        }),
      ]);
      expect(await gateway.getAuthFactors(tokens.accessToken)).toEqual({
        username,
        factors: ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'],
        mfaMethods: [],
      });
      const next = await gateway.startPasskeyRegistration(tokens.accessToken);
      expect(next.excludeCredentials).toEqual([
        expect.objectContaining({ id: authenticator.credentialId }),
      ]);
    });

    it('signs in with the passkey (USER_AUTH, WEB_AUTHN) and stores the new sign counter', async () => {
      const { session, options } = await passkeyChallenge(email);
      expect(options).toMatchObject({
        rpId: 'localhost',
        challenge: expect.any(String),
        userVerification: 'required',
        allowCredentials: [
          expect.objectContaining({ id: authenticator.credentialId }),
        ],
      });
      const counter = authenticator.counter;
      const result = await answerPasskey(
        email,
        session,
        authenticator.authenticate(options),
      );
      expect(result.kind).toBe('tokens');
      if (result.kind !== 'tokens') return;
      expect(decodeJwt(result.tokens.accessToken).payload).toMatchObject({
        username,
        token_use: 'access',
      });
      expect(storedPasskeys(username)[0]).toMatchObject({
        SignCount: counter,
      });
      // Its refresh token is the user's, as a password sign-in's is.
      const refreshed = await cognitoCall(endpoint, 'InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: clientId,
        AuthParameters: { REFRESH_TOKEN: result.tokens.refreshToken },
      });
      expect(refreshed.status).toBe(200);
    });

    it('refuses a tampered assertion: 401 INVALID_CREDENTIALS (NotAuthorizedException)', async () => {
      const { session, options } = await passkeyChallenge(email);
      const assertion = authenticator.authenticate(options);
      const signature = Buffer.from(assertion.response.signature, 'base64url');
      signature[signature.length - 1] ^= 0x01;
      assertion.response.signature = signature.toString('base64url');
      expect(await refusal(answerPasskey(email, session, assertion))).toEqual({
        status: 401,
        code: 'INVALID_CREDENTIALS',
        cognito: 'NotAuthorizedException',
      });
    });

    it('refuses a replayed session and a replayed assertion', async () => {
      const { session, options } = await passkeyChallenge(email);
      const assertion = authenticator.authenticate(options);
      expect((await answerPasskey(email, session, assertion)).kind).toBe(
        'tokens',
      );
      // The same session again, with a fresh assertion for its challenge.
      expect(
        await refusal(
          answerPasskey(email, session, authenticator.authenticate(options)),
        ),
      ).toMatchObject({ status: 401, cognito: 'NotAuthorizedException' });
      // The same assertion on a new session (another challenge).
      const fresh = await passkeyChallenge(email);
      expect(
        await refusal(answerPasskey(email, fresh.session, assertion)),
      ).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    });

    it('refuses an assertion whose sign counter went backwards', async () => {
      const { session, options } = await passkeyChallenge(email);
      authenticator.counter = 1;
      expect(
        await refusal(
          answerPasskey(email, session, authenticator.authenticate(options)),
        ),
      ).toMatchObject({ status: 401, cognito: 'NotAuthorizedException' });
      authenticator.counter = 1000;
    });

    it('refuses an assertion made for another origin, another relying party, or without user verification', async () => {
      for (const ceremony of [
        { origin: 'https://evil.example' },
        { rpId: 'evil.example' },
        { userVerified: false },
      ]) {
        const { session, options } = await passkeyChallenge(email);
        expect(
          await refusal(
            answerPasskey(
              email,
              session,
              authenticator.authenticate(options, ceremony),
            ),
          ),
        ).toMatchObject({ status: 401, cognito: 'NotAuthorizedException' });
      }
    });

    it('refuses a session issued to another user', async () => {
      const other = await confirmedUser(http, newEmail('other'));
      const { session, options } = await passkeyChallenge(email);
      expect(
        await refusal(
          answerPasskey(other, session, authenticator.authenticate(options)),
        ),
      ).toMatchObject({ status: 401, cognito: 'NotAuthorizedException' });
    });

    it('refuses registrations Cognito refuses, with its error names', async () => {
      const complete = (credential: WebAuthnJson) =>
        cognitoCall(endpoint, 'CompleteWebAuthnRegistration', {
          AccessToken: tokens.accessToken,
          Credential: credential,
        });
      const start = async (): Promise<WebAuthnJson> =>
        (
          await cognitoCall(endpoint, 'StartWebAuthnRegistration', {
            AccessToken: tokens.accessToken,
          })
        ).body.CredentialCreationOptions;

      const cases: [CeremonyOptions, string][] = [
        [
          { origin: 'https://evil.example' },
          'WebAuthnOriginNotAllowedException',
        ],
        [{ rpId: 'evil.example' }, 'WebAuthnRelyingPartyMismatchException'],
        [{ userVerified: false }, 'WebAuthnCredentialNotSupportedException'],
      ];
      for (const [ceremony, name] of cases) {
        const options = await start();
        const answer = await complete(
          new SoftwareAuthenticator().register(options, ceremony),
        );
        expect(answer.status).toBe(400);
        expect(answer.body.__type).toBe(name);
      }
      // Without StartWebAuthnRegistration, or its challenge used twice.
      const options = await start();
      const credential = new SoftwareAuthenticator().register(options);
      expect((await complete(credential)).status).toBe(200);
      const again = await complete(
        new SoftwareAuthenticator().register(options),
      );
      expect(again.body.__type).toBe('WebAuthnChallengeNotFoundException');
      expect(
        await refusal(
          gateway.completePasskeyRegistration(tokens.accessToken, credential),
        ),
      ).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        cognito: 'WebAuthnChallengeNotFoundException',
      });
    });

    it('deletes a passkey; an unknown one is 404 NOT_FOUND (ResourceNotFoundException)', async () => {
      const before = await gateway.listAllPasskeys(tokens.accessToken);
      expect(before.length).toBeGreaterThan(1);
      await gateway.deletePasskey(tokens.accessToken, before[0].id);
      const after = await gateway.listAllPasskeys(tokens.accessToken);
      expect(after.map((p) => p.id)).toEqual(before.slice(1).map((p) => p.id));
      expect(
        await refusal(gateway.deletePasskey(tokens.accessToken, before[0].id)),
      ).toEqual({
        status: 404,
        code: 'NOT_FOUND',
        cognito: 'ResourceNotFoundException',
      });
      // The deleted passkey signs in no more.
      const { session, options } = await passkeyChallenge(email);
      expect(
        await refusal(
          answerPasskey(email, session, authenticator.authenticate(options)),
        ),
      ).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    });

    it('pages ListWebAuthnCredentials with MaxResults and NextToken', async () => {
      await registerPasskey(tokens.accessToken);
      const all = await gateway.listAllPasskeys(tokens.accessToken);
      const first = await gateway.listPasskeys(tokens.accessToken, {
        maxResults: 1,
      });
      expect(first.items).toEqual([all[0]]);
      expect(first.nextToken).toEqual(expect.any(String));
      const second = await gateway.listPasskeys(tokens.accessToken, {
        maxResults: 1,
        nextToken: first.nextToken,
      });
      expect(second.items).toEqual([all[1]]);
    });

    it('refuses a forged, an expired and an ID token on every passkey operation: 401 (NotAuthorizedException)', async () => {
      const claims = decodeJwt(tokens.accessToken).payload;
      const now = Math.floor(Date.now() / 1000);
      const bad = [
        forge(rs256Header(), claims, { alg: 'RS256', key: strangerKey() }),
        forge(rs256Header(), { ...claims, iat: now - 7200, exp: now - 3600 }),
        tokens.idToken,
      ];
      for (const token of bad) {
        for (const call of [
          () => gateway.startPasskeyRegistration(token),
          () => gateway.listPasskeys(token),
          () => gateway.deletePasskey(token, 'x'),
          () => gateway.getAuthFactors(token),
          () => gateway.completePasskeyRegistration(token, { id: 'x' }),
        ]) {
          expect(await refusal(call())).toEqual({
            status: 401,
            code: 'UNAUTHORIZED',
            cognito: 'NotAuthorizedException',
          });
        }
      }
    });
  });

  describe('EMAIL_OTP', () => {
    it('sends the code to the outbox (kind EMAIL_OTP) and signs in with it, once', async () => {
      const email = await confirmedUser(http, newEmail('otp'));
      const step = await gateway.startSignIn(email, 'EMAIL_OTP');
      expect(step).toMatchObject({
        kind: 'emailOtp',
        codeDeliveryDestination: 'o***@e***',
      });
      if (step.kind !== 'emailOtp') return;
      const code = await lastCode(http, email, 'EMAIL_OTP');
      const answer = (session: string) =>
        gateway.answerChallenge({
          email,
          session,
          answer: { challenge: 'EMAIL_OTP', code },
        });
      expect((await answer(step.session)).kind).toBe('tokens');
      expect(await refusal(answer(step.session))).toMatchObject({
        status: 401,
        code: 'INVALID_CREDENTIALS',
        cognito: 'NotAuthorizedException',
      });
    });

    it('refuses a wrong code (CodeMismatchException), then the right one on that spent session', async () => {
      const email = await confirmedUser(http, newEmail('otpwrong'));
      const step = await gateway.startSignIn(email, 'EMAIL_OTP');
      if (step.kind !== 'emailOtp') throw new Error(step.kind);
      const code = await lastCode(http, email, 'EMAIL_OTP');
      const wrong = code === '000000' ? '000001' : '000000';
      const answer = (value: string) =>
        gateway.answerChallenge({
          email,
          session: step.session,
          answer: { challenge: 'EMAIL_OTP', code: value },
        });
      expect(await refusal(answer(wrong))).toEqual({
        status: 401,
        code: 'INVALID_CREDENTIALS',
        cognito: 'CodeMismatchException',
      });
      expect(await refusal(answer(code))).toMatchObject({
        status: 401,
        cognito: 'NotAuthorizedException',
      });
    });

    describe('a user with TOTP on', () => {
      let email: string;
      let secret: string;
      let tokens: Tokens;

      beforeAll(async () => {
        ({ email, tokens } = await signedInUser('otptotp'));
        const associated = await cognitoCall(
          endpoint,
          'AssociateSoftwareToken',
          { AccessToken: tokens.accessToken },
        );
        secret = associated.body.SecretCode;
        const verified = await cognitoCall(endpoint, 'VerifySoftwareToken', {
          AccessToken: tokens.accessToken,
          UserCode: await generate({ secret }),
        });
        expect(verified.body.Status).toBe('SUCCESS');
        const preferred = await cognitoCall(endpoint, 'SetUserMFAPreference', {
          AccessToken: tokens.accessToken,
          SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
        });
        expect(preferred.status).toBe(200);
      });

      async function emailCodeStep(): Promise<PasswordlessStep> {
        const step = await gateway.startSignIn(email, 'EMAIL_OTP');
        if (step.kind !== 'emailOtp') throw new Error(step.kind);
        return gateway.answerChallenge({
          email,
          session: step.session,
          answer: {
            challenge: 'EMAIL_OTP',
            code: await lastCode(http, email, 'EMAIL_OTP'),
          },
        });
      }

      it('gets SOFTWARE_TOKEN_MFA after the email code, and tokens only with the TOTP code', async () => {
        const step = await emailCodeStep();
        expect(step).toMatchObject({
          kind: 'challenge',
          challenge: 'SOFTWARE_TOKEN_MFA',
        });
        if (step.kind !== 'challenge') return;
        const mfa = (code: string) =>
          cognitoCall(endpoint, 'RespondToAuthChallenge', {
            ClientId: clientId,
            ChallengeName: 'SOFTWARE_TOKEN_MFA',
            Session: step.session,
            ChallengeResponses: {
              USERNAME: email,
              SOFTWARE_TOKEN_MFA_CODE: code,
            },
          });
        const answer = await mfa(await generate({ secret }));
        expect(answer.status).toBe(200);
        expect(answer.body.AuthenticationResult.AccessToken).toEqual(
          expect.any(String),
        );
        // That session is spent.
        const again = await mfa(await generate({ secret }));
        expect(again.body.__type).toBe('NotAuthorizedException');
      });

      it('refuses a SOFTWARE_TOKEN_MFA answer with a forged session after the email code', async () => {
        const answer = await cognitoCall(endpoint, 'RespondToAuthChallenge', {
          ClientId: clientId,
          ChallengeName: 'SOFTWARE_TOKEN_MFA',
          Session: 'ua.forged',
          ChallengeResponses: {
            USERNAME: email,
            SOFTWARE_TOKEN_MFA_CODE: await generate({ secret }),
          },
        });
        expect(answer.status).toBe(400);
        expect(answer.body).toEqual({
          __type: 'NotAuthorizedException',
          message: 'Invalid session for the user.',
        });
      });

      it('signs in with a user-verified passkey alone (MULTI_FACTOR_WITH_USER_VERIFICATION), and asks TOTP after it with SINGLE_FACTOR', async () => {
        const authenticator = await registerPasskey(tokens.accessToken);
        const first = await passkeyChallenge(email);
        expect(
          (
            await answerPasskey(
              email,
              first.session,
              authenticator.authenticate(first.options),
            )
          ).kind,
        ).toBe('tokens');

        const setFactor = (FactorConfiguration: string) =>
          cognitoCall(endpoint, 'SetUserPoolMfaConfig', {
            UserPoolId: userPoolId,
            WebAuthnConfiguration: { FactorConfiguration },
          });
        expect((await setFactor('SINGLE_FACTOR')).status).toBe(200);
        try {
          const second = await passkeyChallenge(email);
          expect(
            await answerPasskey(
              email,
              second.session,
              authenticator.authenticate(second.options),
            ),
          ).toMatchObject({
            kind: 'challenge',
            challenge: 'SOFTWARE_TOKEN_MFA',
          });
        } finally {
          await setFactor('MULTI_FACTOR_WITH_USER_VERIFICATION');
        }
      });
    });
  });

  it('keeps passkeys across a restart of the emulator (they live in its data folder)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cognito-local-passkeys-'));
    try {
      const first = await startApp({}, { dataDir });
      let email: string;
      let authenticator: SoftwareAuthenticator;
      try {
        const firstHttp = new Http(first.url);
        email = await confirmedUser(firstHttp, newEmail('restart'));
        const { accessToken } = await login(firstHttp, email);
        const { PasswordlessGateway: token } =
          await import('../src/cognito/passwordless.gateway.js');
        const firstGateway = first.app.get(token);
        authenticator = new SoftwareAuthenticator();
        await firstGateway.completePasskeyRegistration(
          accessToken,
          authenticator.register(
            await firstGateway.startPasskeyRegistration(accessToken),
          ),
        );
      } finally {
        await first.close();
      }
      const second = await startApp({}, { dataDir });
      try {
        const { PasswordlessGateway: token } =
          await import('../src/cognito/passwordless.gateway.js');
        const secondGateway = second.app.get(token);
        const step = await secondGateway.startSignIn(email, 'WEB_AUTHN');
        if (step.kind !== 'webAuthn') throw new Error(step.kind);
        const result = await secondGateway.answerChallenge({
          email,
          session: step.session,
          answer: {
            challenge: 'WEB_AUTHN',
            credential: authenticator.authenticate(step.options),
          },
        });
        expect(result.kind).toBe('tokens');
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('gives a data folder from before passkeys ALLOW_USER_AUTH, the first factors and the WebAuthn settings', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cognito-local-upgrade-'));
    const db = join(dataDir, '.cognito', 'db');
    await mkdir(db, { recursive: true });
    const oldPool = 'local_0ldP00l1';
    const oldClient = 'oldclient0000000000000000a';
    await writeFile(
      join(dataDir, 'embedded.json'),
      JSON.stringify({ userPoolId: oldPool, clientId: oldClient }),
    );
    await writeFile(
      join(db, `${oldPool}.json`),
      JSON.stringify({
        Users: {},
        Options: {
          Id: oldPool,
          Name: 'nest-cognito-auth',
          UsernameAttributes: ['email'],
          AutoVerifiedAttributes: ['email'],
          MfaConfiguration: 'OPTIONAL',
        },
      }),
    );
    await writeFile(
      join(db, 'clients.json'),
      JSON.stringify({
        Clients: {
          [oldClient]: {
            ClientId: oldClient,
            ClientName: 'nest-cognito-auth',
            UserPoolId: oldPool,
            ExplicitAuthFlows: [
              'ALLOW_USER_PASSWORD_AUTH',
              'ALLOW_REFRESH_TOKEN_AUTH',
            ],
          },
        },
      }),
    );
    try {
      const upgraded = await startApp({}, { dataDir });
      try {
        expect(upgraded.connection.userPoolId).toBe(oldPool);
        const { PasswordlessGateway: token } =
          await import('../src/cognito/passwordless.gateway.js');
        const email = await confirmedUser(
          new Http(upgraded.url),
          newEmail('upgraded'),
        );
        const step = await upgraded.app
          .get(token)
          .startSignIn(email, 'EMAIL_OTP');
        expect(step.kind).toBe('emailOtp');
        const mfa = await cognitoCall(
          upgraded.connection.endpoint ?? '',
          'GetUserPoolMfaConfig',
          { UserPoolId: oldPool },
        );
        expect(mfa.body.WebAuthnConfiguration).toMatchObject({
          RelyingPartyId: 'localhost',
        });
      } finally {
        await upgraded.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
