import {
  SharedStore,
  StoreUnavailableError,
} from '../../src/store/shared-store.js';
import {
  sleep,
  timeUntil,
  useStores,
  type StoreKind,
} from '../support/stores.js';
import { storedSession } from '../../src/store/store-keys.js';

const stores = useStores({ cluster: true, sentinel: true });

describe.each<StoreKind>(['memory', 'redis', 'cluster', 'sentinel'])(
  'SharedStore (%s)',
  (kind) => {
    let store: SharedStore;
    beforeEach(async () => {
      store = await stores.make(kind);
    });

    it('is a SharedStore, the token features inject', () => {
      expect(store).toBeInstanceOf(SharedStore);
    });

    describe('counters', () => {
      it('counts hits in a window that ends windowMs after the first', async () => {
        const before = Date.now();
        const first = await store.hit('k', 60_000);
        const second = await store.hit('k', 60_000);
        expect(first.count).toBe(1);
        expect(second.count).toBe(2);
        expect(first.resetAtMs).toBeGreaterThanOrEqual(before + 59_900);
        expect(first.resetAtMs).toBeLessThanOrEqual(Date.now() + 60_000);
        expect(Math.abs(second.resetAtMs - first.resetAtMs)).toBeLessThan(1000);
      });

      it('adds the amount given', async () => {
        await store.hit('k', 60_000, 3);
        expect((await store.hit('k', 60_000, 2)).count).toBe(5);
      });

      it('keeps the counters of different keys apart', async () => {
        await store.hit('a', 60_000);
        await store.hit('a', 60_000);
        expect((await store.hit('b', 60_000)).count).toBe(1);
      });

      it('starts a new window from zero once the window is over', async () => {
        await store.hit('k', 80, 5);
        await sleep(120);
        const next = await store.hit('k', 80);
        expect(next.count).toBe(1);
        expect(next.resetAtMs).toBeGreaterThan(Date.now());
      });

      it('gives 200 concurrent hits the counts 1 to 200, once each', async () => {
        const hits = await Promise.all(
          Array.from({ length: 200 }, () => store.hit('k', 60_000)),
        );
        const counts = hits.map((hit) => hit.count).sort((a, b) => a - b);
        expect(counts).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      });

      it('peeks at a counter without counting, and knows no closed window', async () => {
        expect(await store.peek('k')).toBeUndefined();
        const hit = await store.hit('k', 60_000, 4);
        const seen = await store.peek('k');
        expect(seen?.count).toBe(4);
        expect(Math.abs(seen!.resetAtMs - hit.resetAtMs)).toBeLessThan(1000);
        expect((await store.hit('k', 60_000)).count).toBe(5);
      });

      it('takes a hit back, never below zero', async () => {
        await store.hit('k', 60_000, 2);
        await store.giveBack('k');
        expect((await store.peek('k'))?.count).toBe(1);
        await store.giveBack('k', 5);
        expect((await store.peek('k'))?.count).toBe(0);
        expect((await store.hit('k', 60_000)).count).toBe(1);
      });

      it('gives nothing back to a window that is over, and opens none', async () => {
        await store.giveBack('never-hit');
        expect(await store.peek('never-hit')).toBeUndefined();
        await store.hit('k', 50);
        await sleep(90);
        await store.giveBack('k');
        expect(await store.peek('k')).toBeUndefined();
      });

      it('takes keys of any size and content', async () => {
        const odd = `x y\n*:{}${'z'.repeat(10_000)}`;
        expect((await store.hit(odd, 60_000)).count).toBe(1);
        expect((await store.hit(odd, 60_000)).count).toBe(2);
        expect((await store.hit(`${odd}!`, 60_000)).count).toBe(1);
      });

      it('refuses a window or an amount that is not a whole positive number', async () => {
        await expect(store.hit('k', 0)).rejects.toThrow(RangeError);
        await expect(store.hit('k', 1.5)).rejects.toThrow(RangeError);
        await expect(store.hit('k', 1000, 0)).rejects.toThrow(RangeError);
        await expect(store.giveBack('k', -1)).rejects.toThrow(RangeError);
        await expect(store.hit('', 1000)).rejects.toThrow(TypeError);
      });
    });

    describe('denylist', () => {
      it('answers revoked when any of the keys was revoked', async () => {
        await store.revoke(['jti:1', 'origin:1'], 60_000);
        expect(await store.isRevoked(['jti:1'])).toBe(true);
        expect(await store.isRevoked(['jti:2', 'origin:1'])).toBe(true);
        expect(await store.isRevoked(['jti:2', 'origin:2'])).toBe(false);
        expect(await store.isRevoked([])).toBe(false);
      });

      it('forgets a revocation when its time is over', async () => {
        await store.revoke(['jti:1'], 100);
        expect(await store.isRevoked(['jti:1'])).toBe(true);
        await sleep(150);
        expect(await store.isRevoked(['jti:1'])).toBe(false);
      });

      it('keeps the later expiry when a key is revoked again for less', async () => {
        await store.revoke(['jti:1'], 60_000);
        await store.revoke(['jti:1'], 50);
        await sleep(100);
        expect(await store.isRevoked(['jti:1'])).toBe(true);
      });

      it('accepts an empty list', async () => {
        await expect(store.revoke([], 60_000)).resolves.toBeUndefined();
      });

      it('refuses a ttl that is not a whole positive number', async () => {
        await expect(store.revoke(['a'], 0)).rejects.toThrow(RangeError);
      });
    });

    describe('sign-out cutoffs', () => {
      it('knows no cutoff for a user who never signed out', async () => {
        expect(await store.cutoffOf('user-1')).toBeUndefined();
      });

      it('keeps the latest cutoff of a user', async () => {
        await store.setCutoff('user-1', 1_700_000_100, 60_000);
        expect(await store.cutoffOf('user-1')).toBe(1_700_000_100);
        await store.setCutoff('user-1', 1_700_000_050, 60_000);
        expect(await store.cutoffOf('user-1')).toBe(1_700_000_100);
        await store.setCutoff('user-1', 1_700_000_200, 60_000);
        expect(await store.cutoffOf('user-1')).toBe(1_700_000_200);
        expect(await store.cutoffOf('user-2')).toBeUndefined();
      });

      it('forgets a cutoff when its time is over, unless a later write extended it', async () => {
        await store.setCutoff('user-1', 1_700_000_000, 100);
        await store.setCutoff('user-2', 1_700_000_000, 100);
        await store.setCutoff('user-2', 1_600_000_000, 60_000);
        await sleep(150);
        expect(await store.cutoffOf('user-1')).toBeUndefined();
        expect(await store.cutoffOf('user-2')).toBe(1_700_000_000);
      });

      it('refuses a cutoff that is not whole epoch seconds', async () => {
        await expect(store.setCutoff('u', 1.5, 1000)).rejects.toThrow(
          RangeError,
        );
        await expect(store.setCutoff('u', 1, 0)).rejects.toThrow(RangeError);
      });
    });

    describe('sessionStateNow', () => {
      it('answers at once what isRevoked and cutoffOf answer', async () => {
        await store.revoke(['jti:1'], 60_000);
        await store.setCutoff('user-1', 1_700_000_100, 60_000);
        expect(
          store.sessionStateNow(storedSession(['jti:2', 'jti:1'], 'user-1')),
        ).toEqual({
          revoked: true,
          cutoff: 1_700_000_100,
        });
        expect(
          store.sessionStateNow(storedSession(['jti:2'], 'user-2')),
        ).toEqual({
          revoked: false,
          cutoff: undefined,
        });
        expect(await store.isRevoked(['jti:2'])).toBe(false);
        expect(await store.cutoffOf('user-2')).toBeUndefined();
      });
    });

    it('tells a full or unreachable store by one error type', () => {
      const error = new StoreUnavailableError('full');
      expect(error).toBeInstanceOf(Error);
      expect(error.reason).toBe('full');
      expect(error.message).toBe('The session store is full.');
    });
  },
);

describe.each<Exclude<StoreKind, 'memory'>>(['redis', 'cluster', 'sentinel'])(
  'two instances on %s',
  (kind) => {
    it('see each other’s revocation and cutoff within one second', async () => {
      const a = await stores.makeRedis({}, kind);
      const b = await stores.makeRedis({}, kind);
      await a.revoke(['jti:1', 'origin:1'], 60_000);
      await b.setCutoff('user-1', 1_700_000_000, 60_000);
      await timeUntil(() => b.isRevoked(['origin:1']), 1000);
      await timeUntil(
        async () => (await a.cutoffOf('user-1')) === 1_700_000_000,
        1000,
      );
    });

    it('count 200 concurrent hits split between them exactly once each', async () => {
      const a = await stores.makeRedis({}, kind);
      const b = await stores.makeRedis({}, kind);
      const hits = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          (i % 2 ? a : b).hit(`key-${i % 7}`, 60_000),
        ),
      );
      expect(hits.reduce((sum, hit) => sum + hit.count, 0)).toBe(
        // each of the 7 keys counts 1..n once
        [29, 29, 29, 29, 28, 28, 28].reduce((s, n) => s + (n * (n + 1)) / 2, 0),
      );
      expect(await a.health()).toEqual({ up: true });
    });

    it('start, check and refuse a revoked session after a restart of either', async () => {
      const a = await stores.makeRedis({}, kind);
      await a.revoke(['jti:9'], 60_000);
      const late = await stores.makeRedis({}, kind);
      expect(await late.isRevoked(['jti:9'])).toBe(true);
    });
  },
);
