import { useApp } from './support/app.js';
import { useExternalEmulator } from './support/external-emulator.js';
import { expectError, type Answer } from './support/http.js';
import { timed, waitFor } from './support/timing.js';
import {
  PASSWORD,
  confirmedUser,
  newEmail,
  type Tokens,
} from './support/users.js';

/**
 * Cognito goes away under a running app, and comes back. The app runs in
 * aws mode against a cognito-local this test starts, freezes (SIGSTOP: the
 * port still accepts, nothing answers, so only the timeouts help), stops
 * (connections refused) and restarts on the same data folder and port.
 */

const COGNITO_TIMEOUT_MS = 1000;
const JWKS_TIMEOUT_MS = 1000;
/** What "within ~1.5 s" is held to. */
const UNAVAILABLE_WITHIN_MS = 2000;
/** /health waits up to 2 s per indicator (they run side by side). */
const HEALTH_WITHIN_MS = 3500;
const RECOVERY_WITHIN_MS = 10_000;

describe('Cognito outage under a running app (aws mode, an emulator the test controls)', () => {
  const external = useExternalEmulator();
  const app = useApp(() =>
    external.awsEnv({
      COGNITO_TIMEOUT_MS: String(COGNITO_TIMEOUT_MS),
      JWKS_TIMEOUT_MS: String(JWKS_TIMEOUT_MS),
      // Each /health below sees the outage as it is now, not a cached answer.
      HEALTH_CACHE_MS: '0',
    }),
  );
  let frozenPid: number | undefined;

  const email = newEmail('outage');
  let used: Tokens;
  /** Obtained before the outage and never shown to the app until then. */
  let unusedForFreeze: Tokens;
  let unusedForStop: Tokens;

  const login = (password = PASSWORD): Promise<Answer> =>
    app.http.post('/api/v1/auth/login', { email, password });

  /** An IDP_UNAVAILABLE answer, fast enough; answers the time it took. */
  async function expectUnavailable(
    label: string,
    request: () => Promise<Answer>,
    withinMs = UNAVAILABLE_WITHIN_MS,
  ): Promise<number> {
    const { result, ms } = await timed(request);
    console.log(`[outage] ${label}: ${result.status} in ${ms.toFixed(0)} ms`);
    expectError(result, 503, 'IDP_UNAVAILABLE');
    expect(result.body.message).toEqual(expect.any(String));
    expect(ms).toBeLessThan(withinMs);
    return ms;
  }

  afterAll(async () => {
    // Never leave a frozen child behind, whatever failed.
    if (frozenPid) {
      try {
        process.kill(frozenPid, 'SIGCONT');
      } catch {
        // already gone
      }
    }
  });

  describe('while Cognito is up', () => {
    it('registers, confirms and logs in', async () => {
      await confirmedUser(app.http, email, PASSWORD, {
        name: 'Misty',
        codeOf: (address) => external.codeFor(address),
      });

      const answers = [await login(), await login(), await login()];
      for (const answer of answers) expect(answer.status).toBe(200);
      [used, unusedForFreeze, unusedForStop] = answers.map(
        (a) => a.body as Tokens,
      );
      const accessTokens = new Set(answers.map((a) => a.body.accessToken));
      expect(accessTokens.size).toBe(3);
    });

    it('serves GET /api/v1/pokemons with the access token (200), and /health 200', async () => {
      const answer = await app.http.get(
        '/api/v1/pokemons?limit=2',
        used.accessToken,
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toHaveLength(2);
      expect((await app.http.get('/health')).status).toBe(200);
    });
  });

  describe('while Cognito hangs (the emulator frozen with SIGSTOP)', () => {
    beforeAll(() => {
      frozenPid = external.emulator.pid;
      expect(frozenPid).toEqual(expect.any(Number));
      process.kill(frozenPid!, 'SIGSTOP');
    });

    it(`answers POST /login with 503 IDP_UNAVAILABLE after about COGNITO_TIMEOUT_MS (${COGNITO_TIMEOUT_MS} ms)`, async () => {
      const ms = await expectUnavailable('login, Cognito frozen', () =>
        login(),
      );
      expect(ms).toBeGreaterThanOrEqual(COGNITO_TIMEOUT_MS - 50);
    });

    it('answers POST /refresh with 503 IDP_UNAVAILABLE in time', async () => {
      await expectUnavailable('refresh, Cognito frozen', () =>
        app.http.post('/api/v1/auth/refresh', {
          refreshToken: used.refreshToken,
        }),
      );
    });

    it('still serves GET /api/v1/pokemons with the token already seen (200)', async () => {
      const { result, ms } = await timed(() =>
        app.http.get('/api/v1/pokemons?limit=1', used.accessToken),
      );
      expect(result.status).toBe(200);
      expect(ms).toBeLessThan(500);
    });

    it('still serves a NEW valid token obtained before the outage (keys cached, signature checked locally)', async () => {
      const { result, ms } = await timed(() =>
        app.http.get('/api/v1/pokemons?limit=1', unusedForFreeze.accessToken),
      );
      expect(result.status).toBe(200);
      expect(ms).toBeLessThan(500);
    });

    it('answers GET /health with 503 IDP_UNAVAILABLE naming jwks and cognito, in bounded time', async () => {
      const { result, ms } = await timed(() => app.http.get('/health'));
      console.log(
        `[outage] /health, Cognito frozen: ${result.status} in ${ms.toFixed(0)} ms`,
      );
      expectError(result, 503, 'IDP_UNAVAILABLE');
      expect(result.body.message).toMatch(/\bjwks\b/);
      expect(result.body.message).toMatch(/\bcognito\b/);
      expect(ms).toBeLessThan(HEALTH_WITHIN_MS);
    });

    it('logs in again soon after the emulator is resumed (SIGCONT), without restarting the app', async () => {
      process.kill(frozenPid!, 'SIGCONT');
      frozenPid = undefined;
      const { ms } = await timed(() =>
        waitFor(
          'login after SIGCONT',
          async () => ((await login()).status === 200 ? true : undefined),
          { timeoutMs: RECOVERY_WITHIN_MS, intervalMs: 100 },
        ),
      );
      console.log(`[outage] login 200 again ${ms.toFixed(0)} ms after SIGCONT`);
    });
  });

  describe('while Cognito is down (the emulator stopped: connections refused)', () => {
    beforeAll(async () => {
      await external.emulator.stop();
    });

    it(`answers POST /login with 503 IDP_UNAVAILABLE within ${UNAVAILABLE_WITHIN_MS} ms`, async () => {
      await expectUnavailable('login, Cognito stopped', () => login());
    });

    it('answers a wrong password with 503 too, not 401 (the password was never checked)', async () => {
      await expectUnavailable('login (wrong password), Cognito stopped', () =>
        login('Wr0ng-Passw0rd!'),
      );
    });

    it('answers POST /register with 503 IDP_UNAVAILABLE', async () => {
      await expectUnavailable('register, Cognito stopped', () =>
        app.http.post('/api/v1/auth/register', {
          name: 'Brock',
          email: newEmail('during-outage'),
          password: PASSWORD,
        }),
      );
    });

    it('answers POST /refresh with 503 IDP_UNAVAILABLE', async () => {
      await expectUnavailable('refresh, Cognito stopped', () =>
        app.http.post('/api/v1/auth/refresh', {
          refreshToken: used.refreshToken,
        }),
      );
    });

    it('answers GET /auth/me (which asks Cognito) with 503 IDP_UNAVAILABLE, not 401', async () => {
      await expectUnavailable('me, Cognito stopped', () =>
        app.http.get('/api/v1/auth/me', used.accessToken),
      );
    });

    it('still serves GET /api/v1/pokemons with the token already seen (200)', async () => {
      const answer = await app.http.get(
        '/api/v1/pokemons?limit=1',
        used.accessToken,
      );
      expect(answer.status).toBe(200);
    });

    it('still serves a NEW valid token obtained before the outage and never used (200)', async () => {
      const answer = await app.http.get(
        '/api/v1/pokemons/pikachu',
        unusedForStop.accessToken,
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id: 25, name: 'Pikachu' });
      // And its ID token, verified the same way.
      const byId = await app.http.get(
        '/api/v1/pokemons/1',
        unusedForStop.idToken,
      );
      expect(byId.status).toBe(200);
    });

    it('answers GET /health with 503 IDP_UNAVAILABLE, its message naming jwks and cognito', async () => {
      const { result, ms } = await timed(() => app.http.get('/health'));
      console.log(
        `[outage] /health, Cognito stopped: ${result.status} in ${ms.toFixed(0)} ms`,
      );
      expectError(result, 503, 'IDP_UNAVAILABLE');
      expect(result.body.message).toMatch(/\bjwks\b/);
      expect(result.body.message).toMatch(/\bcognito\b/);
      expect(ms).toBeLessThan(HEALTH_WITHIN_MS);
    });

    it('keeps the process up: further requests are answered', async () => {
      expectError(await app.http.get('/api/v1/pokemons'), 401, 'UNAUTHORIZED');
      expect(
        (await app.http.get('/api/v1/pokemons/1', used.accessToken)).status,
      ).toBe(200);
      await expectUnavailable('login again, Cognito stopped', () => login());
    });
  });

  describe('when Cognito comes back (restarted on the same data folder)', () => {
    let restartedAt: number;

    beforeAll(async () => {
      const again = await external.emulator.start();
      restartedAt = performance.now();
      expect(again.endpoint).toBe(external.pool.endpoint);
      expect(again.userPoolId).toBe(external.pool.userPoolId);
    });

    it(`logs in again (200) within ${RECOVERY_WITHIN_MS} ms, without restarting the app`, async () => {
      const answer = await waitFor(
        'login after restart',
        async () => {
          const attempt = await login();
          return attempt.status === 200 ? attempt : undefined;
        },
        { timeoutMs: RECOVERY_WITHIN_MS, intervalMs: 100 },
      );
      console.log(
        `[outage] login 200 again ${(performance.now() - restartedAt).toFixed(0)} ms after the emulator restarted`,
      );
      expect(answer.body).toMatchObject({ tokenType: 'Bearer' });
      const fresh = await app.http.get(
        '/api/v1/pokemons?limit=1',
        answer.body.accessToken,
      );
      expect(fresh.status).toBe(200);
    });

    it(`answers /health 200 again within ${RECOVERY_WITHIN_MS} ms`, async () => {
      const answer = await waitFor(
        '/health after restart',
        async () => {
          const probe = await app.http.get('/health');
          return probe.status === 200 ? probe : undefined;
        },
        { timeoutMs: RECOVERY_WITHIN_MS, intervalMs: 100 },
      );
      console.log(
        `[outage] /health 200 again ${(performance.now() - restartedAt).toFixed(0)} ms after the emulator restarted`,
      );
      expect(answer.body).toMatchObject({
        status: 'ok',
        info: { jwks: { status: 'up' }, cognito: { status: 'up' } },
      });
    });

    it('refreshes with the refresh token issued before the outage', async () => {
      const answer = await app.http.post('/api/v1/auth/refresh', {
        refreshToken: used.refreshToken,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ tokenType: 'Bearer' });
    });
  });
});
