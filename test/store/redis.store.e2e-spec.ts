import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { MockInstance } from 'vitest';
import { StoreUnavailableError } from '../../src/store/shared-store.js';
import { storedKey, storedSession } from '../../src/store/store-keys.js';
import { sleep, timeUntil, useStores } from '../support/stores.js';

const stores = useStores();

/**
 * Timing bounds. The unit specs run beside the rest of the suite on two
 * cores, where a worker can stall for hundreds of milliseconds: the
 * timeouts are long enough that "bounded by the timeout" and "answered from
 * memory" still cannot be confused. TIMEOUT is REDIS_TIMEOUT_MS here.
 */
const TIMEOUT = 1000;
/** What a stalled worker may add to a bounded wait. */
const MARGIN = 700;
/** Far below TIMEOUT: an answer that did not wait on Redis. */
const FAST = 200;
/**
 * What a machine whose cores are all busy (npm run test:busy) may add to a
 * bound the README states before the poll for it gives up: a worker there
 * stalls for seconds at a time.
 */
const BUSY_MARGIN = 4000;
/** The README's bound: another instance sees a revocation within 1 s. */
const SEEN_WITHIN = 1000;
/** Redis back after a restart: the instances reconnect by themselves. */
const RECONNECTED_WITHIN = 5000;

/** How long a call took, and how it ended. */
async function timed<T>(
  call: () => Promise<T>,
): Promise<{ ms: number; value?: T; error?: unknown }> {
  const start = Date.now();
  try {
    const value = await call();
    return { ms: Date.now() - start, value };
  } catch (error) {
    return { ms: Date.now() - start, error };
  }
}

describe('RedisSharedStore, several instances on one Redis', () => {
  it('lets another instance see a revocation within one second', async () => {
    const a = await stores.makeRedis();
    const b = await stores.makeRedis();
    expect(await b.isRevoked(['jti:1'])).toBe(false);
    await a.revoke(['jti:1', 'origin:1'], 60_000);
    await timeUntil(() => b.isRevoked(['origin:1']), SEEN_WITHIN + BUSY_MARGIN);
  });

  it('lets another instance see a sign-out cutoff within one second', async () => {
    const a = await stores.makeRedis();
    const b = await stores.makeRedis();
    await a.setCutoff('user-1', 1_700_000_000, 60_000);
    await timeUntil(
      async () => (await b.cutoffOf('user-1')) === 1_700_000_000,
      1000,
    );
    await b.setCutoff('user-1', 1_600_000_000, 60_000);
    await sleep(100);
    expect(await a.cutoffOf('user-1')).toBe(1_700_000_000);
  });

  it('loads what was revoked before it started', async () => {
    const a = await stores.makeRedis();
    await a.revoke(['jti:old'], 60_000);
    await a.setCutoff('user-1', 1_700_000_000, 60_000);
    const late = await stores.makeRedis();
    expect(await late.isRevoked(['jti:old'])).toBe(true);
    expect(await late.cutoffOf('user-1')).toBe(1_700_000_000);
  });

  it('counts 200 concurrent hits split between two instances exactly once each', async () => {
    const a = await stores.makeRedis();
    const b = await stores.makeRedis();
    const hits = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? a : b).hit('email-hash', 60_000),
      ),
    );
    const counts = hits.map((hit) => hit.count).sort((x, y) => x - y);
    expect(counts).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect((await a.peek('email-hash'))?.count).toBe(200);
    await b.giveBack('email-hash');
    expect((await a.peek('email-hash'))?.count).toBe(199);
  });

  it('keeps its keys under the prefix, hashed, expiring with their window', async () => {
    const a = await stores.makeRedis();
    await a.hit('alice@example.com', 60_000);
    await a.revoke(['jti:1'], 60_000);
    const raw = new Redis(stores.redis.url);
    try {
      // A check after the first load marks the new Redis, epoch and all.
      await timeUntil(
        async () => (await raw.exists(`${stores.prefix}{s}epoch`)) === 1,
        SEEN_WITHIN + BUSY_MARGIN,
      );
      const keys = (await raw.keys('*')).filter((k) =>
        k.startsWith(stores.prefix),
      );
      const counter = `${stores.prefix}c:${storedKey('alice@example.com')}`;
      expect(keys.sort()).toEqual(
        [
          counter,
          `${stores.prefix}{s}rev`,
          `${stores.prefix}{s}cut`,
          `${stores.prefix}{s}ver`,
          `${stores.prefix}{s}epoch`,
        ].sort(),
      );
      expect(keys.join(' ')).not.toContain('alice');
      const ttl = await raw.pttl(counter);
      expect(ttl).toBeGreaterThan(59_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      raw.disconnect();
    }
  });

  it('catches up with a write whose message it missed, within a few checks', async () => {
    const b = await stores.makeRedis();
    const raw = new Redis(stores.redis.url);
    try {
      // A write that reached Redis but whose message was lost.
      const member = storedKey('jti:lost');
      await raw.zadd(`${stores.prefix}{s}rev`, Date.now() + 60_000, member);
      await raw.incr(`${stores.prefix}{s}ver`);
      await timeUntil(() => b.isRevoked(['jti:lost']), 2000);
    } finally {
      raw.disconnect();
    }
  });

  it('asks Redis what its overflowed mirror lacks', async () => {
    const a = await stores.makeRedis();
    const small = await stores.makeRedis({ sessionBytes: 2 * 203 });
    const error = vi.spyOn(Logger.prototype, 'error');
    await a.revoke(['k1', 'k2', 'k3', 'k4'], 60_000);
    await sleep(200);
    for (const key of ['k1', 'k2', 'k3', 'k4']) {
      expect(await small.isRevoked([key])).toBe(true);
    }
    expect(await small.isRevoked(['k5'])).toBe(false);
    // Memory alone cannot tell a miss from an entry it had no room for.
    expect(
      small.sessionStateNow(storedSession(['k5'], 'user-1')),
    ).toBeUndefined();
    expect(a.sessionStateNow(storedSession(['k5'], 'user-1'))).toEqual({
      revoked: false,
      cutoff: undefined,
    });
    expect(
      error.mock.calls.filter(([m]) => String(m).includes('mirror')),
    ).toHaveLength(1);
    // Redis down, and the mirror cannot know: fail closed.
    stores.redis.pause();
    const unknown = await timed(() => small.isRevoked(['k6']));
    expect(unknown.error).toBeInstanceOf(StoreUnavailableError);
    expect(unknown.ms).toBeLessThan(500 + MARGIN);
    error.mockRestore();
  });
});

// A restart and three bounded polls: more than the default 5 s when busy.
describe(
  'RedisSharedStore when Redis restarts empty',
  { timeout: 30_000 },
  () => {
    it('reconnects by itself, keeps what it knew, and hears new revocations', async () => {
      const a = await stores.makeRedis({ timeoutMs: TIMEOUT });
      const b = await stores.makeRedis({ timeoutMs: TIMEOUT });
      await a.revoke(['jti:before'], 60_000);
      await timeUntil(() => b.isRevoked(['jti:before']), 1000);
      await stores.redis.restart();
      await timeUntil(
        () =>
          a.revoke(['jti:after'], 60_000).then(
            () => true,
            () => false,
          ),
        RECONNECTED_WITHIN + BUSY_MARGIN,
      );
      // b reconnects on its own schedule, then hears it within SEEN_WITHIN.
      await timeUntil(
        () => b.isRevoked(['jti:after']),
        RECONNECTED_WITHIN + SEEN_WITHIN + BUSY_MARGIN,
      );
      expect(await b.isRevoked(['jti:before'])).toBe(true);
      // Counters are shared again after each instance's next check.
      await timeUntil(async () => {
        const counted = await b.hit('probe', 60_000);
        return (await a.peek('probe'))?.count === counted.count;
      }, RECONNECTED_WITHIN + BUSY_MARGIN);
      expect((await b.hit('k', 60_000)).count).toBe(1);
      expect((await a.hit('k', 60_000)).count).toBe(2);
    });
  },
);

/** The down and back messages of the spies, in the order they were logged. */
function transitions(
  warn: MockInstance,
  log: MockInstance,
  down: string,
  back: string,
): string[] {
  const of = (spy: MockInstance, message: string, name: string) =>
    spy.mock.calls.flatMap(([m], i) =>
      m === message ? [{ name, at: spy.mock.invocationCallOrder[i] }] : [],
    );
  return [...of(warn, down, 'down'), ...of(log, back, 'back')]
    .sort((x, y) => x.at - y.at)
    .map(({ name }) => name);
}

describe('RedisSharedStore while Redis is paused (SIGSTOP)', () => {
  it('answers reads from the mirror, at once', async () => {
    const a = await stores.makeRedis({ timeoutMs: TIMEOUT });
    const b = await stores.makeRedis({ timeoutMs: TIMEOUT });
    await a.revoke(['jti:1'], 60_000);
    await a.setCutoff('user-1', 1_700_000_000, 60_000);
    await timeUntil(() => b.isRevoked(['jti:1']), 1000);
    await timeUntil(
      async () => (await b.cutoffOf('user-1')) !== undefined,
      1000,
    );
    stores.redis.pause();
    const reads = await timed(async () => [
      await b.isRevoked(['jti:1']),
      await b.isRevoked(['jti:2']),
      await b.cutoffOf('user-1'),
      await b.cutoffOf('user-2'),
    ]);
    expect(reads.value).toEqual([true, false, 1_700_000_000, undefined]);
    expect(reads.ms).toBeLessThan(FAST);
  });

  it('rejects writes with StoreUnavailableError within the timeout, and takes them again once resumed', async () => {
    const a = await stores.makeRedis({ timeoutMs: TIMEOUT });
    stores.redis.pause();
    const revoke = await timed(() => a.revoke(['jti:1'], 60_000));
    expect(revoke.error).toBeInstanceOf(StoreUnavailableError);
    expect((revoke.error as StoreUnavailableError).reason).toBe('unreachable');
    expect(revoke.ms).toBeGreaterThanOrEqual(TIMEOUT - 10);
    expect(revoke.ms).toBeLessThan(TIMEOUT + MARGIN);
    const cutoff = await timed(() => a.setCutoff('user-1', 1, 60_000));
    expect(cutoff.error).toBeInstanceOf(StoreUnavailableError);
    expect(cutoff.ms).toBeLessThan(TIMEOUT + MARGIN);
    // A refused write ends nothing, not even on this instance.
    expect(await a.isRevoked(['jti:1'])).toBe(false);

    stores.redis.resume();
    await timeUntil(
      () =>
        a.revoke(['jti:2'], 60_000).then(
          () => true,
          () => false,
        ),
      3000,
    );
    const late = await stores.makeRedis({ timeoutMs: TIMEOUT });
    expect(await late.isRevoked(['jti:2'])).toBe(true);
  });

  it('counts per instance, logging once, and shares counts again once resumed', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const log = vi.spyOn(Logger.prototype, 'log');
    const said = (spy: typeof warn, message: string): number =>
      spy.mock.calls.filter(([m]) => m === message).length;
    const DOWN =
      'Redis unreachable: rate limits count per instance until it is back';
    const BACK = 'Redis reachable again: rate limits are shared again';
    const a = await stores.makeRedis({ timeoutMs: TIMEOUT });
    await a.hit('k', 60_000, 5);
    stores.redis.pause();
    const first = await timed(() => a.hit('k', 60_000));
    expect(first.value?.count).toBe(1);
    expect(first.ms).toBeLessThan(TIMEOUT + MARGIN);
    const more = await timed(async () => {
      for (let i = 0; i < 9; i++) await a.hit('k', 60_000);
      return a.hit('k', 60_000);
    });
    expect(more.value?.count).toBe(11);
    expect(more.ms).toBeLessThan(FAST);
    await sleep(500); // a few checks fail meanwhile
    expect(said(warn, DOWN)).toBe(1);
    expect(said(log, BACK)).toBe(0);

    stores.redis.resume();
    await timeUntil(async () => said(log, BACK) === 1, 3000);
    const b = await stores.makeRedis({ timeoutMs: TIMEOUT });
    // 5, the hit already sent when Redis froze (it lands on resume), this one.
    expect((await b.hit('k', 60_000)).count).toBe(7);
    expect((await a.hit('k', 60_000)).count).toBe(8);
    // Once per outage: down and back alternate, whatever a loaded machine
    // does to a call after the resume (a call over the timeout is an
    // outage of its own, logged as one).
    expect(transitions(warn, log, DOWN, BACK).slice(0, 2)).toEqual([
      'down',
      'back',
    ]);
    expect(transitions(warn, log, DOWN, BACK).join(' ')).not.toMatch(
      /down down|back back/,
    );
    warn.mockRestore();
    log.mockRestore();
  });

  it('starts while Redis is paused, refusing to guess, and catches up once resumed', async () => {
    const a = await stores.makeRedis({ timeoutMs: TIMEOUT });
    await a.revoke(['jti:1'], 60_000);
    stores.redis.pause();
    const start = await timed(() => stores.makeRedis({ timeoutMs: TIMEOUT }));
    expect(start.ms).toBeLessThan(3 * TIMEOUT + MARGIN);
    const fresh = start.value!;
    await expect(fresh.isRevoked(['jti:1'])).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    stores.redis.resume();
    await timeUntil(() => fresh.isRevoked(['jti:1']).catch(() => false), 3000);
  });
});

describe('RedisSharedStore health', () => {
  it('answers PING when Redis does, and not while it is paused', async () => {
    const a = await stores.makeRedis({ timeoutMs: 200 });
    expect(await a.ping()).toBe(true);
    stores.redis.pause();
    const ping = await timed(() => a.ping());
    expect(ping.value).toBe(false);
    expect(ping.ms).toBeLessThan(200 + MARGIN);
  });

  it('closes its connections', async () => {
    const a = await stores.makeRedis();
    await a.close();
    await expect(a.revoke(['x'], 1000)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });
});
