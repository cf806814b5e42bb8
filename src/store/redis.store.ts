import { Logger } from '@nestjs/common';
import type { Cluster } from 'ioredis';
import {
  DEFAULT_COUNTER_BYTES,
  DEFAULT_SESSION_BYTES,
} from './memory.store.js';
import { MemoryCounters } from './memory-counters.js';
import {
  closeClient,
  createRedisClient,
  type RedisClient,
  describeTarget,
  type RedisStoreOptions,
  usesTls,
  whenReady,
  within,
} from './redis.connection.js';
import { describeRedisError } from './redis.errors.js';
import {
  MARKER,
  RedisMirror,
  redisLayout,
  type RedisLayout,
} from './redis.mirror.js';
import { legacyKeys, takeOverLegacyKeys } from './redis.legacy.js';
import { RedisSessions } from './redis.sessions.js';
import { MirrorSync } from './redis.sync.js';
import {
  CHECK,
  GIVE_BACK,
  HIT,
  PEEK,
  PROBE,
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
  type SessionEntry,
  type SessionLimits,
  type SessionRecord,
  type SessionState,
  type StoreUnavailableReason,
} from './shared-store.js';
import { cutoffFor } from './cutoff.js';
import { storedKey, type StoredSession } from './store-keys.js';

export type { RedisStoreOptions } from './redis.connection.js';

/** Refusals of writes by a Redis that still answers reads. */
const WRITE_REFUSALS = new Set<StoreUnavailableReason>([
  'read-only',
  'out-of-memory',
  'no-permission',
  'cluster-redirection',
]);

/** What GET /health reports of Redis: up, or down with the cause and its fix. */
export type RedisHealth =
  { up: true } | { up: false; reason: StoreUnavailableReason; message: string };

/**
 * A `maxmemory-policy` that may evict keys without a TTL (the revocations
 * and cutoffs): one sentence naming the setting, or undefined when it is
 * safe (noeviction, volatile-*) or unknown.
 */
export function evictionRefusal(
  policy: string | undefined,
): string | undefined {
  if (!policy?.startsWith('allkeys-')) return undefined;
  return `Redis's maxmemory-policy is ${policy}, which can evict the revocations and sign-out cutoffs (they have no TTL); set maxmemory-policy to noeviction or a volatile-* policy.`;
}

/**
 * The store of several instances (Redis configured): counters, revocations
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
  private readonly client: RedisClient;
  private readonly subscriber: RedisClient;
  private readonly mirror: RedisMirror;
  private readonly local: MemoryCounters;
  private timer: NodeJS.Timeout | undefined;
  private readonly sync: MirrorSync;
  private readonly sessions: RedisSessions;
  private down = false;
  /** Why the last call failed (undefined: it did not), and a refused channel. */
  private problem: StoreUnavailableError | undefined;
  private channelProblem: StoreUnavailableError | undefined;
  /** The problem last logged, so that each change is logged once. */
  private reported: string | undefined;
  /** A named refusal seen on the connection (WRONGPASS, TLS), until it is ready again. */
  private connectionError: StoreUnavailableError | undefined;
  /** Whether a connection ever got ready (see noteConnectionError). */
  private everReady = false;
  /** When Redis last came back (see markDown). */
  private upAt = 0;
  private closed = false;
  private ticking = false;

  constructor(private readonly options: RedisStoreOptions) {
    super();
    this.timeoutMs = options.timeoutMs;
    this.layout = redisLayout(options.prefix ?? 'nca:');
    this.client = createRedisClient(options, this.timeoutMs, 'nca-store');
    this.subscriber = createRedisClient(
      options,
      this.timeoutMs,
      'nca-store-events',
    );
    for (const client of [this.client, this.subscriber]) {
      client.on('error', (error: unknown) => this.noteConnectionError(error));
      client.on('node error', (error: unknown) =>
        this.noteConnectionError(error),
      );
      client.on('ready', () => {
        this.connectionError = undefined;
        this.everReady = true;
      });
    }
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
      {
        markDown: (started, error) => this.markDown(started, error),
        markUp: () => this.markUp(),
        channel: (refusal) => this.channelRefused(refusal),
      },
    );
    this.sessions = new RedisSessions(
      this.client,
      this.mirror,
      this.layout,
      this.timeoutMs,
      {
        write: (script, args) => this.write(script, args),
        named: (error) => this.named(error),
      },
    );
  }

  /**
   * Connects, subscribes and loads the mirror, each step within the
   * timeout. Resolves even when Redis does not answer: the store then
   * works as it does during an outage, and catches up once Redis is back.
   * Rejects (the app stops) when Redis's maxmemory-policy could evict the
   * revocations and cutoffs.
   */
  async start(): Promise<void> {
    await Promise.all([
      whenReady(this.client, this.timeoutMs),
      whenReady(this.subscriber, this.timeoutMs),
    ]).catch((error: unknown) => this.markDown(undefined, error));
    // The policy first: nothing is written to a Redis the app refuses.
    const policy = this.down
      ? undefined
      : await this.evictionPolicy().catch(() => undefined);
    const refusal = evictionRefusal(policy);
    if (refusal) {
      await this.close();
      throw new Error(refusal);
    }
    if (!this.down) await this.takeOverLegacyKeys();
    await this.sync.requestSync();
    // Marks a Redis that never held the app's keys (see CHECK) at once.
    if (!this.down) await this.tick();
    else {
      this.logger.warn(
        `Redis not reached at start (${describeTarget(this.options)}): guarded routes answer 503 STORE_UNAVAILABLE until it is`,
      );
    }
    this.timer = setInterval(
      () => void this.tick(),
      this.options.tickMs ?? 1000,
    );
    this.timer.unref();
  }

  /**
   * What an earlier release kept under its own keys, copied into today's
   * before the first load (see redis.legacy.ts). A failure is logged, not
   * fatal: the start goes on as for any Redis error.
   */
  private async takeOverLegacyKeys(): Promise<void> {
    const prefix = this.options.prefix ?? 'nca:';
    const old = legacyKeys(prefix);
    try {
      const copied = await takeOverLegacyKeys(
        this.client,
        prefix,
        this.layout,
        this.timeoutMs,
      );
      if (copied > 0) {
        this.logger.warn(
          `Took over ${copied} revocations and cutoffs an earlier release kept in ${old.revoked} and ${old.cutoffs}; once no instance of that release runs, restart one instance of this one (it takes over the last of them), then delete them (DEL ${old.revoked} ${old.cutoffs} ${old.cutoffs}:exp ${prefix}ver)`,
        );
      }
    } catch (error) {
      this.logger.warn(
        `Could not take over the keys of an earlier release (${old.revoked}, ${old.cutoffs}): ${describeRedisError(error).message}`,
      );
    }
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

  async revoke(
    keys: readonly string[],
    ttlMs: number,
    userKey?: string,
  ): Promise<void> {
    checkWindow(ttlMs, 'ttlMs');
    const stored = [...new Set(keys.map(storedKey))];
    if (stored.length === 0) return;
    const now = Date.now();
    const { revoked, version, channel, records } = this.layout;
    await this.write(REVOKE, [
      revoked,
      version,
      // No user: a hash that never exists (a stored key has no '-' alone).
      records(userKey === undefined ? '-' : storedKey(userKey)),
      now,
      now + ttlMs,
      channel,
      ...stored,
    ]);
    // Only once Redis has it: a refused logout ends nothing, anywhere.
    this.mirror.revoke(stored, now + ttlMs);
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
    exempt?: string,
  ): Promise<void> {
    checkSeconds(epochSeconds);
    checkWindow(ttlMs, 'ttlMs');
    const stored = storedKey(userKey);
    const spared = exempt === undefined ? undefined : storedKey(exempt);
    const now = Date.now();
    const { cutoffs, cutoffExpiries, version, channel, records } = this.layout;
    await this.write(SET_CUTOFF, [
      cutoffs,
      cutoffExpiries,
      version,
      records(stored),
      now,
      stored,
      spared ? 0 : epochSeconds,
      spared ? epochSeconds : '',
      spared ?? '',
      now + ttlMs,
      channel,
      epochSeconds * 1000 + 999,
    ]);
    this.mirror.setCutoff(
      stored,
      spared
        ? { all: 0, others: epochSeconds, exempt: spared }
        : { all: epochSeconds },
      now + ttlMs,
    );
  }

  async cutoffOf(
    userKey: string,
    sessionKeys: readonly string[] = [],
  ): Promise<number | undefined> {
    const cutoff = await this.mirror.cutoff(
      this.client,
      storedKey(userKey),
      this.timeoutMs,
    );
    return cutoffFor(cutoff, sessionKeys.map(storedKey));
  }

  async recordSession(
    userKey: string,
    entry: SessionEntry,
    limits: SessionLimits,
  ): Promise<void> {
    return this.sessions.record(userKey, entry, limits);
  }

  async sessionsOf(userKey: string): Promise<SessionRecord[]> {
    return this.sessions.list(userKey);
  }

  async endSession(
    userKey: string,
    id: string,
    ttlMs: number,
  ): Promise<boolean> {
    return this.sessions.end(userKey, id, ttlMs);
  }

  override sessionStateNow(session: StoredSession): SessionState | undefined {
    return this.mirror.stateNow(session.keys, session.userKey);
  }

  /**
   * What the app needs of Redis, checked (GET /health): it takes a write
   * and a message on the channel (a master, with memory, the user allowed
   * both: PROBE), this instance is subscribed to the channel, and the
   * maxmemory-policy cannot evict the revocations and cutoffs.
   */
  async health(): Promise<RedisHealth> {
    const started = Date.now();
    try {
      const { probe, channel } = this.layout;
      await this.call(PROBE, [probe, channel]);
      const refusal = evictionRefusal(await this.evictionPolicy());
      if (refusal) {
        throw new StoreUnavailableError('eviction-policy', refusal);
      }
      this.markUp(true);
    } catch (error) {
      this.markDown(started, error);
      const problem = this.named(error);
      return { up: false, reason: problem.reason, message: problem.message };
    }
    const channel = this.channelProblem;
    if (channel) {
      return { up: false, reason: channel.reason, message: channel.message };
    }
    return { up: true };
  }

  /** Whether Redis answers a PING within the timeout. */
  async ping(): Promise<boolean> {
    try {
      return (await within(this.client.ping(), this.timeoutMs)) === 'PONG';
    } catch {
      return false;
    }
  }

  /**
   * maxmemory_policy from INFO memory (CONFIG may be disabled, as on
   * ElastiCache): of every master of a cluster, the first that may evict.
   */
  private async evictionPolicy(): Promise<string | undefined> {
    const read = async (info: Promise<string>): Promise<string | undefined> =>
      /maxmemory_policy:(\S+)/.exec(await within(info, this.timeoutMs))?.[1];
    if (!('nodes' in this.client)) return read(this.client.info('memory'));
    const masters = (this.client as Cluster).nodes('master');
    const policies = await Promise.all(
      masters.map((node) => read(node.info('memory'))),
    );
    return policies.find((p) => evictionRefusal(p)) ?? policies[0];
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
      } catch (error) {
        this.markDown(started, error);
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
  ): Promise<unknown> {
    const started = Date.now();
    let answer: unknown;
    try {
      answer = await this.call(script, args);
    } catch (error) {
      this.markDown(started, error);
      throw this.named(error);
    }
    this.markUp(true);
    return answer;
  }

  /**
   * Once a second: is Redis back, has the mirror missed a version, and
   * does Redis still hold what the instances wrote (see CHECK)?
   */
  private async tick(): Promise<void> {
    if (this.closed || this.ticking) return;
    this.ticking = true;
    const started = Date.now();
    try {
      const { revoked, cutoffs, version } = this.layout;
      const answer = await this.call(CHECK, [
        revoked,
        cutoffs,
        version,
        this.layout.epoch,
        MARKER,
      ]);
      const [remote, marked, epoch] = answer as [number, number, string];
      // Redis answers reads; whether it takes writes again, only a write tells.
      if (this.refusesWrites()) {
        await this.call(PROBE, [this.layout.probe, this.layout.channel]);
      }
      this.markUp(true);
      // A slow mirror reload is retried next tick; Redis did just answer.
      // A refused write-back is named (READONLY, OOM, NOPERM).
      await this.sync
        .check(remote, marked === 1, epoch)
        .catch((error: unknown) => {
          if (describeRedisError(error).reason !== 'unreachable') {
            this.markDown(Date.now(), error);
          }
        });
    } catch (error) {
      this.markDown(started, error);
    } finally {
      this.ticking = false;
    }
  }

  /** The error, named: a connection refusal explains a failed command. */
  private named(error: unknown): StoreUnavailableError {
    const named = describeRedisError(error);
    return named.reason === 'unreachable' && this.connectionError
      ? this.connectionError
      : named;
  }

  private noteConnectionError(error: unknown): void {
    let named = describeRedisError(error);
    // A TLS server that refuses the handshake (no client certificate, or
    // one it does not trust) may just reset the connection.
    const reset = (error as { code?: unknown } | null)?.code === 'ECONNRESET';
    if (reset && !this.everReady && usesTls(this.options)) {
      named = new StoreUnavailableError(
        'tls',
        'The TLS connection to Redis failed (reset during the handshake): if Redis asks for a client certificate, set REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE to one its CA signed.',
      );
    }
    if (named.reason === 'unreachable') return;
    this.connectionError = named;
    this.markDown(undefined, named);
  }

  /** Down, unless Redis answered since the failed call began (old news). */
  private markDown(started = Date.now(), error?: unknown): void {
    if (this.closed || started < this.upAt) return;
    this.down = true;
    this.problem = this.named(error);
    this.report();
  }

  /** Whether the problem now is Redis refusing writes while it answers reads. */
  private refusesWrites(): boolean {
    return (
      this.down && WRITE_REFUSALS.has(this.problem?.reason ?? 'unreachable')
    );
  }

  /**
   * Up again, once Redis answered; a refusal of writes only ends with a
   * write taken (`wrote`), not with a read answered.
   */
  private markUp(wrote = false): void {
    if (!this.down) return;
    if (!wrote && this.refusesWrites()) return;
    this.down = false;
    this.problem = undefined;
    this.upAt = Date.now();
    this.report();
  }

  private channelRefused(refusal: unknown): void {
    this.channelProblem = refusal ? this.named(refusal) : undefined;
    this.report();
  }

  /** Logs the state once per change, with its cause and fix. */
  private report(): void {
    const problem = this.problem ?? this.channelProblem;
    const now = problem?.message;
    if (now === this.reported || this.closed) return;
    const before = this.reported;
    this.reported = now;
    if (problem) {
      const counting = this.down
        ? ' Rate limits count per instance until it is back.'
        : '';
      this.logger.warn(
        problem.reason === 'unreachable'
          ? 'Redis unreachable: rate limits count per instance until it is back'
          : `${problem.message}${counting}`,
      );
    } else if (before !== undefined) {
      this.logger.log('Redis reachable again: rate limits are shared again');
    }
  }
}
