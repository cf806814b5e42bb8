import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** One fixed window: how many were counted in it, and when it ends. */
export interface Counter {
  count: number;
  /** Epoch milliseconds. */
  resetAt: number;
}

/**
 * What one entry costs besides its key, in bytes: the counter object, the
 * cache's map slot and its per-entry bookkeeping (measured with V8 at
 * ~180 bytes; rounded up).
 */
export const ENTRY_OVERHEAD_BYTES = 192;
/** Length of every stored key: SHA-256, base64url. */
export const KEY_CHARS = 43;
/** What one entry costs in all. */
export const ENTRY_BYTES = KEY_CHARS + ENTRY_OVERHEAD_BYTES;

/**
 * Fixed-window counters in this process's memory, bounded IN BYTES. Every
 * key is the SHA-256 of what the caller names it by (an email, an address,
 * both), so a 60 KB name costs what a short one costs; each entry expires
 * with its window; past the budget the least recently used entry is
 * evicted (the store never grows past `budgetBytes`).
 */
export class BoundedCounters {
  private readonly entries: LRUCache<string, Counter>;

  constructor(readonly budgetBytes: number) {
    this.entries = new LRUCache<string, Counter>({
      maxSize: budgetBytes,
      sizeCalculation: (_counter, key) => key.length + ENTRY_OVERHEAD_BYTES,
    });
  }

  /** The fixed-size key an id is stored under. */
  static keyOf(id: string): string {
    return createHash('sha256').update(id).digest('base64url');
  }

  /** The open window of `id`, if any. */
  peek(id: string): Counter | undefined {
    return this.open(BoundedCounters.keyOf(id));
  }

  /** Counts one for `id`, opening a window of `windowMs` when none is open. */
  add(id: string, windowMs: number): Counter {
    const key = BoundedCounters.keyOf(id);
    let counter = this.open(key);
    if (!counter) {
      counter = { count: 0, resetAt: Date.now() + windowMs };
      this.entries.set(key, counter, { ttl: windowMs });
    }
    counter.count += 1;
    return counter;
  }

  /**
   * Gives one back to a counter `add` returned; at zero its entry goes (a
   * request given back leaves nothing behind).
   */
  giveBack(id: string, counter: Counter): void {
    if (counter.count > 0) counter.count -= 1;
    if (counter.count > 0) return;
    const key = BoundedCounters.keyOf(id);
    if (this.entries.peek(key) === counter) this.entries.delete(key);
  }

  /** Bytes in use, as counted against the budget. */
  get bytes(): number {
    return this.entries.calculatedSize;
  }

  get size(): number {
    return this.entries.size;
  }

  private open(key: string): Counter | undefined {
    const counter = this.entries.get(key);
    if (counter && counter.resetAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return counter;
  }
}

/** Whole seconds until a window ends, at least 1. */
export function secondsLeft(counter: Counter): number {
  return Math.max(1, Math.ceil((counter.resetAt - Date.now()) / 1000));
}
