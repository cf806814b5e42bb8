import { Instances } from './support/app.js';
import { useExternalEmulator } from './support/external-emulator.js';
import { Http, expectError, type Answer } from './support/http.js';
import { startRedis, type RedisServer } from './support/redis.js';
import {
  LOGOUT_SEEN_WITHIN_MS,
  SEEN_BUSY_MARGIN_MS,
  within,
} from './support/timing.js';
import { PASSWORD, confirmedUser, login, newEmail } from './support/users.js';

/**
 * Two instances of the app behind one Redis (REDIS_URL) and one user pool
 * (an emulator run beside them, aws mode), as in the README's "Several
 * instances": a logout on one holds on the other, the failed-password
 * limit counts across both, and with Redis frozen (SIGSTOP) guarded routes
 * keep serving while logouts answer 503 until it is back.
 */

const REDIS_TIMEOUT_MS = 300;
const FAILED_PASSWORDS = 3;
const GUARDED = '/api/v1/pokemons/1';
const WRONG = 'Wr0ng-Passw0rd!';

/** Polls in 20 ms steps: the delays it logs are read against a 1 s bound. */
const STEPS = { intervalMs: 20 };

describe('several instances sharing one Redis (REDIS_URL)', () => {
  const external = useExternalEmulator();
  let redis: RedisServer;
  const instances = new Instances();
  let one: Http;
  let two: Http;

  beforeAll(async () => {
    redis = await startRedis();
    const env = external.awsEnv({
      REDIS_URL: redis.url,
      REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS),
      HEALTH_CACHE_MS: '0',
      TRUST_PROXY: undefined,
      AUTH_FAILURE_MIN_MS: '0',
      RATE_LIMIT_IP_PER_MINUTE: '100000',
      RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: String(FAILED_PASSWORDS),
      RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL: '100',
    });
    [one, two] = await instances.start(2, env);
  });

  afterAll(async () => {
    redis?.resume();
    await instances.close();
    await redis?.stop();
  });

  const user = async (tag: string): Promise<string> =>
    confirmedUser(one, newEmail(tag), PASSWORD, {
      codeOf: (address) => external.codeFor(address),
    });
  const refused = async (http: Http, token: string): Promise<boolean> =>
    (await http.get(GUARDED, token)).status === 401;

  it('refuses on instance 2, within a second, the access token of a logout on instance 1', async () => {
    const email = await user('logout');
    const tokens = await login(one, email);
    expect((await two.get(GUARDED, tokens.accessToken)).status).toBe(200);
    const logout = await one.post(
      '/api/v1/auth/logout',
      { refreshToken: tokens.refreshToken },
      tokens.accessToken,
    );
    expect(logout.status).toBe(204);
    const delay = await within(
      LOGOUT_SEEN_WITHIN_MS + SEEN_BUSY_MARGIN_MS,
      () => refused(two, tokens.accessToken),
      STEPS,
    );
    console.info(`logout on instance 1 held on instance 2 after ${delay} ms`);
    expectError(
      await two.get(GUARDED, tokens.accessToken),
      401,
      'UNAUTHORIZED',
    );
  });

  it(`counts failed passwords across both instances: the ${FAILED_PASSWORDS + 1}th in all is refused, whichever instance gets it`, async () => {
    const email = await user('guess');
    const attempt = (http: Http, password = WRONG): Promise<Answer> =>
      http.post('/api/v1/auth/login', { email, password });
    for (let i = 0; i < FAILED_PASSWORDS; i++) {
      expectError(
        await attempt(i % 2 === 0 ? one : two),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    for (const http of [one, two]) {
      const blocked = await attempt(http);
      expectError(blocked, 429, 'TOO_MANY_REQUESTS');
      expect(blocked.body.message).toMatch(
        /^Too many failed attempts for this email from this address; try again in \d+ seconds\.$/,
      );
      expect(blocked.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expectError(await attempt(http, PASSWORD), 429, 'TOO_MANY_REQUESTS');
    }
  });

  it('with Redis frozen: serves guarded routes, answers logout 503 in time and /health 503; once back, the retried logout holds everywhere', async () => {
    const email = await user('outage');
    const tokens = await login(one, email);
    const other = await login(two, email);
    for (const http of [one, two]) {
      expect((await http.get(GUARDED, tokens.accessToken)).status).toBe(200);
    }
    redis.pause();
    try {
      for (const http of [one, two]) {
        expect((await http.get(GUARDED, tokens.accessToken)).status).toBe(200);
        expect((await http.get(GUARDED, other.accessToken)).status).toBe(200);
      }
      const started = performance.now();
      const logout = await one.post(
        '/api/v1/auth/logout',
        {},
        tokens.accessToken,
      );
      const tookMs = Math.round(performance.now() - started);
      console.info(`logout with Redis frozen answered in ${tookMs} ms`);
      expectError(logout, 503, 'STORE_UNAVAILABLE');
      expect(logout.body.message).toBe(
        'Sessions cannot be ended or checked right now: The shared store did not answer in time. Try again later.',
      );
      // Two waits on Redis at most: the per-IP count (then per instance) and the write.
      expect(tookMs).toBeLessThan(2 * REDIS_TIMEOUT_MS + SEEN_BUSY_MARGIN_MS);
      // Not ended anywhere, so not taken as ended, not even on the
      // instance that took the logout: still served.
      for (const http of [one, two]) {
        expect((await http.get(GUARDED, tokens.accessToken)).status).toBe(200);
      }
      for (const http of [one, two]) {
        const health = await http.get('/health');
        expectError(health, 503, 'IDP_UNAVAILABLE');
        expect(health.body.message).toMatch(
          /redis \(The shared store did not answer in time\.\)/,
        );
        // Rate limits count per instance meanwhile: logins still work.
        expect((await login(http, email)).accessToken).toEqual(
          expect.any(String),
        );
      }
    } finally {
      redis.resume();
    }
    const retried = await one.post(
      '/api/v1/auth/logout',
      {},
      tokens.accessToken,
    );
    expect(retried.status).toBe(204);
    const delay = await within(
      LOGOUT_SEEN_WITHIN_MS + SEEN_BUSY_MARGIN_MS,
      () => refused(two, tokens.accessToken),
      STEPS,
    );
    console.info(
      `after Redis came back, the retried logout held on instance 2 after ${delay} ms`,
    );
    // The other session of the user was not logged out.
    expect((await two.get(GUARDED, other.accessToken)).status).toBe(200);
    for (const http of [one, two]) {
      await within(
        5000,
        async () => (await http.get('/health')).status === 200,
        STEPS,
      );
    }
  });
});
