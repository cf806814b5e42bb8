import { Logger } from '@nestjs/common';
import type { MockInstance } from 'vitest';
import { COUNTER_ENTRY_BYTES } from './memory-counters.js';
import { MemorySharedStore } from './memory.store.js';
import { RECORD_ENTRY_BYTES } from './record-table.js';
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

describe('MemorySharedStore session records', () => {
  const limits = { maxPerUser: 5, ttlMs: 60_000 };
  const signIn = (store: MemorySharedStore, user: string, i: number) =>
    store.recordSession(
      user,
      {
        key: `origin:${user}:${i}`,
        createdAt: Date.now() + i,
        lastActiveAt: Date.now(),
        userAgent: 'U'.repeat(1000).slice(0, 256),
        ipAddress: '203.0.113.7',
      },
      limits,
    );

  it('stays at the cap and within its bytes under a soak of sign-ins of one user', async () => {
    const store = new MemorySharedStore();
    for (let i = 0; i < 5; i++) await signIn(store, 'soak', i);
    const atCap = store.recordBytes;
    for (let i = 5; i < 2000; i++) await signIn(store, 'soak', i);
    expect(await store.sessionsOf('soak')).toHaveLength(5);
    expect(store.recordBytes).toBe(atCap);
    expect(atCap).toBeLessThanOrEqual(5 * RECORD_ENTRY_BYTES + 512);
    // The ones past the cap were ended, not merely forgotten.
    expect(await store.isRevoked(['origin:soak:0'])).toBe(true);
    expect(await store.isRevoked(['origin:soak:1994'])).toBe(true);
    expect(await store.isRevoked(['origin:soak:1995'])).toBe(false);
  });

  it('refuses a new record past its byte budget rather than drop a live one', async () => {
    const store = new MemorySharedStore({
      recordBytes: 3 * RECORD_ENTRY_BYTES + 2 * 512,
    });
    await signIn(store, 'a', 0);
    await signIn(store, 'b', 0);
    await signIn(store, 'a', 1);
    await expect(signIn(store, 'c', 0)).rejects.toMatchObject({
      reason: 'full',
    });
    await expect(signIn(store, 'a', 2)).rejects.toMatchObject({
      reason: 'full',
    });
    expect(await store.sessionsOf('a')).toHaveLength(2);
    expect(await store.sessionsOf('b')).toHaveLength(1);
    // A known session's activity still fits.
    await signIn(store, 'b', 0);
  });
});
