import { Injectable, type Provider } from '@nestjs/common';
import {
  HealthIndicatorService,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { RedisSharedStore } from './redis.store.js';
import { SharedStore } from './shared-store.js';

/** Up when Redis answers PING within REDIS_TIMEOUT_MS. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly store: RedisSharedStore,
  ) {}

  async check(key = 'redis'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    return (await this.store.ping())
      ? indicator.up()
      : indicator.down({ reason: 'no PONG in time' });
  }
}

/**
 * For the health module's providers (it imports TerminusModule): injects
 * `RedisHealthIndicator`, which is null when REDIS_URL is unset (the store
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
