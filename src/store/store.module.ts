import {
  Global,
  Inject,
  Module,
  Optional,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { storeConfig } from '../config/store.config.js';
import { Metrics } from '../metrics/metrics.js';
import { MemorySharedStore } from './memory.store.js';
import { RedisSharedStore } from './redis.store.js';
import { SharedStore } from './shared-store.js';
import { SharedThrottlerStorage } from './throttler.storage.js';

/**
 * The in-memory store without Redis; with REDIS_URL, REDIS_CLUSTER_NODES or
 * REDIS_SENTINELS, the Redis store, started (mirror loaded) before the app
 * listens.
 */
export async function createSharedStore(
  config: ConfigType<typeof storeConfig>,
): Promise<SharedStore> {
  if (!config.redis) return new MemorySharedStore();
  const store = new RedisSharedStore({
    ...config.redis,
    timeoutMs: config.redisTimeoutMs,
  });
  await store.start();
  return store;
}

/**
 * The state the instances share (counters, revoked sessions, sign-out
 * cutoffs), for every module: inject `SharedStore`, or give
 * `SharedThrottlerStorage` to ThrottlerModule as its storage.
 */
@Global()
@Module({
  providers: [
    {
      provide: SharedStore,
      inject: [storeConfig.KEY],
      useFactory: createSharedStore,
    },
    SharedThrottlerStorage,
  ],
  exports: [SharedStore, SharedThrottlerStorage],
})
export class StoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(SharedStore) private readonly store: SharedStore,
    @Optional() metrics?: Metrics,
  ) {
    // store_up, asked at each scrape: memory is always up.
    metrics?.storeUp(() =>
      store instanceof RedisSharedStore ? store.ping() : true,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
