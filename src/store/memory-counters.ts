import { LRUCache } from 'lru-cache';
import type { CounterHit } from './shared-store.js';
import { STORED_KEY_LENGTH } from './store-keys.js';

/** Heap taken by one counter: its key, its window object and lru-cache's bookkeeping. */
export const COUNTER_ENTRY_BYTES = STORED_KEY_LENGTH + 200;

/** How often a hit may sweep out the windows that have ended. */
const SWEEP_INTERVAL_MS = 1000;

interface Window {
  count: number;
  resetAtMs: number;
}

/**
 * Fixed-window counters in this process's memory, bounded in bytes. When
 * full, the least recently used counter is dropped (it starts again from
 * zero): a counter only limits, it never lets a revoked session in.
 *
 * A window that has ended is swept out (at most once a second, on a hit),
 * so that the memory follows the windows still running, not every key
 * ever seen: under a flood of one-off addresses it levels off at about
 * (requests per window) x COUNTER_ENTRY_BYTES, within a window's length,
 * instead of filling the whole budget.
 */
export class MemoryCounters {
  private readonly windows: LRUCache<string, Window>;
  private lastSweepAt = 0;

  constructor(maxBytes: number) {
    this.windows = new LRUCache<string, Window>({
      maxSize: maxBytes,
      sizeCalculation: () => COUNTER_ENTRY_BYTES,
    });
  }

  /** Bytes counted against the bound. */
  get usedBytes(): number {
    return this.windows.calculatedSize;
  }

  hit(key: string, windowMs: number, amount: number): CounterHit {
    const now = Date.now();
    this.sweep(now);
    let window = this.current(key, now);
    if (!window) {
      window = { count: 0, resetAtMs: now + windowMs };
      this.windows.set(key, window, { ttl: windowMs });
    }
    window.count += amount;
    return { count: window.count, resetAtMs: window.resetAtMs };
  }

  peek(key: string): CounterHit | undefined {
    const window = this.current(key, Date.now());
    return window && { count: window.count, resetAtMs: window.resetAtMs };
  }

  giveBack(key: string, amount: number): void {
    const window = this.current(key, Date.now());
    if (window) window.count = Math.max(0, window.count - amount);
  }

  private sweep(now: number): void {
    if (now - this.lastSweepAt < SWEEP_INTERVAL_MS) return;
    this.lastSweepAt = now;
    this.windows.purgeStale();
  }

  private current(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    return window && window.resetAtMs > now ? window : undefined;
  }
}
