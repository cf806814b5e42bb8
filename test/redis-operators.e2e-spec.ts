import { Instances, startApp } from './support/app.js';
import { storedKey } from '../src/store/store-keys.js';
import { useExternalEmulator } from './support/external-emulator.js';
import { decodeJwt } from './support/forge.js';
import { Http, expectError } from './support/http.js';
import {
  redisCli,
  startRedis,
  startRedisCluster,
  startRedisSentinel,
} from './support/redis.js';
import { PASSWORD, confirmedUser, login, newEmail } from './support/users.js';
import {
  BUSY_MARGIN_MS,
  LOGOUT_SEEN_WITHIN_MS,
  SEEN_BUSY_MARGIN_MS,
  WRITE_BACK_WITHIN_MS,
  within,
} from './support/timing.js';

/**
 * Redis as operators run it (README, "Several instances"), with real
 * redis-servers and two or three instances of the app on one user pool:
 * a 3-master cluster, a Sentinel failover, a URL left on a replica, an ACL
 * user without the channel, a Redis restarted empty, an eviction policy
 * that could drop the revocations, and an upgrade from the old keys.
 */

const GUARDED = '/api/v1/pokemons/1';

describe('Redis as operators run it', () => {
  const external = useExternalEmulator();
  const running = new Instances();
  const servers: { stop(): Promise<void> }[] = [];

  afterEach(async () => {
    await running.close();
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  const envWith = (redis: Record<string, string>) =>
    external.awsEnv({
      REDIS_TIMEOUT_MS: '500',
      HEALTH_CACHE_MS: '0',
      TRUST_PROXY: undefined,
      AUTH_FAILURE_MIN_MS: '0',
      RATE_LIMIT_IP_PER_MINUTE: '100000',
      ...redis,
    });
  const instances = (
    count: number,
    redis: Record<string, string>,
  ): Promise<Http[]> => running.start(count, envWith(redis));
  const user = async (http: Http, tag: string): Promise<string> =>
    confirmedUser(http, newEmail(tag), PASSWORD, {
      codeOf: (address) => external.codeFor(address),
    });
  const refused = async (http: Http, token: string): Promise<boolean> =>
    (await http.get(GUARDED, token)).status === 401;
  const logout = (http: Http, token: string) =>
    http.post('/api/v1/auth/logout', {}, token);

  it('a 3-master cluster: /health 200, guarded routes 200 and a logout on one instance holds on the other', async () => {
    const cluster = await startRedisCluster();
    servers.push(cluster);
    const [one, two] = await instances(2, {
      REDIS_CLUSTER_NODES: cluster.nodesVariable,
    });
    for (const http of [one, two]) {
      expect((await http.get('/health')).status).toBe(200);
    }
    const tokens = await login(one, await user(one, 'cluster'));
    expect((await two.get(GUARDED, tokens.accessToken)).status).toBe(200);
    expect((await logout(one, tokens.accessToken)).status).toBe(204);
    await within(LOGOUT_SEEN_WITHIN_MS + SEEN_BUSY_MARGIN_MS, () =>
      refused(two, tokens.accessToken),
    );
    expectError(
      await one.get(GUARDED, tokens.accessToken),
      401,
      'UNAUTHORIZED',
    );
  });

  it('Sentinel: after the master is killed and the replica promoted, logouts work and hold on both instances', async () => {
    const sentinel = await startRedisSentinel();
    servers.push(sentinel);
    const [one, two] = await instances(2, {
      REDIS_SENTINELS: sentinel.sentinelsVariable,
      REDIS_SENTINEL_NAME: sentinel.name,
    });
    const email = await user(one, 'failover');
    const before = await login(one, email);
    expect((await logout(one, before.accessToken)).status).toBe(204);
    await sentinel.failover();
    // A logout during the switch may answer 503 (the client retries);
    // the same logout is taken once the instance has found the new master.
    const after = await login(two, email);
    await within(15_000, async () => {
      const answer = await logout(two, after.accessToken);
      if (answer.status === 503) {
        expectError(answer, 503, 'STORE_UNAVAILABLE');
        return false;
      }
      return answer.status === 204;
    });
    await within(LOGOUT_SEEN_WITHIN_MS + SEEN_BUSY_MARGIN_MS, () =>
      refused(one, after.accessToken),
    );
    expect(await refused(two, before.accessToken)).toBe(true);
    await within(5000, async () => (await one.get('/health')).status === 200);
  }, 60_000);

  it('REDIS_URL left on a replica: logout 503 STORE_UNAVAILABLE naming READONLY, /health 503 naming it, guarded routes still served', async () => {
    const master = await startRedis();
    servers.push(master);
    const replica = await startRedis([
      '--replicaof',
      '127.0.0.1',
      String(master.port),
    ]);
    servers.push(replica);
    const [one] = await instances(1, { REDIS_URL: replica.url });
    const tokens = await login(one, await user(one, 'readonly'));
    const answer = await logout(one, tokens.accessToken);
    expectError(answer, 503, 'STORE_UNAVAILABLE');
    expect(answer.body.message).toMatch(/read-only replica \(READONLY\)/);
    expect((await one.get(GUARDED, tokens.accessToken)).status).toBe(200);
    const health = await one.get('/health');
    expectError(health, 503, 'IDP_UNAVAILABLE');
    expect(health.body.message).toMatch(/redis \(.*READONLY/);
  });

  it('an ACL user without the channel: logout 503 naming NOPERM and the channel, /health 503 naming it', async () => {
    const redis = await startRedis();
    servers.push(redis);
    await redisCli(
      ['-p', String(redis.port), 'ACL', 'SETUSER', 'app', 'on', '>pw'].concat([
        '~nca:*',
        'resetchannels',
        '+@all',
      ]),
    );
    const [one] = await instances(1, {
      REDIS_URL: `redis://app:pw@127.0.0.1:${redis.port}`,
    });
    const tokens = await login(one, await user(one, 'acl'));
    const answer = await logout(one, tokens.accessToken);
    expectError(answer, 503, 'STORE_UNAVAILABLE');
    expect(answer.body.message).toMatch(/NOPERM: .*channel/);
    const health = await one.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.message).toMatch(/redis \(.*NOPERM/);
  });

  it('Redis restarted empty: the running instances write back, and an instance started after refuses the logged-out token', async () => {
    const redis = await startRedis();
    servers.push(redis);
    const [one, two] = await instances(2, { REDIS_URL: redis.url });
    const tokens = await login(one, await user(one, 'restart'));
    expect((await logout(one, tokens.accessToken)).status).toBe(204);
    await within(LOGOUT_SEEN_WITHIN_MS + SEEN_BUSY_MARGIN_MS, () =>
      refused(two, tokens.accessToken),
    );
    await redis.restart();
    const keys = async () =>
      (
        await redisCli(['-p', String(redis.port), 'ZCARD', 'nca:{s}rev'])
      ).trim();
    const tookMs = await within(
      WRITE_BACK_WITHIN_MS + BUSY_MARGIN_MS,
      async () => Number(await keys()) > 1,
    );
    console.info(`Redis restarted empty was written back within ${tookMs} ms`);
    const [three] = await instances(1, { REDIS_URL: redis.url });
    expectError(
      await three.get(GUARDED, tokens.accessToken),
      401,
      'UNAUTHORIZED',
    );
  }, 60_000);

  it('an upgrade from a release with the old keys: a token it logged out is refused by the upgraded instance and the running one', async () => {
    const redis = await startRedis();
    servers.push(redis);
    const [one] = await instances(1, { REDIS_URL: redis.url });
    const tokens = await login(one, await user(one, 'upgrade'));
    expect((await one.get(GUARDED, tokens.accessToken)).status).toBe(200);
    // The earlier release's logout: the session's key in nca:rev (a sorted
    // set, score = expiry), as it wrote it.
    const originJti = decodeJwt(tokens.accessToken).payload.origin_jti;
    await redisCli([
      '-p',
      String(redis.port),
      'ZADD',
      'nca:rev',
      String(Date.now() + 3_600_000),
      storedKey(`origin:${String(originJti)}`),
    ]);

    const [upgraded] = await instances(1, { REDIS_URL: redis.url });

    expectError(
      await upgraded.get(GUARDED, tokens.accessToken),
      401,
      'UNAUTHORIZED',
    );
    await within(LOGOUT_SEEN_WITHIN_MS + SEEN_BUSY_MARGIN_MS, () =>
      refused(one, tokens.accessToken),
    );
  });

  it('maxmemory-policy allkeys-lru: the app does not start, in one sentence naming the setting', async () => {
    const redis = await startRedis(['--maxmemory-policy', 'allkeys-lru']);
    servers.push(redis);
    await expect(startApp(envWith({ REDIS_URL: redis.url }))).rejects.toThrow(
      "Redis's maxmemory-policy is allkeys-lru, which can evict the revocations and sign-out cutoffs (they have no TTL); set maxmemory-policy to noeviction or a volatile-* policy.",
    );
  });
});
