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
import { sessionIdOf, storedSession } from '../../src/store/store-keys.js';

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

    describe('cutoffs that spare one session', () => {
      it('refuse every session but the exempt one, whose keys pass', async () => {
        await store.setCutoff('user-1', 1_700_000_100, 60_000, 'origin:keep');
        expect(await store.cutoffOf('user-1')).toBe(1_700_000_100);
        expect(await store.cutoffOf('user-1', ['origin:other'])).toBe(
          1_700_000_100,
        );
        expect(
          await store.cutoffOf('user-1', ['jti:1', 'origin:keep']),
        ).toBeUndefined();
        expect(
          store.sessionStateNow(storedSession(['origin:keep'], 'user-1')),
        ).toEqual({ revoked: false, cutoff: undefined });
        expect(
          store.sessionStateNow(storedSession(['origin:other'], 'user-1')),
        ).toEqual({ revoked: false, cutoff: 1_700_000_100 });
      });

      it('lose the exemption to a later cutoff of everyone', async () => {
        await store.setCutoff('user-1', 1_700_000_100, 60_000, 'origin:keep');
        await store.setCutoff('user-1', 1_700_000_050, 60_000);
        expect(await store.cutoffOf('user-1', ['origin:keep'])).toBe(
          1_700_000_050,
        );
        await store.setCutoff('user-1', 1_700_000_200, 60_000);
        expect(await store.cutoffOf('user-1', ['origin:keep'])).toBe(
          1_700_000_200,
        );
      });

      it('end the first exempt session when another session spares itself later', async () => {
        await store.setCutoff('user-1', 1_700_000_100, 60_000, 'origin:a');
        await store.setCutoff('user-1', 1_700_000_200, 60_000, 'origin:b');
        expect(await store.cutoffOf('user-1', ['origin:a'])).toBe(
          1_700_000_200,
        );
        expect(await store.cutoffOf('user-1', ['origin:b'])).toBe(
          1_700_000_100,
        );
      });
    });

    describe('session records', () => {
      const limits = { maxPerUser: 3, ttlMs: 60_000 };
      const entry = (key: string, createdAt: number, userAgent = 'UA') => ({
        key,
        createdAt,
        lastActiveAt: createdAt,
        userAgent,
        ipAddress: '127.0.0.1',
      });
      const ids = async (user: string): Promise<string[]> =>
        (await store.sessionsOf(user)).map((r) => r.id).sort();

      it('keeps a record per session of a user, its id the stored form of its key', async () => {
        const now = Date.now();
        await store.recordSession('u1', entry('origin:a', now - 10), limits);
        await store.recordSession('u1', entry('origin:b', now), limits);
        await store.recordSession('u2', entry('origin:c', now), limits);
        const mine = await store.sessionsOf('u1');
        expect(mine).toHaveLength(2);
        expect(mine.find((r) => r.id === sessionIdOf('origin:a'))).toEqual({
          id: sessionIdOf('origin:a'),
          createdAt: now - 10,
          lastActiveAt: now - 10,
          userAgent: 'UA',
          ipAddress: '127.0.0.1',
        });
        expect(await ids('u2')).toEqual([sessionIdOf('origin:c')]);
        expect(await store.sessionsOf('nobody')).toEqual([]);
      });

      it('updates the last activity of a known session and keeps when it began', async () => {
        const now = Date.now();
        await store.recordSession('u1', entry('origin:a', now - 1000), limits);
        await store.recordSession(
          'u1',
          {
            key: 'origin:a',
            createdAt: now,
            lastActiveAt: now + 5,
            userAgent: 'Other/2 "quoted" \\ ünicode',
            ipAddress: '::1',
          },
          limits,
        );
        expect(await store.sessionsOf('u1')).toEqual([
          {
            id: sessionIdOf('origin:a'),
            createdAt: now - 1000,
            lastActiveAt: now + 5,
            userAgent: 'Other/2 "quoted" \\ ünicode',
            ipAddress: '::1',
          },
        ]);
      });

      it('past the cap, ends the oldest other sessions: record gone, id revoked', async () => {
        const now = Date.now();
        for (const [i, key] of ['origin:1', 'origin:2', 'origin:3'].entries()) {
          await store.recordSession('u1', entry(key, now + i), limits);
        }
        await store.recordSession('u1', entry('origin:4', now - 50), limits);
        expect(await ids('u1')).toEqual(
          ['origin:2', 'origin:3', 'origin:4'].map(sessionIdOf).sort(),
        );
        expect(await store.isRevoked(['origin:1'])).toBe(true);
        expect(await store.isRevoked(['origin:2'])).toBe(false);
      });

      it('ends one session by its id, only the user’s own and only once', async () => {
        const now = Date.now();
        await store.recordSession('u1', entry('origin:a', now), limits);
        await store.recordSession('u2', entry('origin:b', now), limits);
        const id = sessionIdOf('origin:a');
        expect(await store.endSession('u2', id, 60_000)).toBe(false);
        expect(await store.isRevoked(['origin:a'])).toBe(false);
        expect(await store.endSession('u1', 'not-an-id', 60_000)).toBe(false);
        expect(await store.endSession('u1', id, 60_000)).toBe(true);
        expect(await store.isRevoked(['origin:a'])).toBe(true);
        expect(await store.sessionsOf('u1')).toEqual([]);
        expect(await store.endSession('u1', id, 60_000)).toBe(false);
        expect(await ids('u2')).toEqual([sessionIdOf('origin:b')]);
      });

      it('drops the record of a session revoked for its user', async () => {
        const now = Date.now();
        await store.recordSession('u1', entry('origin:a', now), limits);
        await store.recordSession('u1', entry('origin:b', now), limits);
        await store.revoke(['jti:x', 'origin:a'], 60_000, 'u1');
        expect(await ids('u1')).toEqual([sessionIdOf('origin:b')]);
      });

      it('drops the records a cutoff ends, but the exempt one and later ones', async () => {
        const second = 1_700_000_000;
        // Sessions of 2023 that live long enough to be alive now.
        const long = { ...limits, ttlMs: 10 ** 12 };
        await store.recordSession('u1', entry('origin:a', second * 1000), long);
        await store.recordSession(
          'u1',
          entry('origin:b', second * 1000 + 999),
          long,
        );
        await store.recordSession(
          'u1',
          entry('origin:c', (second + 1) * 1000 + 1),
          long,
        );
        await store.setCutoff('u1', second, 60_000, 'origin:a');
        expect(await ids('u1')).toEqual(
          ['origin:a', 'origin:c'].map(sessionIdOf).sort(),
        );
        await store.setCutoff('u1', second, 60_000);
        expect(await ids('u1')).toEqual([sessionIdOf('origin:c')].sort());
      });

      it('stays at the cap under a soak of 200 sign-ins of one user, every one past it ended', async () => {
        const now = Date.now();
        for (let i = 0; i < 200; i++) {
          await store.recordSession(
            'soak',
            entry(`origin:${i}`, now + i),
            limits,
          );
        }
        expect(await ids('soak')).toEqual(
          ['origin:197', 'origin:198', 'origin:199'].map(sessionIdOf).sort(),
        );
        expect(await store.isRevoked(['origin:0'])).toBe(true);
        expect(await store.isRevoked(['origin:196'])).toBe(true);
      });

      it('forgets a record when its session’s time is over', async () => {
        await store.recordSession('u1', entry('origin:a', Date.now()), {
          maxPerUser: 3,
          ttlMs: 100,
        });
        expect(await ids('u1')).toHaveLength(1);
        await sleep(150);
        expect(await store.sessionsOf('u1')).toEqual([]);
        expect(
          await store.endSession('u1', sessionIdOf('origin:a'), 1000),
        ).toBe(false);
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
