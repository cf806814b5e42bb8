import type { ThrottlerStorage } from '@nestjs/throttler';
import { BoundedCounters, secondsLeft } from './bounded-counters.js';

/** The byte budget of the per-IP counters (README, "Under abuse and faults"). */
export const IP_STORE_BUDGET_BYTES = 4 * 1024 * 1024;

/**
 * The per-IP throttler's storage: one fixed window per key (the throttler's
 * key, which names the client address), bounded in bytes and keyed by
 * SHA-256 (BoundedCounters). @nestjs/throttler's default storage keeps one
 * timestamp per hit and every key until a sweep: unbounded under a flood
 * from many addresses. Past the limit a key is blocked until its window
 * ends.
 */
export class BoundedThrottlerStorage implements ThrottlerStorage {
  readonly counters: BoundedCounters;

  constructor(budgetBytes = IP_STORE_BUDGET_BYTES) {
    this.counters = new BoundedCounters(budgetBytes);
  }

  increment(
    key: string,
    ttl: number,
    limit: number,
  ): ReturnType<ThrottlerStorage['increment']> {
    const open = this.counters.peek(key);
    // A blocked key is not counted further (its entry does not change).
    const counter =
      open && open.count > limit ? open : this.counters.add(key, ttl);
    const seconds = secondsLeft(counter);
    const isBlocked = counter.count > limit;
    return Promise.resolve({
      totalHits: counter.count,
      timeToExpire: seconds,
      isBlocked,
      timeToBlockExpire: isBlocked ? seconds : 0,
    });
  }
}
