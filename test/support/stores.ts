/*
 * Both stores of src/store, made the same way, on a redis-server of the
 * spec file's own (test/store/).
 */
import {
  startRedis,
  startRedisCluster,
  startRedisSentinel,
  type RedisClusterServers,
  type RedisSentinelServers,
  type RedisServer,
} from './redis.js';
import {
  MemorySharedStore,
  type MemoryStoreOptions,
} from '../../src/store/memory.store.js';
import {
  RedisSharedStore,
  type RedisStoreOptions,
} from '../../src/store/redis.store.js';
import type { SharedStore } from '../../src/store/shared-store.js';

/** Where a store keeps its state: memory, one Redis, a 3-master cluster, Sentinel. */
export type StoreKind = 'memory' | 'redis' | 'cluster' | 'sentinel';

/** Which topologies the file needs besides the single Redis. */
export interface Topologies {
  cluster?: boolean;
  sentinel?: boolean;
}

export interface Stores {
  /** The file's redis-server (started in beforeAll). */
  readonly redis: RedisServer;
  /** The file's cluster and sentinel setup, when asked for (useStores). */
  readonly cluster: RedisClusterServers;
  readonly sentinel: RedisSentinelServers;
  /**
   * A new store of that kind, closed after the test. Redis stores made in
   * one test share a fresh key prefix, as instances of one app do; stores of
   * different tests see nothing of each other.
   */
  make(
    kind: StoreKind,
    options?: MemoryStoreOptions & Partial<RedisStoreOptions>,
  ): Promise<SharedStore>;
  /** A Redis store with the test's prefix (same as make('redis')). */
  makeRedis(
    options?: Partial<RedisStoreOptions>,
    kind?: Exclude<StoreKind, 'memory'>,
  ): Promise<RedisSharedStore>;
  /** The test's key prefix in Redis. */
  readonly prefix: string;
}

let testCount = 0;

export function useStores(topologies: Topologies = {}): Stores {
  let redis: RedisServer | undefined;
  let cluster: RedisClusterServers | undefined;
  let sentinel: RedisSentinelServers | undefined;
  let prefix = 'test0:';
  const open: SharedStore[] = [];
  beforeAll(async () => {
    [redis, cluster, sentinel] = await Promise.all([
      startRedis(),
      topologies.cluster ? startRedisCluster() : undefined,
      topologies.sentinel ? startRedisSentinel() : undefined,
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([redis?.stop(), cluster?.stop(), sentinel?.stop()]);
  });
  beforeEach(() => {
    testCount += 1;
    prefix = `test${testCount}:`;
  });
  afterEach(async () => {
    redis?.resume();
    await Promise.all(open.splice(0).map((store) => store.close()));
  });
  const where = (kind: Exclude<StoreKind, 'memory'>) => {
    if (kind === 'cluster') {
      if (!cluster) throw new Error('useStores: ask for { cluster: true }');
      return { clusterNodes: cluster.nodes };
    }
    if (kind === 'sentinel') {
      if (!sentinel) throw new Error('useStores: ask for { sentinel: true }');
      return { sentinels: sentinel.sentinels, sentinelName: sentinel.name };
    }
    if (!redis) throw new Error('useStores: redis-server not started yet');
    return { url: redis.url };
  };
  const makeRedis = async (
    options: Partial<RedisStoreOptions> = {},
    kind: Exclude<StoreKind, 'memory'> = 'redis',
  ): Promise<RedisSharedStore> => {
    const store = new RedisSharedStore({
      ...where(kind),
      // A cluster's first call to a node connects to it first; on a busy
      // machine that, and a failover, take longer than one call.
      timeoutMs: kind === 'redis' ? 500 : 2000,
      prefix,
      tickMs: 200,
      ...options,
    });
    open.push(store);
    await store.start();
    return store;
  };
  return {
    get redis() {
      if (!redis) throw new Error('useStores: redis-server not started yet');
      return redis;
    },
    get cluster() {
      if (!cluster) throw new Error('useStores: ask for { cluster: true }');
      return cluster;
    },
    get sentinel() {
      if (!sentinel) throw new Error('useStores: ask for { sentinel: true }');
      return sentinel;
    },
    get prefix() {
      return prefix;
    },
    makeRedis,
    async make(kind, options = {}) {
      if (kind !== 'memory') return makeRedis(options, kind);
      const store = new MemorySharedStore(options);
      open.push(store);
      return store;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 10 ms until it holds; the time it took, or throws after timeoutMs. */
export async function timeUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check()) return Date.now() - start;
    await sleep(10);
  }
  throw new Error(`not within ${timeoutMs} ms`);
}
