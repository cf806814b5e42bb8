import { Injectable, type Provider } from '@nestjs/common';
import {
  HealthIndicatorService,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { RedisSharedStore } from './redis.store.js';
import { SharedStore } from './shared-store.js';

/**
 * Up when Redis gives what the app needs, each call within
 * REDIS_TIMEOUT_MS: it takes a write and a message on the channel, this
 * instance is subscribed, and its maxmemory-policy keeps keys without a
 * TTL (RedisSharedStore.health). Down with the cause and its fix: the
 * reason is a short word, `cause` the sentence the 503 of GET /health
 * quotes.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly store: RedisSharedStore,
  ) {}

  async check(key = 'redis'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const health = await this.store.health();
    return health.up
      ? indicator.up()
      : indicator.down({ reason: health.reason, cause: health.message });
  }
}

/**
 * For the health module's providers (it imports TerminusModule): injects
 * `RedisHealthIndicator`, which is null without Redis configured (the store
 * is in memory: there is nothing to check).
 */
export const redisHealthProviders: Provider[] = [
  {
    provide: RedisHealthIndicator,
    inject: [HealthIndicatorService, SharedStore],
    useFactory: (
      health: HealthIndicatorService,
      store: SharedStore,
    ): RedisHealthIndicator | null =>
      store instanceof RedisSharedStore
        ? new RedisHealthIndicator(health, store)
        : null,
  },
];
