import { useApp } from './support/app.js';
import { useExternalEmulator } from './support/external-emulator.js';
import { expectError, type Answer } from './support/http.js';
import { waitFor } from './support/timing.js';
import {
  PASSWORD,
  confirmedUser,
  login,
  newEmail,
  type Tokens,
} from './support/users.js';

/**
 * Logout revokes the refresh token at Cognito FIRST and refuses the
 * session after: when Cognito cannot be reached the answer is 503, the
 * bearer token still works, and the same request, retried once Cognito is
 * back, revokes. The app runs in aws mode against a cognito-local this test
 * stops and restarts (as test/outage.e2e-spec.ts does).
 */
describe('logout retried after Cognito was unreachable (aws mode, an emulator the test controls)', () => {
  const external = useExternalEmulator();
  const app = useApp(() => external.awsEnv({ COGNITO_TIMEOUT_MS: '1000' }));

  let tokens: Tokens;
  let firstTry: Answer;

  const pokemons = (token: string): Promise<Answer> =>
    app.http.get('/api/v1/pokemons?limit=1', token);
  const logout = (): Promise<Answer> =>
    app.http.post(
      '/api/v1/auth/logout',
      { refreshToken: tokens.refreshToken },
      tokens.accessToken,
    );

  beforeAll(async () => {
    const email = await confirmedUser(app.http, newEmail('retry'), PASSWORD, {
      codeOf: (address) => external.codeFor(address),
    });
    tokens = await login(app.http, email);
    expect((await pokemons(tokens.accessToken)).status).toBe(200);
    await external.emulator.stop();
    firstTry = await logout();
  });

  it('answers the logout 503 IDP_UNAVAILABLE while Cognito is down', () => {
    expectError(firstTry, 503, 'IDP_UNAVAILABLE');
  });

  it('has refused nothing yet: the bearer token still works', async () => {
    expect((await pokemons(tokens.accessToken)).status).toBe(200);
  });

  describe('once Cognito is back', () => {
    let retry: Answer;

    beforeAll(async () => {
      await external.emulator.start();
      retry = await waitFor(
        'logout retried',
        async () => {
          const answer = await logout();
          return answer.status === 503 ? undefined : answer;
        },
        { timeoutMs: 10_000, intervalMs: 200 },
      );
    });

    it('answers the same request, with the same bearer token, 204', () => {
      expect(retry.status).toBe(204);
    });

    it('has revoked the refresh token at Cognito: refresh answers 401', async () => {
      expectError(
        await app.http.post('/api/v1/auth/refresh', {
          refreshToken: tokens.refreshToken,
        }),
        401,
        'UNAUTHORIZED',
      );
    });

    it("refuses the session's access and ID tokens: 401", async () => {
      expectError(await pokemons(tokens.accessToken), 401, 'UNAUTHORIZED');
      expectError(await pokemons(tokens.idToken), 401, 'UNAUTHORIZED');
    });
  });
});
