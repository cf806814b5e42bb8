import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  DEFAULT_COUNTER_BYTES,
  DEFAULT_SESSION_BYTES,
} from './memory.store.js';
import { MemoryCounters } from './memory-counters.js';
import {
  closeClient,
  createRedisClient,
  type RedisStoreOptions,
  whenReady,
  within,
} from './redis.connection.js';
import { RedisMirror, redisLayout, type RedisLayout } from './redis.mirror.js';
import { MirrorSync } from './redis.sync.js';
import {
  GIVE_BACK,
  HIT,
  PEEK,
  REVOKE,
  SET_CUTOFF,
  type RedisScript,
} from './redis.scripts.js';
import {
  checkAmount,
  checkSeconds,
  checkWindow,
  SharedStore,
  StoreUnavailableError,
  type CounterHit,
  type SessionState,
} from './shared-store.js';
import { storedKey, type StoredSession } from './store-keys.js';

export type { RedisStoreOptions } from './redis.connection.js';
/**
 * The store of several instances (REDIS_URL set): counters, revocations
 * and cutoffs live in Redis. Revocations and cutoffs are also mirrored in
 * memory (see RedisMirror), so reads never wait on Redis. When Redis does
 * not answer within the timeout: reads keep answering from the mirror,
 * writes reject with StoreUnavailableError, and counters count in this
 * process until a check finds Redis back (each change logged once).
 */
export class RedisSharedStore extends SharedStore {
  private readonly logger = new Logger('SharedStore');
  private readonly layout: RedisLayout;
  private readonly timeoutMs: number;
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly mirror: RedisMirror;
  private readonly local: MemoryCounters;
  private timer: NodeJS.Timeout | undefined;
  private readonly sync: MirrorSync;
  private down = false;
  /** When Redis last came back (see markDown). */
  private upAt = 0;
  private closed = false;
  private ticking = false;

  constructor(private readonly options: RedisStoreOptions) {
    super();
    this.timeoutMs = options.timeoutMs;
    this.layout = redisLayout(options.prefix ?? 'nca:');
    this.client = createRedisClient(options.url, this.timeoutMs, 'nca-store');
    this.subscriber = createRedisClient(
      options.url,
      this.timeoutMs,
      'nca-store-events',
    );
    this.mirror = new RedisMirror(
      this.layout,
      options.sessionBytes ?? DEFAULT_SESSION_BYTES,
    );
    this.local = new MemoryCounters(
      options.counterBytes ?? DEFAULT_COUNTER_BYTES,
    );
    this.sync = new MirrorSync(
      this.client,
      this.subscriber,
      this.mirror,
      this.layout,
      this.timeoutMs,
      { markDown: () => this.markDown(), markUp: () => this.markUp() },
    );
  }

  /**
   * Connects, subscribes and loads the mirror, each step within the
   * timeout. Resolves even when Redis does not answer: the store then
   * works as it does during an outage, and catches up once Redis is back.
   */
  async start(): Promise<void> {
    await Promise.all([
      whenReady(this.client, this.timeoutMs),
      whenReady(this.subscriber, this.timeoutMs),
    ]).catch(() => this.markDown());
    await this.sync.requestSync();
    this.timer = setInterval(
      () => void this.tick(),
      this.options.tickMs ?? 1000,
    );
    this.timer.unref();
  }

  async hit(key: string, windowMs: number, amount = 1): Promise<CounterHit> {
    checkWindow(windowMs);
    checkAmount(amount);
    const stored = storedKey(key);
    return this.counting(
      async () => {
        const counter = this.layout.counter(stored);
        const answer = await this.call(HIT, [counter, windowMs, amount]);
        const [count, left] = answer as [number, number];
        return { count, resetAtMs: Date.now() + left };
      },
      () => this.local.hit(stored, windowMs, amount),
    );
  }

  async peek(key: string): Promise<CounterHit | undefined> {
    const stored = storedKey(key);
    return this.counting(
      async () => {
        const answer = await this.call(PEEK, [this.layout.counter(stored)]);
        const [count, left] = (answer ?? [0, -1]) as [number, number];
        return left < 0 ? undefined : { count, resetAtMs: Date.now() + left };
      },
      () => this.local.peek(stored),
    );
  }

  async giveBack(key: string, amount = 1): Promise<void> {
    checkAmount(amount);
    const stored = storedKey(key);
    await this.counting(
      async () => {
        await this.call(GIVE_BACK, [this.layout.counter(stored), amount]);
      },
      () => this.local.giveBack(stored, amount),
    );
  }

  async revoke(keys: readonly string[], ttlMs: number): Promise<void> {
    checkWindow(ttlMs, 'ttlMs');
    const stored = [...new Set(keys.map(storedKey))];
    if (stored.length === 0) return;
    const now = Date.now();
    // This instance refuses the session at once, whatever Redis answers.
    this.mirror.revoke(stored, now + ttlMs);
    const { revoked, version, channel } = this.layout;
    await this.write(REVOKE, [
      revoked,
      version,
      now,
      now + ttlMs,
      channel,
      ...stored,
    ]);
  }

  async isRevoked(keys: readonly string[]): Promise<boolean> {
    return this.mirror.revoked(
      this.client,
      keys.map(storedKey),
      this.timeoutMs,
    );
  }

  async setCutoff(
    userKey: string,
    epochSeconds: number,
    ttlMs: number,
  ): Promise<void> {
    checkSeconds(epochSeconds);
    checkWindow(ttlMs, 'ttlMs');
    const stored = storedKey(userKey);
    const now = Date.now();
    this.mirror.setCutoff(stored, epochSeconds, now + ttlMs);
    const { cutoffs, cutoffExpiries, version, channel } = this.layout;
    await this.write(SET_CUTOFF, [
      cutoffs,
      cutoffExpiries,
      version,
      now,
      stored,
      epochSeconds,
      now + ttlMs,
      channel,
    ]);
  }

  async cutoffOf(userKey: string): Promise<number | undefined> {
    return this.mirror.cutoff(this.client, storedKey(userKey), this.timeoutMs);
  }

  override sessionStateNow(session: StoredSession): SessionState | undefined {
    return this.mirror.stateNow(session.keys, session.userKey);
  }

  /** Whether Redis answers a PING within the timeout (the health check). */
  async ping(): Promise<boolean> {
    try {
      return (await within(this.client.ping(), this.timeoutMs)) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sync.stop();
    clearInterval(this.timer);
    await Promise.all([
      closeClient(this.client, this.timeoutMs),
      closeClient(this.subscriber, this.timeoutMs),
    ]);
  }

  /** Redis while it answers; this process's counters while it does not. */
  private async counting<T>(
    shared: () => Promise<T>,
    local: () => T,
  ): Promise<T> {
    if (!this.down) {
      const started = Date.now();
      try {
        return await shared();
      } catch {
        this.markDown(started);
      }
    }
    return local();
  }

  private call(
    script: RedisScript,
    args: (string | number)[],
  ): Promise<unknown> {
    return within(script.run(this.client, args), this.timeoutMs);
  }

  private async write(
    script: RedisScript,
    args: (string | number)[],
  ): Promise<void> {
    const started = Date.now();
    try {
      await this.call(script, args);
    } catch {
      this.markDown(started);
      throw new StoreUnavailableError('unreachable');
    }
    this.markUp();
  }

  /** Once a second: is Redis back, and has the mirror missed a version? */
  private async tick(): Promise<void> {
    if (this.closed || this.ticking) return;
    this.ticking = true;
    const started = Date.now();
    try {
      const version = this.client.get(this.layout.version);
      const remote = Number((await within(version, this.timeoutMs)) ?? 0);
      this.markUp();
      // A slow mirror reload is retried next tick; Redis did just answer.
      await this.sync.check(remote).catch(() => undefined);
    } catch {
      this.markDown(started);
    } finally {
      this.ticking = false;
    }
  }

  /** Down, unless Redis answered since the failed call began (old news). */
  private markDown(started = Date.now()): void {
    if (this.down || this.closed || started < this.upAt) return;
    this.down = true;
    this.logger.warn(
      'Redis unreachable: rate limits count per instance until it is back',
    );
  }

  private markUp(): void {
    if (!this.down) return;
    this.down = false;
    this.upAt = Date.now();
    this.logger.log('Redis reachable again: rate limits are shared again');
  }
}
