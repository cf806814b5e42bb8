import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { SharedStore } from './shared-store.js';

/** What ThrottlerGuard reads back (the type is not exported by name). */
type ThrottlerStorageRecord = Awaited<
  ReturnType<ThrottlerStorage['increment']>
>;

/** Whole seconds until a moment, at least 0, as ThrottlerGuard expects. */
function secondsUntil(epochMs: number): number {
  return Math.max(0, Math.ceil((epochMs - Date.now()) / 1000));
}

/**
 * @nestjs/throttler's storage over the shared store's counters, so that a
 * per-IP limit holds across instances (and counts per instance while
 * Redis is down). Give it as `storage` in ThrottlerModule's options.
 *
 * A fixed window of `ttl` per key and throttler; past `limit` the key is
 * blocked for `blockDuration` (ThrottlerGuard defaults it to `ttl`), or
 * until the window ends when it is 0. While a window lasts, a request past
 * the limit blocks the key again.
 */
@Injectable()
export class SharedThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly store: SharedStore) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const counter = `throttler:${throttlerName}:${key}`;
    const blockKey = `${counter}:blocked`;
    if (blockDuration > 0) {
      const block = await this.store.peek(blockKey);
      if (block) {
        return {
          totalHits: limit + 1,
          timeToExpire: secondsUntil(block.resetAtMs),
          isBlocked: true,
          timeToBlockExpire: secondsUntil(block.resetAtMs),
        };
      }
    }
    const hit = await this.store.hit(counter, ttl);
    const timeToExpire = secondsUntil(hit.resetAtMs);
    if (hit.count <= limit) {
      return {
        totalHits: hit.count,
        timeToExpire,
        isBlocked: false,
        timeToBlockExpire: 0,
      };
    }
    const blockedUntil =
      blockDuration > 0
        ? (await this.store.hit(blockKey, blockDuration)).resetAtMs
        : hit.resetAtMs;
    return {
      totalHits: hit.count,
      timeToExpire,
      isBlocked: true,
      timeToBlockExpire: secondsUntil(blockedUntil),
    };
  }
}
