import { generate } from 'otplib';
import { startApp, type TestApp } from './support/app.js';
import { adminCreateUser } from './support/cognito-admin.js';
import { decodeJwt } from './support/forge.js';
import { Http, expectError, type Answer } from './support/http.js';
import {
  PASSWORD,
  confirmedUser,
  login,
  newEmail,
  type Tokens,
} from './support/users.js';

/**
 * Logins that answer a challenge instead of tokens, over HTTP against the
 * embedded cognito-local: NEW_PASSWORD_REQUIRED for a user an admin created,
 * and SOFTWARE_TOKEN_MFA once the user has enrolled an authenticator app.
 */
describe('login challenges (embedded Cognito)', () => {
  let server: TestApp;
  let http: Http;

  beforeAll(async () => {
    server = await startApp();
    http = new Http(server.url);
  });

  afterAll(async () => {
    await server?.close();
  });

  const pokemons = (token: string): Promise<Answer> =>
    http.get('/api/v1/pokemons?limit=1', token);

  const TOKENS = {
    accessToken: expect.stringMatching(/^ey/),
    idToken: expect.stringMatching(/^ey/),
    refreshToken: expect.stringMatching(/^ey/),
    expiresIn: expect.any(Number),
    tokenType: 'Bearer',
    username: expect.stringMatching(/^[0-9a-f-]{36}$/),
  };

  describe('NEW_PASSWORD_REQUIRED (a user created by an admin)', () => {
    const TEMPORARY = 'Tempor4ry!';
    const CHOSEN = 'Ch0sen-Passw0rd!';
    const email = newEmail('admincreated');
    let session: string;
    let challengeTokens: Tokens | undefined;

    beforeAll(async () => {
      const created = await adminCreateUser(
        server.connection.endpoint!,
        server.connection.userPoolId,
        email,
        TEMPORARY,
      );
      expect(created.status).toBe(200);
      expect(created.body.User).toMatchObject({
        UserStatus: 'FORCE_CHANGE_PASSWORD',
      });
    });

    it('answers login with the temporary password: 200 {challenge: NEW_PASSWORD_REQUIRED, session}, no tokens', async () => {
      const answer = await http.post('/api/v1/auth/login', {
        email,
        password: TEMPORARY,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        challenge: 'NEW_PASSWORD_REQUIRED',
        session: expect.any(String),
        username: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(answer.body.session).not.toBe('');
      session = answer.body.session;
    });

    it('refuses a weak new password: 400 PASSWORD_POLICY', async () => {
      const answer = await http.post('/api/v1/auth/challenge', {
        email,
        challenge: 'NEW_PASSWORD_REQUIRED',
        session,
        newPassword: 'weak',
      });
      expectError(answer, 400, 'PASSWORD_POLICY');
    });

    it('refuses a missing new password: 400 VALIDATION_FAILED naming newPassword', async () => {
      const answer = await http.post('/api/v1/auth/challenge', {
        email,
        challenge: 'NEW_PASSWORD_REQUIRED',
        session,
      });
      expectError(answer, 400, 'VALIDATION_FAILED');
      expect(answer.body.message.join(' ')).toMatch(/newPassword/);
    });

    it.each(['SMS_MFA', 'CUSTOM_CHALLENGE', 'new_password_required', ''])(
      'refuses challenge %j, not one of the list: 400 VALIDATION_FAILED',
      async (challenge) => {
        const answer = await http.post('/api/v1/auth/challenge', {
          email,
          challenge,
          session,
          newPassword: CHOSEN,
        });
        expectError(answer, 400, 'VALIDATION_FAILED');
        expect(answer.body.message.join(' ')).toMatch(
          /challenge must be one of NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA/,
        );
      },
    );

    it('still asks for the new password after the refused answers', async () => {
      const answer = await http.post('/api/v1/auth/login', {
        email,
        password: TEMPORARY,
      });
      expect(answer.status).toBe(200);
      expect(answer.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
      session = answer.body.session;
    });

    it('answers the challenge with a new password: 200 tokens that work on the guarded route', async () => {
      const answer = await http.post('/api/v1/auth/challenge', {
        email,
        challenge: 'NEW_PASSWORD_REQUIRED',
        session,
        newPassword: CHOSEN,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(TOKENS);
      challengeTokens = answer.body;
      expect(decodeJwt(answer.body.idToken).payload).toMatchObject({
        email,
        email_verified: true,
      });
      expect((await pokemons(answer.body.accessToken)).status).toBe(200);
      expect((await pokemons(answer.body.idToken)).status).toBe(200);
    });

    /*
     * cognito-local never stores the refresh token RespondToAuthChallenge
     * issues, so RevokeToken refuses it: logout still ends the session in
     * the API (204, and its tokens are refused from then on).
     */
    it('logs the challenge session out: 204, and its access token is refused after', async () => {
      expect(challengeTokens).toBeDefined();
      const { accessToken, idToken, refreshToken } = challengeTokens!;
      const answer = await http.post(
        '/api/v1/auth/logout',
        { refreshToken },
        accessToken,
      );
      expect(answer.status).toBe(204);
      expectError(await pokemons(accessToken), 401, 'UNAUTHORIZED');
      expectError(await pokemons(idToken), 401, 'UNAUTHORIZED');
    });

    it('then logs in with the new password straight to tokens', async () => {
      const answer = await http.post('/api/v1/auth/login', {
        email,
        password: CHOSEN,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(TOKENS);
      expect((await pokemons(answer.body.accessToken)).status).toBe(200);
    });

    it('refuses the temporary password from then on: 401 INVALID_CREDENTIALS', async () => {
      expectError(
        await http.post('/api/v1/auth/login', { email, password: TEMPORARY }),
        401,
        'INVALID_CREDENTIALS',
      );
    });
  });

  describe('SOFTWARE_TOKEN_MFA (an authenticator app)', () => {
    let email: string;
    let tokens: Tokens;
    let secretCode: string;
    let session: string;

    /** The code an authenticator app shows now (or `offset` seconds away). */
    const totp = (offset = 0): Promise<string> =>
      generate({
        secret: secretCode,
        epoch: Math.floor(Date.now() / 1000) + offset,
      });

    /** Six digits that no authenticator would accept within the tolerated window. */
    const wrongCode = async (): Promise<string> => {
      const near = await Promise.all([-60, -30, 0, 30, 60].map(totp));
      let code = 0;
      while (near.includes(String(code).padStart(6, '0'))) code++;
      return String(code).padStart(6, '0');
    };

    beforeAll(async () => {
      email = await confirmedUser(http, newEmail('totp'));
      tokens = await login(http, email);
    });

    it('refuses setup with the ID token: 401 UNAUTHORIZED', async () => {
      expectError(
        await http.post(
          '/api/v1/auth/mfa/totp/setup',
          undefined,
          tokens.idToken,
        ),
        401,
        'UNAUTHORIZED',
      );
    });

    it('refuses setup without a token: 401 UNAUTHORIZED', async () => {
      expectError(
        await http.post('/api/v1/auth/mfa/totp/setup'),
        401,
        'UNAUTHORIZED',
      );
    });

    it('answers setup with the access token: 200 {secretCode, otpauthUri} naming the secret, the issuer and the email', async () => {
      const answer = await http.post(
        '/api/v1/auth/mfa/totp/setup',
        undefined,
        tokens.accessToken,
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        secretCode: expect.stringMatching(/^[A-Z2-7]+=*$/),
        otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\//),
      });
      secretCode = answer.body.secretCode;
      const uri: string = answer.body.otpauthUri;
      expect(uri).toContain(`secret=${secretCode}`);
      expect(uri).toMatch(/[?&]issuer=[^&]+/);
      const label = uri.slice('otpauth://totp/'.length, uri.indexOf('?'));
      expect(label).toContain(encodeURIComponent(email));
      expect(decodeURIComponent(label)).toContain(email);
    });

    it('refuses a code that is not 6 digits: 400 VALIDATION_FAILED naming code', async () => {
      for (const code of ['abc', '12345', '1234567', '12 456']) {
        const answer = await http.post(
          '/api/v1/auth/mfa/totp/verify',
          { code },
          tokens.accessToken,
        );
        expectError(answer, 400, 'VALIDATION_FAILED');
        expect(answer.body.message.join(' ')).toMatch(/code/);
      }
    });

    it('refuses verify with the ID token: 401 UNAUTHORIZED', async () => {
      expectError(
        await http.post(
          '/api/v1/auth/mfa/totp/verify',
          { code: await totp() },
          tokens.idToken,
        ),
        401,
        'UNAUTHORIZED',
      );
    });

    it('refuses a wrong code: 400 CODE_MISMATCH', async () => {
      expectError(
        await http.post(
          '/api/v1/auth/mfa/totp/verify',
          { code: await wrongCode() },
          tokens.accessToken,
        ),
        400,
        'CODE_MISMATCH',
      );
    });

    it('has not turned TOTP on after the wrong code: login still gives tokens', async () => {
      const answer = await http.post('/api/v1/auth/login', {
        email,
        password: PASSWORD,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(TOKENS);
    });

    it('verifies the current code: 200 {status: success}', async () => {
      const answer = await http.post(
        '/api/v1/auth/mfa/totp/verify',
        { code: await totp() },
        tokens.accessToken,
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ status: 'success' });
    });

    it('then answers login with 200 {challenge: SOFTWARE_TOKEN_MFA, session}, no tokens', async () => {
      const answer = await http.post('/api/v1/auth/login', {
        email,
        password: PASSWORD,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        challenge: 'SOFTWARE_TOKEN_MFA',
        session: expect.any(String),
        username: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(answer.body.session).not.toBe('');
      session = answer.body.session;
    });

    it('refuses a wrong code for the challenge: 400 CODE_MISMATCH, about the code', async () => {
      const answer = await http.post('/api/v1/auth/challenge', {
        email,
        challenge: 'SOFTWARE_TOKEN_MFA',
        session,
        code: await wrongCode(),
      });
      expectError(answer, 400, 'CODE_MISMATCH');
      expect(answer.body.message).toBe(
        'The code is not valid; enter the current code from the authenticator app.',
      );
    });

    it('refuses the challenge without a code: 400 VALIDATION_FAILED naming code', async () => {
      const answer = await http.post('/api/v1/auth/challenge', {
        email,
        challenge: 'SOFTWARE_TOKEN_MFA',
        session,
      });
      expectError(answer, 400, 'VALIDATION_FAILED');
      expect(answer.body.message.join(' ')).toMatch(/code/);
    });

    it('answers the challenge with the current code: 200 tokens that work on the guarded route', async () => {
      const answer = await http.post('/api/v1/auth/challenge', {
        email,
        challenge: 'SOFTWARE_TOKEN_MFA',
        session,
        code: await totp(),
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(TOKENS);
      expect(decodeJwt(answer.body.accessToken).payload.sub).toBe(
        decodeJwt(tokens.accessToken).payload.sub,
      );
      expect((await pokemons(answer.body.accessToken)).status).toBe(200);
      expect((await pokemons(answer.body.idToken)).status).toBe(200);
    });
  });
});
