/*
 * Both stores of src/store, made the same way, on a redis-server of the
 * spec file's own (test/store/).
 */
import { startRedis, type RedisServer } from './redis.js';
import {
  MemorySharedStore,
  type MemoryStoreOptions,
} from '../../src/store/memory.store.js';
import {
  RedisSharedStore,
  type RedisStoreOptions,
} from '../../src/store/redis.store.js';
import type { SharedStore } from '../../src/store/shared-store.js';

export type StoreKind = 'memory' | 'redis';

export interface Stores {
  /** The file's redis-server (started in beforeAll). */
  readonly redis: RedisServer;
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
  makeRedis(options?: Partial<RedisStoreOptions>): Promise<RedisSharedStore>;
  /** The test's key prefix in Redis. */
  readonly prefix: string;
}

let testCount = 0;

export function useStores(): Stores {
  let redis: RedisServer | undefined;
  let prefix = 'test0:';
  const open: SharedStore[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(() => {
    testCount += 1;
    prefix = `test${testCount}:`;
  });
  afterEach(async () => {
    redis?.resume();
    await Promise.all(open.splice(0).map((store) => store.close()));
  });
  const makeRedis = async (
    options: Partial<RedisStoreOptions> = {},
  ): Promise<RedisSharedStore> => {
    if (!redis) throw new Error('useStores: redis-server not started yet');
    const store = new RedisSharedStore({
      url: redis.url,
      timeoutMs: 500,
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
    get prefix() {
      return prefix;
    },
    makeRedis,
    async make(kind, options = {}) {
      if (kind === 'redis') return makeRedis(options);
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
