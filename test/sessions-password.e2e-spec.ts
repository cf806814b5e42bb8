import { useApp } from './support/app.js';
import { decodeJwt } from './support/forge.js';
import { expectError, type Answer } from './support/http.js';
import {
  PASSWORD,
  confirmedUser,
  lastCode,
  login,
  newEmail,
  type Tokens,
} from './support/users.js';

/**
 * A password change or reset ends every other session of the user, over
 * HTTP against the embedded cognito-local. The emulator has no
 * GlobalSignOut and keeps the old refresh tokens working, so the API's own
 * cutoff does it all: the guard refuses the old access and ID tokens, and
 * POST /refresh refuses to mint tokens for a session begun before the
 * change (cognito-local gives refreshed tokens a new auth_time; the
 * session start is its refresh token's iat).
 */

const NEW_PASSWORD = 'N3w-Passw0rd!';

describe('sessions ended by a password change or reset (embedded Cognito)', () => {
  const app = useApp();

  const pokemons = (token: string): Promise<Answer> =>
    app.http.get('/api/v1/pokemons?limit=1', token);
  const refresh = (tokens: Tokens): Promise<Answer> =>
    app.http.post('/api/v1/auth/refresh', {
      refreshToken: tokens.refreshToken,
    });

  it('answers the internal username at login: the sub, which the access token carries as username', async () => {
    const email = await confirmedUser(app.http, newEmail('username'));
    const answer = await app.http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expect(answer.status).toBe(200);
    const claims = decodeJwt(answer.body.accessToken).payload;
    expect(answer.body.username).toBe(claims.username);
    expect(answer.body.username).toBe(claims.sub);
    expect(answer.body.username).not.toBe(email);
  });

  describe.each([
    [
      'POST /auth/change-password',
      async (email: string): Promise<Answer> =>
        app.http.post('/api/v1/auth/change-password', {
          email,
          currentPassword: PASSWORD,
          newPassword: NEW_PASSWORD,
        }),
    ],
    [
      'POST /auth/confirm-password',
      async (email: string): Promise<Answer> => {
        const forgot = await app.http.post('/api/v1/auth/forgot-password', {
          email,
        });
        expect(forgot.status).toBe(202);
        const code = await lastCode(app.http, email, 'ForgotPassword');
        return app.http.post('/api/v1/auth/confirm-password', {
          email,
          confirmationCode: code,
          newPassword: NEW_PASSWORD,
        });
      },
    ],
  ])('%s', (_route, changePassword) => {
    let email: string;
    let other: Tokens;
    let refreshedBefore: Answer;
    let servedBefore: number[];
    let changed: Answer;

    beforeAll(async () => {
      email = await confirmedUser(app.http, newEmail('pwchange'));
      other = await login(app.http, email);
      refreshedBefore = await refresh(other);
      servedBefore = [
        (await pokemons(other.accessToken)).status,
        (await pokemons(other.idToken)).status,
        (await pokemons(refreshedBefore.body.accessToken)).status,
      ];
      changed = await changePassword(email);
    });

    it('served the other session, and refreshed it, before the change', () => {
      expect(refreshedBefore.status).toBe(200);
      expect(servedBefore).toEqual([200, 200, 200]);
    });

    it('answers 200 success once a new whole second has begun', () => {
      expect(changed.status).toBe(200);
      expect(changed.body).toEqual({ status: 'success' });
    });

    it("refuses the other session's access and ID tokens: 401 UNAUTHORIZED", async () => {
      expectError(await pokemons(other.accessToken), 401, 'UNAUTHORIZED');
      expectError(await pokemons(other.idToken), 401, 'UNAUTHORIZED');
    });

    it('refuses the tokens that session refreshed before the change', async () => {
      expectError(
        await pokemons(refreshedBefore.body.accessToken),
        401,
        'UNAUTHORIZED',
      );
    });

    it('refuses to refresh the other session (the emulator would): 401 UNAUTHORIZED', async () => {
      expectError(await refresh(other), 401, 'UNAUTHORIZED');
    });

    it('logs in at once with the new password, and that session works and refreshes', async () => {
      const fresh = await login(app.http, email, NEW_PASSWORD);
      expect((await pokemons(fresh.accessToken)).status).toBe(200);
      expect((await pokemons(fresh.idToken)).status).toBe(200);
      const refreshed = await refresh(fresh);
      expect(refreshed.status).toBe(200);
      expect((await pokemons(refreshed.body.accessToken)).status).toBe(200);
    });

    it('refuses the old password', async () => {
      expectError(
        await app.http.post('/api/v1/auth/login', {
          email,
          password: PASSWORD,
        }),
        401,
        'INVALID_CREDENTIALS',
      );
    });
  });
});
