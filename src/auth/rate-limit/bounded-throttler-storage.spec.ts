import { ENTRY_BYTES } from './bounded-counters.js';
import { BoundedThrottlerStorage } from './bounded-throttler-storage.js';

const START_MS = Date.UTC(2030, 0, 1);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(START_MS);
  vi.spyOn(performance, 'now').mockImplementation(() => Date.now());
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('BoundedThrottlerStorage', () => {
  it('counts hits per key and blocks past the limit until the window ends', async () => {
    const storage = new BoundedThrottlerStorage();
    for (let hit = 1; hit <= 3; hit++) {
      expect(
        await storage.increment('auth:default:203.0.113.7', 60_000, 3),
      ).toEqual({
        totalHits: hit,
        timeToExpire: 60,
        isBlocked: false,
        timeToBlockExpire: 0,
      });
    }
    vi.setSystemTime(START_MS + 20_000);
    expect(
      await storage.increment('auth:default:203.0.113.7', 60_000, 3),
    ).toEqual({
      totalHits: 4,
      timeToExpire: 40,
      isBlocked: true,
      timeToBlockExpire: 40,
    });
    // Blocked hits are not counted further.
    expect(
      (await storage.increment('auth:default:203.0.113.7', 60_000, 3))
        .totalHits,
    ).toBe(4);
    expect(
      (await storage.increment('auth:default:198.51.100.1', 60_000, 3))
        .isBlocked,
    ).toBe(false);
    vi.setSystemTime(START_MS + 60_000);
    expect(
      await storage.increment('auth:default:203.0.113.7', 60_000, 3),
    ).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('stays within its byte budget under a flood of distinct addresses', async () => {
    const budget = 1000 * ENTRY_BYTES;
    const storage = new BoundedThrottlerStorage(budget);
    for (let i = 0; i < 20_000; i++) {
      await storage.increment(
        `auth:default:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`,
        60_000,
        300,
      );
    }
    expect(storage.counters.bytes).toBeLessThanOrEqual(budget);
    expect(storage.counters.size).toBe(1000);
  });

  it('costs the same for a long key as for a short one', async () => {
    const short = new BoundedThrottlerStorage();
    const long = new BoundedThrottlerStorage();
    await short.increment('auth:default:1.2.3.4', 60_000, 3);
    await long.increment(`auth:default:${'x'.repeat(16_000)}`, 60_000, 3);
    expect(long.counters.bytes).toBe(short.counters.bytes);
  });
});
