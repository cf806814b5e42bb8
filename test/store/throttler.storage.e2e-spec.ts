import { sleep, useStores, type StoreKind } from '../support/stores.js';
import { SharedThrottlerStorage } from '../../src/store/throttler.storage.js';

const stores = useStores();

describe.each<StoreKind>(['memory', 'redis'])(
  'SharedThrottlerStorage (%s)',
  (kind) => {
    let storage: SharedThrottlerStorage;
    beforeEach(async () => {
      storage = new SharedThrottlerStorage(await stores.make(kind));
    });

    it('counts up to the limit, then blocks for blockDuration', async () => {
      const records = [];
      for (let i = 0; i < 4; i++) {
        records.push(
          await storage.increment('ip', 60_000, 3, 30_000, 'default'),
        );
      }
      expect(records.map((r) => [r.totalHits, r.isBlocked])).toEqual([
        [1, false],
        [2, false],
        [3, false],
        [4, true],
      ]);
      expect(records[0].timeToExpire).toBe(60);
      expect(records[0].timeToBlockExpire).toBe(0);
      expect(records[3].timeToBlockExpire).toBe(30);
      const again = await storage.increment('ip', 60_000, 3, 30_000, 'default');
      expect(again.isBlocked).toBe(true);
      expect(again.timeToBlockExpire).toBe(30);
    });

    it('keeps throttlers and keys apart', async () => {
      await storage.increment('ip', 60_000, 1, 60_000, 'default');
      const other = await storage.increment('ip', 60_000, 1, 60_000, 'burst');
      const otherKey = await storage.increment(
        'ip2',
        60_000,
        1,
        60_000,
        'default',
      );
      expect([other.isBlocked, otherKey.isBlocked]).toEqual([false, false]);
    });

    it('lets the key through once the block and the window are over', async () => {
      await storage.increment('ip', 100, 1, 100, 'default');
      expect(
        (await storage.increment('ip', 100, 1, 100, 'default')).isBlocked,
      ).toBe(true);
      await sleep(250);
      const after = await storage.increment('ip', 100, 1, 100, 'default');
      expect([after.totalHits, after.isBlocked]).toEqual([1, false]);
    });

    it('without a block duration, blocks until the window ends', async () => {
      await storage.increment('ip', 60_000, 1, 0, 'default');
      const past = await storage.increment('ip', 60_000, 1, 0, 'default');
      expect(past.isBlocked).toBe(true);
      expect(past.timeToBlockExpire).toBe(60);
    });
  },
);
