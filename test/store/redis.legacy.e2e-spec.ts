/*
 * An upgrade from a release that kept the revocations and cutoffs under
 * `<prefix>rev` and `<prefix>cut` (before the hash tag `{s}`): what it
 * logged out stays logged out. Against real redis-servers, one Redis and a
 * 3-master cluster (where the old keys sit on other slots than today's).
 */
import { Logger } from '@nestjs/common';
import { Cluster, Redis } from 'ioredis';
import { RedisSharedStore } from '../../src/store/redis.store.js';
import { storedKey } from '../../src/store/store-keys.js';
import { startRedis } from '../support/redis.js';
import { useStores } from '../support/stores.js';
import { within } from '../support/timing.js';

const stores = useStores({ cluster: true });

const HOUR_MS = 3_600_000;
/** A second or so, and room for a busy machine (see test/support/timing.ts). */
const LOADED_WITHIN_MS = 5000;

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(['redis', 'cluster'] as const)(
  'keys of an earlier release, on %s',
  (kind) => {
    let client: Redis | Cluster;

    beforeEach(() => {
      client =
        kind === 'cluster'
          ? new Cluster(stores.cluster.nodes)
          : new Redis(stores.redis.url);
    });

    afterEach(async () => {
      await client.quit();
    });

    /** What the earlier release wrote for a logout and a "log out everywhere". */
    async function seedOldRelease(now: number): Promise<void> {
      const { prefix } = stores;
      await client.zadd(
        `${prefix}rev`,
        now + HOUR_MS,
        storedKey('origin:signed-in-before'),
        now - 1000,
        storedKey('origin:long-expired'),
        now + HOUR_MS,
        'not a stored key',
      );
      await client.hset(
        `${prefix}cut`,
        storedKey('session-cutoff:user-1'),
        `1700000000:${now + HOUR_MS}`,
        storedKey('session-cutoff:user-2'),
        `1700000000:${now - 1000}`,
        storedKey('session-cutoff:user-3'),
        'garbage',
      );
      await client.zadd(
        `${prefix}cut:exp`,
        now + HOUR_MS,
        storedKey('session-cutoff:user-1'),
      );
    }

    it('takes over the live entries at start, tells the running instances, and leaves the old keys as they were', async () => {
      const running = await stores.makeRedis({}, kind);
      expect(await running.isRevoked(['origin:signed-in-before'])).toBe(false);
      const warn = vi.spyOn(Logger.prototype, 'warn');
      await seedOldRelease(Date.now());

      const upgraded = await stores.makeRedis({}, kind);

      expect(await upgraded.isRevoked(['origin:signed-in-before'])).toBe(true);
      expect(await upgraded.cutoffOf('session-cutoff:user-1')).toBe(
        1_700_000_000,
      );
      // Expired or malformed entries are not carried over.
      expect(await upgraded.isRevoked(['origin:long-expired'])).toBe(false);
      expect(await upgraded.cutoffOf('session-cutoff:user-2')).toBeUndefined();
      expect(await upgraded.cutoffOf('session-cutoff:user-3')).toBeUndefined();
      const { prefix } = stores;
      expect(
        await client.zscore(`${prefix}{s}rev`, 'not a stored key'),
      ).toBeNull();
      // The instance that was running loads what the new one wrote.
      await within(LOADED_WITHIN_MS, () =>
        running.isRevoked(['origin:signed-in-before']),
      );
      expect(await running.cutoffOf('session-cutoff:user-1')).toBe(
        1_700_000_000,
      );
      // Instances of the earlier release may still be running: their keys stay.
      expect(await client.zcard(`${prefix}rev`)).toBe(3);
      expect(await client.hlen(`${prefix}cut`)).toBe(3);
      const said = warn.mock.calls.map(([message]) => String(message));
      expect(said).toContainEqual(
        `Took over 2 revocations and cutoffs an earlier release kept in ${prefix}rev and ${prefix}cut; once no instance of that release runs, restart one instance of this one (it takes over the last of them), then delete them (DEL ${prefix}rev ${prefix}cut ${prefix}cut:exp ${prefix}ver)`,
      );
    });

    it('says nothing when there is nothing of an earlier release', async () => {
      const warn = vi.spyOn(Logger.prototype, 'warn');
      const store = await stores.makeRedis({}, kind);
      expect(await store.isRevoked(['origin:signed-in-before'])).toBe(false);
      const said = warn.mock.calls.map(([message]) => String(message));
      expect(
        said.filter((message) => message.includes('earlier release')),
      ).toEqual([]);
    });
  },
);

it('writes nothing to a Redis whose maxmemory-policy makes the app refuse it', async () => {
  const redis = await startRedis(['--maxmemory-policy', 'allkeys-lru']);
  const client = new Redis(redis.url);
  try {
    await client.zadd(
      'old:rev',
      Date.now() + HOUR_MS,
      storedKey('origin:signed-in-before'),
    );
    const store = new RedisSharedStore({
      url: redis.url,
      timeoutMs: 1000,
      prefix: 'old:',
    });
    await expect(store.start()).rejects.toThrow(/maxmemory-policy/);
    expect(await client.exists('old:{s}rev', 'old:{s}ver')).toBe(0);
  } finally {
    await client.quit();
    await redis.stop();
  }
});
