import {
  BoundedCounters,
  ENTRY_BYTES,
  KEY_CHARS,
  secondsLeft,
} from './bounded-counters.js';

const START_MS = Date.UTC(2030, 0, 1);

/** lru-cache reads `performance.now`, left real and made to follow the fake Date. */
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(START_MS);
  vi.spyOn(performance, 'now').mockImplementation(() => Date.now());
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const HUGE = `${'x'.repeat(60 * 1024)}@example.com`;

describe('BoundedCounters', () => {
  it('counts per id within a window', () => {
    const store = new BoundedCounters(64 * 1024);
    store.add('a', 60_000);
    store.add('a', 60_000);
    store.add('b', 60_000);
    expect(store.peek('a')?.count).toBe(2);
    expect(store.peek('b')?.count).toBe(1);
    expect(store.peek('c')).toBeUndefined();
  });

  it('keys every entry by a SHA-256 of fixed size: a 60 KB id costs what a short one costs', () => {
    const store = new BoundedCounters(64 * 1024);
    store.add('ash@example.com', 60_000);
    const one = store.bytes;
    store.add(HUGE, 60_000);
    expect(one).toBe(ENTRY_BYTES);
    expect(store.bytes).toBe(2 * one);
    expect(BoundedCounters.keyOf(HUGE)).toHaveLength(KEY_CHARS);
    expect(store.peek(HUGE)?.count).toBe(1);
  });

  it('never grows past its budget: full, it evicts the least recently used entry', () => {
    const fits = 100;
    const store = new BoundedCounters(fits * ENTRY_BYTES);
    for (let i = 0; i < fits * 5; i++) {
      store.add(`${i}-${HUGE}`, 60_000);
      expect(store.bytes).toBeLessThanOrEqual(fits * ENTRY_BYTES);
    }
    expect(store.size).toBe(fits);
    expect(store.peek(`0-${HUGE}`)).toBeUndefined();
    expect(store.peek(`${fits * 5 - 1}-${HUGE}`)?.count).toBe(1);
  });

  it('ends a window when it expires: the next add starts a fresh one', () => {
    const store = new BoundedCounters(64 * 1024);
    store.add('a', 10_000);
    store.add('a', 10_000);
    vi.setSystemTime(START_MS + 9_999);
    expect(store.peek('a')?.count).toBe(2);
    vi.setSystemTime(START_MS + 10_000);
    expect(store.peek('a')).toBeUndefined();
    expect(store.size).toBe(0);
    expect(store.add('a', 10_000)).toEqual({
      count: 1,
      resetAt: START_MS + 20_000,
    });
  });

  it('gives a count back, and at zero removes the entry (nothing left behind)', () => {
    const store = new BoundedCounters(64 * 1024);
    const first = store.add('a', 60_000);
    store.add('a', 60_000);
    store.giveBack('a', first);
    expect(store.peek('a')?.count).toBe(1);
    store.giveBack('a', first);
    expect(store.peek('a')).toBeUndefined();
    expect(store.bytes).toBe(0);
  });

  it("does not remove a newer window when an old window's count is given back", () => {
    const store = new BoundedCounters(64 * 1024);
    const old = store.add('a', 1_000);
    vi.setSystemTime(START_MS + 1_000);
    store.add('a', 1_000);
    store.giveBack('a', old);
    expect(store.peek('a')?.count).toBe(1);
  });

  it('tells the whole seconds left in a window, at least 1', () => {
    expect(secondsLeft({ count: 1, resetAt: START_MS + 1_500 })).toBe(2);
    expect(secondsLeft({ count: 1, resetAt: START_MS })).toBe(1);
  });
});
