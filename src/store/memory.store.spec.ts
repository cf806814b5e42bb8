import { Logger } from '@nestjs/common';
import type { MockInstance } from 'vitest';
import { COUNTER_ENTRY_BYTES } from './memory-counters.js';
import { MemorySharedStore } from './memory.store.js';
import { SESSION_ENTRY_BYTES } from './session-table.js';
import { StoreUnavailableError } from './shared-store.js';

const FULL = 'The session store is full';

describe('MemorySharedStore when its session table is full', () => {
  let error: MockInstance<Logger['error']>;
  beforeEach(() => {
    error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => {});
  });
  afterEach(() => error.mockRestore());
  const fullLogs = (): number =>
    error.mock.calls.filter(([m]) => String(m).startsWith(FULL)).length;

  it('refuses a new revocation rather than evict a live one, logging once', async () => {
    const store = new MemorySharedStore({
      sessionBytes: 3 * SESSION_ENTRY_BYTES,
    });
    await store.revoke(['a', 'b'], 60_000);
    await store.setCutoff('user-1', 1_700_000_000, 60_000);
    const refused = store.revoke(['c'], 60_000);
    await expect(refused).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(refused).rejects.toMatchObject({ reason: 'full' });
    await expect(store.setCutoff('user-2', 1, 60_000)).rejects.toMatchObject({
      reason: 'full',
    });
    expect(await store.isRevoked(['a'])).toBe(true);
    expect(await store.isRevoked(['b'])).toBe(true);
    expect(await store.isRevoked(['c'])).toBe(false);
    expect(await store.cutoffOf('user-1')).toBe(1_700_000_000);
    expect(fullLogs()).toBe(1);
  });

  it('refuses a revocation of several keys whole when they do not all fit', async () => {
    const store = new MemorySharedStore({
      sessionBytes: 2 * SESSION_ENTRY_BYTES,
    });
    await store.revoke(['a'], 60_000);
    await expect(store.revoke(['b', 'c'], 60_000)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(await store.isRevoked(['b'])).toBe(false);
  });

  it('still takes what is already there: a later cutoff, a longer revocation', async () => {
    const store = new MemorySharedStore({
      sessionBytes: 2 * SESSION_ENTRY_BYTES,
    });
    await store.revoke(['a'], 60_000);
    await store.setCutoff('user-1', 1_700_000_000, 60_000);
    await store.revoke(['a'], 120_000);
    await store.setCutoff('user-1', 1_700_000_500, 60_000);
    expect(await store.cutoffOf('user-1')).toBe(1_700_000_500);
    expect(fullLogs()).toBe(0);
  });

  it('makes room from expired entries, and logs again only after a write fitted', async () => {
    const store = new MemorySharedStore({
      sessionBytes: 2 * SESSION_ENTRY_BYTES,
    });
    await store.revoke(['a', 'b'], 100);
    await expect(store.revoke(['c'], 60_000)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await store.revoke(['c'], 60_000);
    expect(await store.isRevoked(['c'])).toBe(true);
    await store.revoke(['d'], 60_000);
    await expect(store.revoke(['e'], 60_000)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(fullLogs()).toBe(2);
  });
});

describe('MemorySharedStore counters when full', () => {
  it('drop the least recently used counter and never refuse a hit', async () => {
    const store = new MemorySharedStore({
      counterBytes: 2 * COUNTER_ENTRY_BYTES,
    });
    await store.hit('a', 60_000, 5);
    await store.hit('b', 60_000, 5);
    await store.hit('a', 60_000);
    await expect(store.hit('c', 60_000)).resolves.toMatchObject({ count: 1 });
    expect((await store.peek('a'))?.count).toBe(6);
    expect(await store.peek('b')).toBeUndefined();
  });
});

describe('MemorySharedStore counters, bounded in bytes', () => {
  const HUGE = `${'x'.repeat(60 * 1024)}@example.com`;

  it('cost the same for a 60 KB key as for a short one', async () => {
    const store = new MemorySharedStore();
    await store.hit('ash@example.com', 60_000);
    expect(store.counterBytes).toBe(COUNTER_ENTRY_BYTES);
    await store.hit(HUGE, 60_000);
    expect(store.counterBytes).toBe(2 * COUNTER_ENTRY_BYTES);
    expect((await store.peek(HUGE))?.count).toBe(1);
  });

  it('never grow past their budget under a flood of distinct keys', async () => {
    const fits = 100;
    const store = new MemorySharedStore({
      counterBytes: fits * COUNTER_ENTRY_BYTES,
    });
    for (let i = 0; i < fits * 5; i++) {
      await store.hit(`${i}-${HUGE}`, 60_000);
      expect(store.counterBytes).toBeLessThanOrEqual(
        fits * COUNTER_ENTRY_BYTES,
      );
    }
    expect(await store.peek(`0-${HUGE}`)).toBeUndefined();
    expect((await store.peek(`${fits * 5 - 1}-${HUGE}`))?.count).toBe(1);
  });
});

describe('MemorySharedStore counters whose window has ended', () => {
  it('give their memory back: a flood of one-off keys levels off at the live windows', async () => {
    const store = new MemorySharedStore();
    for (let i = 0; i < 50; i++) await store.hit(`one-off-${i}`, 50);
    await store.hit('long', 60_000);
    expect(store.counterBytes).toBe(51 * COUNTER_ENTRY_BYTES);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await store.hit('next', 60_000);
    expect(store.counterBytes).toBe(2 * COUNTER_ENTRY_BYTES);
    expect((await store.peek('long'))?.count).toBe(1);
    expect(await store.peek('one-off-0')).toBeUndefined();
  });
});
