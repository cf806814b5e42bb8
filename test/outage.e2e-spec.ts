import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmbeddedCognito,
  type EmbeddedPool,
} from '../src/cognito/emulator/embedded-cognito.js';
import type { OutboxMessage } from '../src/cognito/emulator/outbox.js';
import { startApp, type TestApp } from './support/app.js';
import { Http, expectError, type Answer } from './support/http.js';
import { timed, waitFor } from './support/timing.js';
import { PASSWORD, newEmail, type Tokens } from './support/users.js';

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
  let dataDir: string;
  let emulator: EmbeddedCognito;
  let pool: EmbeddedPool;
  const sent: OutboxMessage[] = [];
  let server: TestApp;
  let http: Http;
  let frozenPid: number | undefined;

  const email = newEmail('outage');
  let used: Tokens;
  /** Obtained before the outage and never shown to the app until then. */
  let unusedForFreeze: Tokens;
  let unusedForStop: Tokens;

  const login = (password = PASSWORD): Promise<Answer> =>
    http.post('/api/v1/auth/login', { email, password });

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

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cognito-local-outage-'));
    emulator = new EmbeddedCognito(
      dataDir,
      (message) => sent.push(message),
      process.env.PATH,
    );
    pool = await emulator.start();
    server = await startApp({
      AWS_COGNITO_USER_POOL_ID: pool.userPoolId,
      AWS_COGNITO_CLIENT_ID: pool.clientId,
      AWS_COGNITO_ENDPOINT: pool.endpoint,
      COGNITO_TIMEOUT_MS: String(COGNITO_TIMEOUT_MS),
      JWKS_TIMEOUT_MS: String(JWKS_TIMEOUT_MS),
    });
    http = new Http(server.url);
  });

  afterAll(async () => {
    // Never leave a frozen child behind, whatever failed.
    if (frozenPid) {
      try {
        process.kill(frozenPid, 'SIGCONT');
      } catch {
        // already gone
      }
    }
    await server?.close();
    await emulator?.stop();
    for (const name of [
      'AWS_COGNITO_USER_POOL_ID',
      'AWS_COGNITO_CLIENT_ID',
      'AWS_COGNITO_ENDPOINT',
      'COGNITO_TIMEOUT_MS',
      'JWKS_TIMEOUT_MS',
    ]) {
      delete process.env[name];
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  describe('while Cognito is up', () => {
    it('registers, confirms and logs in', async () => {
      const registered = await http.post('/api/v1/auth/register', {
        name: 'Misty',
        email,
        password: PASSWORD,
      });
      expect(registered.status).toBe(201);
      const code = sent.filter((m) => m.email === email).at(-1)?.code;
      expect(code).toMatch(/^\d{6}$/);
      const confirmed = await http.post('/api/v1/auth/confirm-registration', {
        email,
        code,
      });
      expect(confirmed.status).toBe(200);

      const answers = [await login(), await login(), await login()];
      for (const answer of answers) expect(answer.status).toBe(200);
      [used, unusedForFreeze, unusedForStop] = answers.map(
        (a) => a.body as Tokens,
      );
      const accessTokens = new Set(answers.map((a) => a.body.accessToken));
      expect(accessTokens.size).toBe(3);
    });

    it('serves GET /api/v1/pokemons with the access token (200), and /health 200', async () => {
      const answer = await http.get(
        '/api/v1/pokemons?limit=2',
        used.accessToken,
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toHaveLength(2);
      expect((await http.get('/health')).status).toBe(200);
    });
  });

  describe('while Cognito hangs (the emulator frozen with SIGSTOP)', () => {
    beforeAll(() => {
      frozenPid = emulator.pid;
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
        http.post('/api/v1/auth/refresh', {
          refreshToken: used.refreshToken,
        }),
      );
    });

    it('still serves GET /api/v1/pokemons with the token already seen (200)', async () => {
      const { result, ms } = await timed(() =>
        http.get('/api/v1/pokemons?limit=1', used.accessToken),
      );
      expect(result.status).toBe(200);
      expect(ms).toBeLessThan(500);
    });

    it('still serves a NEW valid token obtained before the outage (keys cached, signature checked locally)', async () => {
      const { result, ms } = await timed(() =>
        http.get('/api/v1/pokemons?limit=1', unusedForFreeze.accessToken),
      );
      expect(result.status).toBe(200);
      expect(ms).toBeLessThan(500);
    });

    it('answers GET /health with 503 IDP_UNAVAILABLE naming jwks and cognito, in bounded time', async () => {
      const { result, ms } = await timed(() => http.get('/health'));
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
      await emulator.stop();
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
        http.post('/api/v1/auth/register', {
          name: 'Brock',
          email: newEmail('during-outage'),
          password: PASSWORD,
        }),
      );
    });

    it('answers POST /refresh with 503 IDP_UNAVAILABLE', async () => {
      await expectUnavailable('refresh, Cognito stopped', () =>
        http.post('/api/v1/auth/refresh', {
          refreshToken: used.refreshToken,
        }),
      );
    });

    it('answers GET /auth/me (which asks Cognito) with 503 IDP_UNAVAILABLE, not 401', async () => {
      await expectUnavailable('me, Cognito stopped', () =>
        http.get('/api/v1/auth/me', used.accessToken),
      );
    });

    it('still serves GET /api/v1/pokemons with the token already seen (200)', async () => {
      const answer = await http.get(
        '/api/v1/pokemons?limit=1',
        used.accessToken,
      );
      expect(answer.status).toBe(200);
    });

    it('still serves a NEW valid token obtained before the outage and never used (200)', async () => {
      const answer = await http.get(
        '/api/v1/pokemons/pikachu',
        unusedForStop.accessToken,
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id: 25, name: 'Pikachu' });
      // And its ID token, verified the same way.
      const byId = await http.get('/api/v1/pokemons/1', unusedForStop.idToken);
      expect(byId.status).toBe(200);
    });

    it('answers GET /health with 503 IDP_UNAVAILABLE, its message naming jwks and cognito', async () => {
      const { result, ms } = await timed(() => http.get('/health'));
      console.log(
        `[outage] /health, Cognito stopped: ${result.status} in ${ms.toFixed(0)} ms`,
      );
      expectError(result, 503, 'IDP_UNAVAILABLE');
      expect(result.body.message).toMatch(/\bjwks\b/);
      expect(result.body.message).toMatch(/\bcognito\b/);
      expect(ms).toBeLessThan(HEALTH_WITHIN_MS);
    });

    it('keeps the process up: further requests are answered', async () => {
      expectError(await http.get('/api/v1/pokemons'), 401, 'UNAUTHORIZED');
      expect(
        (await http.get('/api/v1/pokemons/1', used.accessToken)).status,
      ).toBe(200);
      await expectUnavailable('login again, Cognito stopped', () => login());
    });
  });

  describe('when Cognito comes back (restarted on the same data folder)', () => {
    let restartedAt: number;

    beforeAll(async () => {
      const again = await emulator.start();
      restartedAt = performance.now();
      expect(again.endpoint).toBe(pool.endpoint);
      expect(again.userPoolId).toBe(pool.userPoolId);
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
      const fresh = await http.get(
        '/api/v1/pokemons?limit=1',
        answer.body.accessToken,
      );
      expect(fresh.status).toBe(200);
    });

    it(`answers /health 200 again within ${RECOVERY_WITHIN_MS} ms`, async () => {
      const answer = await waitFor(
        '/health after restart',
        async () => {
          const probe = await http.get('/health');
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
      const answer = await http.post('/api/v1/auth/refresh', {
        refreshToken: used.refreshToken,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ tokenType: 'Bearer' });
    });
  });
});
