/*
 * What operators run, and how it fails: a Sentinel failover, a URL that
 * points at a replica or a cluster node, ACL users, wrong passwords, a full
 * Redis, an eviction policy that could drop the revocations, TLS, and a
 * Redis that forgot what it held. Each against real redis-servers.
 */
import { sessionIdOf } from '../../src/store/store-keys.js';
import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { freePort } from '../support/process.js';
import {
  redisCli,
  startRedis,
  startRedisCluster,
  startRedisSentinel,
  type RedisServer,
} from '../support/redis.js';
import { BUSY_MARGIN_MS, WRITE_BACK_WITHIN_MS } from '../support/timing.js';
import { makeTestCa, type TestCa } from '../support/tls.js';
import { describeRedisError } from '../../src/store/redis.errors.js';
import {
  RedisSharedStore,
  type RedisStoreOptions,
} from '../../src/store/redis.store.js';
import { StoreUnavailableError } from '../../src/store/shared-store.js';
import { storedKey as storedKeyOf } from '../../src/store/store-keys.js';
import { timeUntil, useStores } from '../support/stores.js';

const stores = useStores({ cluster: true, sentinel: true });

/** Servers a test starts beyond the file's, stopped after it. */
const extra: { stop(): Promise<void> }[] = [];
const opened: RedisSharedStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await Promise.all(extra.splice(0).map((server) => server.stop()));
  vi.restoreAllMocks();
});

async function server(args: string[] = []): Promise<RedisServer> {
  const started = await startRedis(args);
  extra.push(started);
  return started;
}

async function store(
  options: Partial<RedisStoreOptions>,
): Promise<RedisSharedStore> {
  const made = new RedisSharedStore({
    timeoutMs: 1000,
    prefix: stores.prefix,
    tickMs: 200,
    ...options,
  });
  opened.push(made);
  await made.start();
  return made;
}

/** The StoreUnavailableError the promise rejects with. */
async function refusal(
  promise: Promise<unknown>,
): Promise<StoreUnavailableError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  return error as StoreUnavailableError;
}

/** How many warnings matched the pattern. */
function warnings(
  spy: { mock: { calls: unknown[][] } },
  pattern: RegExp,
): number {
  return spy.mock.calls.filter(([m]) => pattern.test(String(m))).length;
}

describe('Sentinel failover', () => {
  it('keeps logouts working after the sentinel promotes the replica', async () => {
    const target = {
      sentinels: stores.sentinel.sentinels,
      sentinelName: stores.sentinel.name,
    };
    const a = await store(target);
    const b = await store(target);
    await a.revoke(['jti:before'], 60_000);
    await timeUntil(() => b.isRevoked(['jti:before']), 2000);
    const oldMaster = await stores.sentinel.masterPort();
    const newMaster = await stores.sentinel.failover();
    expect(newMaster).not.toBe(oldMaster);
    // The first writes may meet the old connection; one is taken within seconds.
    await timeUntil(
      () =>
        b.revoke(['jti:after'], 60_000).then(
          () => true,
          () => false,
        ),
      15_000,
    );
    await timeUntil(() => a.isRevoked(['jti:after']), 5000);
    const late = await store(target);
    expect(await late.isRevoked(['jti:after'])).toBe(true);
    expect(await late.isRevoked(['jti:before'])).toBe(true);
    expect(await late.health()).toEqual({ up: true });
  });
});

describe('Sentinel with a password of its own', () => {
  it('asks the sentinels with REDIS_SENTINEL_PASSWORD', async () => {
    const guarded = await startRedisSentinel({
      sentinelPassword: 'sentinel-pw',
    });
    extra.push(guarded);
    const a = await store({
      sentinels: guarded.sentinels,
      sentinelName: guarded.name,
      sentinelPassword: 'sentinel-pw',
    });
    await a.revoke(['jti:1'], 60_000);
    expect(await a.health()).toEqual({ up: true });
    const without = await store({
      sentinels: guarded.sentinels,
      sentinelName: guarded.name,
    });
    await expect(without.revoke(['jti:1'], 60_000)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });
});

describe('Redis refusals, named', () => {
  it('names a read-only replica (READONLY) in the logout error, the log (once) and the health', async () => {
    const master = await server();
    const replica = await server([
      '--replicaof',
      '127.0.0.1',
      String(master.port),
    ]);
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const a = await store({ url: replica.url });
    const error = await refusal(a.revoke(['jti:1'], 60_000));
    expect(error.reason).toBe('read-only');
    expect(error.message).toMatch(
      /read-only replica \(READONLY\).*REDIS_SENTINELS/,
    );
    await refusal(a.revoke(['jti:2'], 60_000));
    expect(await a.isRevoked(['jti:1'])).toBe(false);
    expect(await a.health()).toMatchObject({ up: false, reason: 'read-only' });
    // Reads still answer, but that does not make it "back": logged once.
    const log = vi.spyOn(Logger.prototype, 'log');
    const ticks = vi.spyOn(a as unknown as { tick(): Promise<void> }, 'tick');
    await timeUntil(async () => ticks.mock.calls.length >= 3, 5000);
    expect(warnings(warn, /READONLY/)).toBe(1);
    expect(warnings(log, /reachable again/)).toBe(0);
  });

  it('names a cluster node given as REDIS_URL (MOVED)', async () => {
    const reasons = await Promise.all(
      stores.cluster.nodes.map(async (node) => {
        const a = await store({ url: `redis://127.0.0.1:${node.port}` });
        return a.revoke(['jti:1'], 60_000).then(
          () => 'taken',
          (error: StoreUnavailableError) => error.message,
        );
      }),
    );
    // The slot of the revocations lives on one of the three masters.
    expect(reasons.filter((r) => r === 'taken')).toHaveLength(1);
    expect(reasons.filter((r) => r !== 'taken')).toEqual([
      expect.stringMatching(
        /cluster redirection \(MOVED\).*REDIS_CLUSTER_NODES/,
      ),
      expect.stringMatching(
        /cluster redirection \(MOVED\).*REDIS_CLUSTER_NODES/,
      ),
    ]);
  });

  it('names a wrong password (WRONGPASS) and a missing one (NOAUTH)', async () => {
    const redis = await server(['--requirepass', 'right']);
    const wrong = await store({
      url: `redis://:wrong@127.0.0.1:${redis.port}`,
    });
    const error = await refusal(wrong.revoke(['jti:1'], 60_000));
    expect(error.reason).toBe('wrong-credentials');
    expect(error.message).toMatch(/WRONGPASS/);
    expect(await wrong.health()).toMatchObject({ reason: 'wrong-credentials' });
    const none = await store({ url: redis.url });
    expect((await refusal(none.revoke(['jti:1'], 60_000))).message).toMatch(
      /NOAUTH/,
    );
    const right = await store({
      url: `redis://:right@127.0.0.1:${redis.port}`,
    });
    await right.revoke(['jti:1'], 60_000);
    expect(await right.health()).toEqual({ up: true });
  });

  it('names Redis out of memory under noeviction (OOM), and still takes logouts', async () => {
    const redis = await server([
      '--maxmemory',
      '2mb',
      '--maxmemory-policy',
      'noeviction',
    ]);
    const a = await store({ url: redis.url });
    const raw = new Redis(redis.url);
    let refused: unknown;
    try {
      // Fill it: plain writes are refused once maxmemory is reached.
      for (let i = 0; i < 100 && refused === undefined; i++) {
        await raw.set(`filler:${i}`, 'x'.repeat(100_000)).catch((error) => {
          refused = error;
        });
      }
    } finally {
      raw.disconnect();
    }
    const named = describeRedisError(refused);
    expect(named.reason).toBe('out-of-memory');
    expect(named.message).toMatch(/out of memory \(OOM, maxmemory reached\)/);
    // Redis 7 lets a script without flags write past maxmemory: the
    // logout is still taken (Redis 6 refuses it, named as above).
    await a.revoke(['jti:1'], 60_000);
    expect(await a.isRevoked(['jti:1'])).toBe(true);
  });
});

describe('ACL users', () => {
  /** The commands the README gives an ACL user. */
  const COMMANDS = readFileSync('README.md', 'utf8').match(
    /ACL SETUSER nca on >\S+ ~nca:\* &nca:events (.+)$/m,
  )?.[1];

  it('lists the minimal ACL in the README', () => {
    expect(COMMANDS).toMatch(/\+evalsha/);
  });

  it('works with the README’s minimal ACL, and names the channel a user lacks (NOPERM)', async () => {
    const redis = await server();
    const prefix = stores.prefix;
    const acl = (name: string, channel: string[]) =>
      redisCli([
        '-p',
        String(redis.port),
        'ACL',
        'SETUSER',
        name,
        'on',
        '>pw',
        `~${prefix}*`,
        'resetchannels',
        ...channel,
        ...COMMANDS!.split(' '),
      ]);
    await acl('full', [`&${prefix}events`]);
    await acl('nochannel', []);
    const full = await store({
      url: `redis://full:pw@127.0.0.1:${redis.port}`,
    });
    const other = await store({
      url: `redis://full:pw@127.0.0.1:${redis.port}`,
    });
    await full.revoke(['jti:1'], 60_000);
    await full.setCutoff('user-1', 1_700_000_000, 60_000);
    await full.hit('k', 60_000);
    const session = {
      key: 'origin:1',
      createdAt: Date.now(),
      lastActiveAt: Date.now(),
      userAgent: 'UA',
      ipAddress: '127.0.0.1',
    };
    await full.recordSession('user-1', session, {
      maxPerUser: 1,
      ttlMs: 60_000,
    });
    await full.recordSession(
      'user-1',
      { ...session, key: 'origin:2' },
      { maxPerUser: 1, ttlMs: 60_000 },
    );
    expect(await other.sessionsOf('user-1')).toHaveLength(1);
    expect(
      await full.endSession('user-1', sessionIdOf('origin:2'), 60_000),
    ).toBe(true);
    await timeUntil(() => other.isRevoked(['jti:1']), 2000);
    expect(await full.health()).toEqual({ up: true });

    const warn = vi.spyOn(Logger.prototype, 'warn');
    const lacking = await store({
      url: `redis://nochannel:pw@127.0.0.1:${redis.port}`,
    });
    const error = await refusal(lacking.revoke(['jti:2'], 60_000));
    expect(error.reason).toBe('no-permission');
    expect(error.message).toMatch(/NOPERM.*channel/);
    expect(await lacking.health()).toMatchObject({
      up: false,
      reason: 'no-permission',
    });
    expect(warnings(warn, /NOPERM/)).toBeGreaterThanOrEqual(1);
    expect(warnings(warn, /unreachable/)).toBe(0);
  });
});

describe('start-up log', () => {
  it('says which setting points where when Redis is not reached at start', async () => {
    const port = await freePort();
    const warn = vi.spyOn(Logger.prototype, 'warn');
    await store({ url: `redis://user:secret@127.0.0.1:${port}` });
    await store({
      clusterNodes: [{ host: '127.0.0.1', port }],
      timeoutMs: 300,
    });
    const said = warn.mock.calls.map(([m]) => String(m));
    expect(said).toContain(
      `Redis not reached at start (REDIS_URL=redis://127.0.0.1:${port}): guarded routes answer 503 STORE_UNAVAILABLE until it is`,
    );
    expect(said).toContain(
      `Redis not reached at start (the cluster seeded by REDIS_CLUSTER_NODES=127.0.0.1:${port}): guarded routes answer 503 STORE_UNAVAILABLE until it is`,
    );
    expect(said.join(' ')).not.toContain('secret');
  });
});

describe('eviction policy', () => {
  it('refuses to start on allkeys-* in one sentence naming the setting', async () => {
    const redis = await server(['--maxmemory-policy', 'allkeys-lru']);
    await expect(store({ url: redis.url })).rejects.toThrow(
      "Redis's maxmemory-policy is allkeys-lru, which can evict the revocations and sign-out cutoffs (they have no TTL); set maxmemory-policy to noeviction or a volatile-* policy.",
    );
  });

  it('starts on volatile-lru, and reports a policy changed to allkeys-lru in its health', async () => {
    const redis = await server(['--maxmemory-policy', 'volatile-lru']);
    const a = await store({ url: redis.url });
    expect(await a.health()).toEqual({ up: true });
    await redisCli([
      '-p',
      String(redis.port),
      'CONFIG',
      'SET',
      'maxmemory-policy',
      'allkeys-lfu',
    ]);
    expect(await a.health()).toMatchObject({
      up: false,
      reason: 'eviction-policy',
      message: expect.stringContaining('maxmemory-policy is allkeys-lfu'),
    });
  });
});

describe('nothing lost when Redis forgets', () => {
  it('writes back within 15 s what a Redis restarted empty lost, logged once; a later instance refuses it', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const a = await stores.makeRedis({ timeoutMs: 1000 });
    const b = await stores.makeRedis({ timeoutMs: 1000 });
    await a.revoke(['jti:1'], 60_000);
    await b.setCutoff('user-1', 1_700_000_000, 60_000);
    // logout/others: a cutoff that spares one session.
    await b.setCutoff('user-2', 1_700_000_000, 60_000, 'origin:kept');
    await timeUntil(() => b.isRevoked(['jti:1']), 2000);
    await stores.redis.restart();
    const late = await timeUntil(async () => {
      const fresh = await stores.makeRedis({ timeoutMs: 1000 });
      const known =
        (await fresh.isRevoked(['jti:1'])) &&
        (await fresh.cutoffOf('user-1')) === 1_700_000_000 &&
        (await fresh.cutoffOf('user-2', ['origin:other'])) === 1_700_000_000 &&
        (await fresh.cutoffOf('user-2', ['origin:kept'])) === undefined;
      await fresh.close();
      return known;
    }, WRITE_BACK_WITHIN_MS + BUSY_MARGIN_MS);
    expect(late).toBeLessThan(WRITE_BACK_WITHIN_MS + BUSY_MARGIN_MS);
    expect(
      warnings(warn, /Redis had lost revocations or cutoffs/),
    ).toBeLessThanOrEqual(2);
    expect(
      warnings(warn, /Redis had lost revocations or cutoffs/),
    ).toBeGreaterThanOrEqual(1);
  });

  it('writes back when another instance marked the emptied Redis first and logouts moved its version past ours', async () => {
    const a = await stores.makeRedis({ timeoutMs: 1000 });
    await a.revoke(['jti:1'], 60_000);
    await a.revoke(['jti:2'], 60_000);
    await stores.redis.restart();
    const raw = new Redis(stores.redis.url);
    try {
      // What Redis holds once a newly started instance (holding nothing)
      // has marked it and later logouts have bumped the version: marked,
      // a version ahead of a's, an epoch a never saw, and none of a's
      // entries. Only the epoch tells a that Redis lost what it held.
      await raw.zadd(`${stores.prefix}{s}rev`, '+inf', '~');
      await raw.hset(`${stores.prefix}{s}cut`, '~', '0:0');
      await raw.set(`${stores.prefix}{s}ver`, '1000');
      await raw.set(`${stores.prefix}{s}epoch`, 'another-epoch');
      await timeUntil(
        async () =>
          (await raw.zscore(`${stores.prefix}{s}rev`, storedKeyOf('jti:2'))) !==
          null,
        WRITE_BACK_WITHIN_MS + BUSY_MARGIN_MS,
      );
      // The epoch found stays: the instances agree on it, and do not write
      // back again and again.
      expect(await raw.get(`${stores.prefix}{s}epoch`)).toBe('another-epoch');
    } finally {
      raw.disconnect();
    }
  });

  it('writes back what a Redis whose version went back lacks (a replica that lagged, promoted)', async () => {
    const a = await stores.makeRedis({ timeoutMs: 1000 });
    await a.revoke(['jti:1'], 60_000);
    await a.revoke(['jti:2'], 60_000);
    const raw = new Redis(stores.redis.url);
    try {
      // What a replica one write behind holds: the marker, not the last write.
      await raw.zrem(`${stores.prefix}{s}rev`, storedKeyOf('jti:2'));
      await raw.decr(`${stores.prefix}{s}ver`);
      await timeUntil(
        async () =>
          (await raw.zscore(`${stores.prefix}{s}rev`, storedKeyOf('jti:2'))) !==
          null,
        WRITE_BACK_WITHIN_MS + BUSY_MARGIN_MS,
      );
    } finally {
      raw.disconnect();
    }
  });

  it('writes back revocations evicted from Redis (their key gone)', async () => {
    const a = await stores.makeRedis({ timeoutMs: 1000 });
    await a.revoke(['jti:1'], 60_000);
    const raw = new Redis(stores.redis.url);
    try {
      await raw.del(`${stores.prefix}{s}rev`);
      await timeUntil(
        async () =>
          (await raw.zscore(`${stores.prefix}{s}rev`, storedKeyOf('jti:1'))) !==
          null,
        WRITE_BACK_WITHIN_MS + BUSY_MARGIN_MS,
      );
    } finally {
      raw.disconnect();
    }
    const late = await stores.makeRedis();
    expect(await late.isRevoked(['jti:1'])).toBe(true);
  });
});

describe('TLS', () => {
  let ca: TestCa;
  let tlsPort: number;
  beforeAll(async () => {
    ca = await makeTestCa();
  });
  afterAll(async () => {
    await ca.remove();
  });

  async function tlsServer(clientCertificates: boolean): Promise<void> {
    tlsPort = await freePort();
    await server([
      '--tls-port',
      String(tlsPort),
      '--tls-cert-file',
      ca.serverCertFile,
      '--tls-key-file',
      ca.serverKeyFile,
      '--tls-ca-cert-file',
      ca.caFile,
      '--tls-auth-clients',
      clientCertificates ? 'yes' : 'no',
    ]);
  }

  const pem = (file: string): string => readFileSync(file, 'utf8');

  it('connects with rediss:// and REDIS_TLS_CA_FILE, and names a TLS failure with the wrong CA', async () => {
    await tlsServer(false);
    const url = `rediss://127.0.0.1:${tlsPort}`;
    const good = await store({ url, tlsFiles: { ca: pem(ca.caFile) } });
    await good.revoke(['jti:1'], 60_000);
    expect(await good.health()).toEqual({ up: true });
    const bad = await store({ url, tlsFiles: { ca: pem(ca.otherCaFile) } });
    const error = await refusal(bad.revoke(['jti:1'], 60_000));
    expect(error.reason).toBe('tls');
    expect(error.message).toMatch(
      /TLS connection to Redis failed.*REDIS_TLS_CA_FILE/,
    );
    expect(await bad.health()).toMatchObject({ up: false, reason: 'tls' });
  });

  it('reaches a cluster over TLS with REDIS_TLS and the CA file', async () => {
    const cluster = await startRedisCluster({
      tls: {
        certFile: ca.serverCertFile,
        keyFile: ca.serverKeyFile,
        caFile: ca.caFile,
      },
    });
    extra.push(cluster);
    const target = {
      clusterNodes: cluster.nodes,
      tls: true,
      tlsFiles: { ca: pem(ca.caFile) },
    };
    const a = await store(target);
    const b = await store(target);
    await a.revoke(['jti:1'], 60_000);
    await timeUntil(() => b.isRevoked(['jti:1']), 2000);
    expect(await b.health()).toEqual({ up: true });
    // The same ports without TLS take nothing.
    const plain = await store({ clusterNodes: cluster.nodes, timeoutMs: 500 });
    await expect(plain.revoke(['jti:2'], 60_000)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });

  it('presents the client certificate for mutual TLS', async () => {
    await tlsServer(true);
    const url = `rediss://127.0.0.1:${tlsPort}`;
    const mutual = await store({
      url,
      tlsFiles: {
        ca: pem(ca.caFile),
        cert: pem(ca.clientCertFile),
        key: pem(ca.clientKeyFile),
      },
    });
    await mutual.revoke(['jti:1'], 60_000);
    expect(await mutual.health()).toEqual({ up: true });
    const without = await store({ url, tlsFiles: { ca: pem(ca.caFile) } });
    expect((await refusal(without.revoke(['jti:1'], 60_000))).reason).toBe(
      'tls',
    );
  });
});
