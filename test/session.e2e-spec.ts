import { startApp, type TestApp } from './support/app.js';
import { adminAttributes } from './support/cognito-admin.js';
import { decodeJwt } from './support/forge.js';
import { Http, expectError, type Answer } from './support/http.js';
import {
  PASSWORD,
  confirmedUser,
  lastCode,
  login,
  newEmail,
  type Tokens,
} from './support/users.js';

/**
 * The session after login, over HTTP against the embedded cognito-local:
 * refresh, logout (RevokeToken plus this API's own refusal of the session's
 * tokens), the profile, and resending the sign-up code.
 */
describe('the session: refresh, logout, profile, resend (embedded Cognito)', () => {
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

  const authTime = (token: string): unknown =>
    decodeJwt(token).payload.auth_time;

  /** Resolves just after a new wall-clock second starts (tokens count auth_time in seconds). */
  const nextSecond = (): Promise<void> =>
    new Promise((done) => setTimeout(done, 1000 - (Date.now() % 1000) + 20));

  describe('POST /auth/refresh', () => {
    let email: string;
    let tokens: Tokens;

    beforeAll(async () => {
      email = await confirmedUser(http, newEmail('refresh'));
      tokens = await login(http, email);
    });

    it('answers 200 with new access and ID tokens, and no refresh token', async () => {
      const answer = await http.post('/api/v1/auth/refresh', {
        refreshToken: tokens.refreshToken,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        accessToken: expect.stringMatching(/^ey/),
        idToken: expect.stringMatching(/^ey/),
        expiresIn: expect.any(Number),
        tokenType: 'Bearer',
      });
      expect(answer.body).not.toHaveProperty('refreshToken');
      expect(answer.body.expiresIn).toBeGreaterThan(0);
      expect(decodeJwt(answer.body.accessToken).payload).toMatchObject({
        token_use: 'access',
        client_id: server.connection.clientId,
        sub: decodeJwt(tokens.accessToken).payload.sub,
      });
    });

    it('gives an access token that works on the guarded route', async () => {
      const answer = await http.post('/api/v1/auth/refresh', {
        refreshToken: tokens.refreshToken,
      });
      expect(answer.status).toBe(200);
      const listed = await pokemons(answer.body.accessToken);
      expect(listed.status).toBe(200);
      expect(listed.body).toHaveLength(1);
    });

    it('refuses a garbage refresh token: 401 UNAUTHORIZED', async () => {
      expectError(
        await http.post('/api/v1/auth/refresh', {
          refreshToken: 'not-a-refresh-token',
        }),
        401,
        'UNAUTHORIZED',
      );
    });

    it('refuses an access token given as the refresh token: 401 UNAUTHORIZED', async () => {
      expectError(
        await http.post('/api/v1/auth/refresh', {
          refreshToken: tokens.accessToken,
        }),
        401,
        'UNAUTHORIZED',
      );
    });

    it('answers 400 VALIDATION_FAILED naming refreshToken when it is missing', async () => {
      const answer = await http.post('/api/v1/auth/refresh', {});
      expectError(answer, 400, 'VALIDATION_FAILED');
      expect(answer.body.message.join(' ')).toMatch(/refreshToken/);
    });
  });

  describe('POST /auth/logout', () => {
    it('answers 401 UNAUTHORIZED without a token', async () => {
      expectError(
        await http.post('/api/v1/auth/logout', {}),
        401,
        'UNAUTHORIZED',
      );
    });

    describe('with the access token and the refresh token', () => {
      let email: string;
      let tokens: Tokens;
      let logout: Answer;

      beforeAll(async () => {
        email = await confirmedUser(http, newEmail('logout'));
        tokens = await login(http, email);
      });

      it('serves the guarded route before the logout, twice (the second from the verified-token cache)', async () => {
        expect((await pokemons(tokens.accessToken)).status).toBe(200);
        expect((await pokemons(tokens.accessToken)).status).toBe(200);
        expect((await pokemons(tokens.idToken)).status).toBe(200);
      });

      it('answers 204 with an empty body', async () => {
        logout = await http.post(
          '/api/v1/auth/logout',
          { refreshToken: tokens.refreshToken },
          tokens.accessToken,
        );
        expect(logout.status).toBe(204);
        expect(logout.body).toBeUndefined();
      });

      it('refuses the same (cached) access token from then on: 401 UNAUTHORIZED', async () => {
        expect(logout?.status).toBe(204);
        expectError(await pokemons(tokens.accessToken), 401, 'UNAUTHORIZED');
        expectError(
          await http.get('/api/v1/auth/me', tokens.accessToken),
          401,
          'UNAUTHORIZED',
        );
      });

      it('refuses the ID token of the same login too: 401 UNAUTHORIZED', async () => {
        expectError(await pokemons(tokens.idToken), 401, 'UNAUTHORIZED');
      });

      it('has revoked the refresh token: refresh answers 401 UNAUTHORIZED', async () => {
        expectError(
          await http.post('/api/v1/auth/refresh', {
            refreshToken: tokens.refreshToken,
          }),
          401,
          'UNAUTHORIZED',
        );
      });

      it('lets a later, separate login of the same user work (200)', async () => {
        await nextSecond();
        const again = await login(http, email);
        expect((await pokemons(again.accessToken)).status).toBe(200);
        expect((await pokemons(again.idToken)).status).toBe(200);
        const refreshed = await http.post('/api/v1/auth/refresh', {
          refreshToken: again.refreshToken,
        });
        expect(refreshed.status).toBe(200);
      });
    });

    /*
     * Only the logged-out session is refused: another login of the same
     * user keeps working, even one made in the same second (auth_time is in
     * whole seconds, so sub + auth_time would not tell the two apart; a
     * version of RevokedSessions keyed on it refused both).
     */
    it('keeps another session of the same user, opened in the same second, working after one logs out', async () => {
      const email = await confirmedUser(http, newEmail('twosessions'));
      await nextSecond();
      const first = await login(http, email);
      const second = await login(http, email);
      // The situation under test: both logins carry the same auth_time.
      expect(authTime(second.accessToken)).toBe(authTime(first.accessToken));
      expect((await pokemons(second.accessToken)).status).toBe(200);

      const logout = await http.post(
        '/api/v1/auth/logout',
        { refreshToken: first.refreshToken },
        first.accessToken,
      );
      expect(logout.status).toBe(204);
      expectError(await pokemons(first.accessToken), 401, 'UNAUTHORIZED');

      expect((await pokemons(second.accessToken)).status).toBe(200);
      expect((await pokemons(second.idToken)).status).toBe(200);
    });

    it('lets the user log in again right after logging out (same second) and use the new tokens', async () => {
      const email = await confirmedUser(http, newEmail('relogin'));
      await nextSecond();
      const first = await login(http, email);
      expect(
        (
          await http.post(
            '/api/v1/auth/logout',
            { refreshToken: first.refreshToken },
            first.accessToken,
          )
        ).status,
      ).toBe(204);
      const again = await login(http, email);
      expect(authTime(again.accessToken)).toBe(authTime(first.accessToken));

      expect((await pokemons(again.accessToken)).status).toBe(200);
    });

    /*
     * A valid bearer with a refresh token Cognito does not accept (garbage,
     * already revoked, or one cognito-local never stored): the bearer is
     * good, so 401 UNAUTHORIZED ("missing or bad bearer token") is the
     * wrong answer, and the session must end anyway. Measured: 401
     * UNAUTHORIZED and the access token keeps working (AuthService.logout
     * awaits RevokeToken before it marks the session; cognito-errors.ts maps
     * RevokeToken's NotAuthorizedException to 401 in the logout flow).
     */
    it('ends the session even when Cognito refuses the refresh token: 204, and the access token is refused after', async () => {
      const email = await confirmedUser(http, newEmail('badrefresh'));
      const tokens = await login(http, email);
      expect((await pokemons(tokens.accessToken)).status).toBe(200);

      const answer = await http.post(
        '/api/v1/auth/logout',
        { refreshToken: 'not-a-refresh-token' },
        tokens.accessToken,
      );
      expect(answer.status).toBe(204);
      expectError(await pokemons(tokens.accessToken), 401, 'UNAUTHORIZED');
    });

    it('answers 204 without a body (bearer only), and refuses the token after', async () => {
      const email = await confirmedUser(http, newEmail('nobody'));
      const tokens = await login(http, email);
      expect((await pokemons(tokens.accessToken)).status).toBe(200);

      const answer = await http.post(
        '/api/v1/auth/logout',
        undefined,
        tokens.accessToken,
      );
      expect(answer.status).toBe(204);
      expect(answer.body).toBeUndefined();
      expectError(await pokemons(tokens.accessToken), 401, 'UNAUTHORIZED');
      expectError(await pokemons(tokens.idToken), 401, 'UNAUTHORIZED');
    });
  });

  describe('GET /auth/me', () => {
    const email = newEmail('misty');
    const name = 'Misty Waterflower';
    let tokens: Tokens;
    let sub: string;

    beforeAll(async () => {
      const registered = await http.post('/api/v1/auth/register', {
        name,
        email: `  ${email.toUpperCase()}  `,
        password: PASSWORD,
      });
      expect(registered.status).toBe(201);
      sub = registered.body.userSub;
      const code = await lastCode(http, email, 'SignUp');
      expect(
        (await http.post('/api/v1/auth/confirm-registration', { email, code }))
          .status,
      ).toBe(200);
      tokens = await login(http, email);
    });

    it('answers 200 with the profile for the access token: lower-cased email, registration name, no groups', async () => {
      // What the pool stores (cognito-local leaves email_verified false after ConfirmSignUp).
      const stored = await adminAttributes(
        server.connection.endpoint!,
        server.connection.userPoolId,
        email,
      );
      const answer = await http.get('/api/v1/auth/me', tokens.accessToken);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        sub,
        email,
        name,
        emailVerified: stored.email_verified === 'true',
        groups: [],
        username: sub,
        mfa: { totp: false },
        // GetUserAuthFactors (passwordless is on in embedded mode): a
        // password, and the email codes the pool offers.
        factors: ['PASSWORD', 'EMAIL_OTP'],
      });
    });

    it('answers 200 with the same sub and email for the ID token', async () => {
      const answer = await http.get('/api/v1/auth/me', tokens.idToken);
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body).sort()).toEqual([
        'email',
        'emailVerified',
        'groups',
        'mfa',
        'name',
        'sub',
        'username',
      ]);
      expect(answer.body).toMatchObject({
        sub,
        email,
        groups: [],
        username: sub,
        mfa: { totp: null },
      });
      expect(typeof answer.body.emailVerified).toBe('boolean');
    });

    it('answers 401 UNAUTHORIZED without a token', async () => {
      expectError(await http.get('/api/v1/auth/me'), 401, 'UNAUTHORIZED');
    });
  });

  describe('POST /auth/resend-confirmation', () => {
    const outbox = async (
      email: string,
    ): Promise<{ kind: string; code: string }[]> => {
      const answer = await http.get(
        `/api/v1/dev/outbox?email=${encodeURIComponent(email)}`,
      );
      expect(answer.status).toBe(200);
      return answer.body;
    };
    let unconfirmedAnswer: Answer;

    it('answers 202 for an unconfirmed user and sends the sign-up code again, which confirms the account', async () => {
      const email = newEmail('resend');
      expect(
        (
          await http.post('/api/v1/auth/register', {
            name: 'Brock',
            email,
            password: PASSWORD,
          })
        ).status,
      ).toBe(201);
      const signUpCode = await lastCode(http, email, 'SignUp');

      unconfirmedAnswer = await http.post('/api/v1/auth/resend-confirmation', {
        email,
      });
      expect(unconfirmedAnswer.status).toBe(202);
      expect(unconfirmedAnswer.body).toEqual({
        status: 'accepted',
        message: expect.any(String),
      });

      const resent = (await outbox(email)).filter(
        (m) => m.kind === 'ResendCode',
      );
      expect(resent).toEqual([
        expect.objectContaining({ kind: 'ResendCode', code: signUpCode }),
      ]);

      const confirmed = await http.post('/api/v1/auth/confirm-registration', {
        email,
        code: resent[0].code,
      });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toEqual({ status: 'success' });
      await login(http, email);
    });

    it('answers an unknown email exactly as an unconfirmed user: 202, same body', async () => {
      expect(unconfirmedAnswer?.status).toBe(202);
      const email = newEmail('nobody');
      const answer = await http.post('/api/v1/auth/resend-confirmation', {
        email,
      });
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual(unconfirmedAnswer.body);
      expect(await outbox(email)).toEqual([]);
    });

    it('answers a confirmed user exactly as an unconfirmed user: 202, same body, and sends nothing', async () => {
      expect(unconfirmedAnswer?.status).toBe(202);
      const email = await confirmedUser(http, newEmail('already'));
      const answer = await http.post('/api/v1/auth/resend-confirmation', {
        email,
      });
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual(unconfirmedAnswer.body);
      expect(
        (await outbox(email)).filter((m) => m.kind === 'ResendCode'),
      ).toEqual([]);
    });

    it('answers 400 VALIDATION_FAILED for a malformed email', async () => {
      const answer = await http.post('/api/v1/auth/resend-confirmation', {
        email: 'not-an-email',
      });
      expectError(answer, 400, 'VALIDATION_FAILED');
      expect(answer.body.message.join(' ')).toMatch(/email/);
    });
  });
});
