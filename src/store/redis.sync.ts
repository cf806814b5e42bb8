import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type RedisClient, within } from './redis.connection.js';
import { describeRedisError } from './redis.errors.js';
import { formatCutoff } from './cutoff.js';
import { MARKER, type RedisLayout, type RedisMirror } from './redis.mirror.js';
import { WRITE_BACK } from './redis.scripts.js';

/** An overflowed mirror tries a whole load again at most this often. */
const RELOAD_FULL_MIRROR_MS = 60_000;

/** A refused subscription is tried again at most this often. */
const RETRY_REFUSED_CHANNEL_MS = 5000;

/** Entries per WRITE_BACK call (each a few dozen bytes of arguments). */
const WRITE_BACK_BATCH = 500;

/** How the sync tells the store whether Redis answered. */
export interface Reachability {
  markDown(started?: number, error?: unknown): void;
  markUp(): void;
  /** The subscription to the channel was refused (the error), or taken (undefined). */
  channel(refusal: unknown): void;
}

/**
 * Keeps the mirror in step with Redis: subscribes to the channel the writes
 * publish on, and loads the mirror whole at start, after the subscriber
 * reconnects, when a message arrives past a missing version, and when the
 * version in Redis is ahead of the mirror for longer than one check (a
 * message lost) or behind it (Redis restarted empty).
 */
export class MirrorSync {
  private readonly logger = new Logger('SharedStore');
  /** Whether the channel is subscribed (the health check asks). */
  subscribed = false;
  private stopped = false;
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private lastLoadAt = 0;
  /** When the channel was last refused (tried again after a while). */
  private refusedAt = 0;
  /**
   * The epoch of the data this instance last loaded or wrote back (see
   * CHECK); undefined before Redis was first marked.
   */
  private epoch: string | undefined;
  /** A version Redis had at the last check that no message had brought yet. */
  private awaited: number | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly mirror: RedisMirror,
    private readonly layout: RedisLayout,
    private readonly timeoutMs: number,
    private readonly reachability: Reachability,
  ) {
    subscriber.on('message', (_channel: string, message: string) => {
      if (!this.mirror.apply(message)) void this.requestSync();
    });
    // After a reconnect, messages may have been missed: load again (a
    // cluster client resubscribes by itself on the node it moves to).
    subscriber.on('ready', () => {
      if (this.client.status === 'ready') void this.requestSync();
    });
    subscriber.on('end', () => {
      this.subscribed = false;
    });
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Called after each check with the version Redis holds now and whether
   * its revocations and cutoffs still carry the marker (see CHECK). Redis
   * without the marker, or behind the mirror, lost entries: this instance
   * writes back every live one it holds, then loads.
   */
  async check(remote: number, marked = true, epoch = ''): Promise<void> {
    const applied = this.mirror.applied;
    const otherEpoch =
      epoch !== '' && this.epoch !== undefined && epoch !== this.epoch;
    if (this.lastLoadAt !== 0 && (!marked || remote < applied || otherEpoch)) {
      await this.writeBack(marked && !otherEpoch);
      await this.requestSync();
      return;
    }
    if (epoch !== '') this.epoch = epoch;
    const stillMissing = this.awaited !== undefined && applied < this.awaited;
    this.awaited = remote > applied ? remote : undefined;
    const reloadIncomplete =
      !this.mirror.complete &&
      Date.now() - this.lastLoadAt >= RELOAD_FULL_MIRROR_MS;
    const neverLoaded = this.lastLoadAt === 0;
    const canSubscribe =
      !this.subscribed &&
      this.subscriber.status === 'ready' &&
      Date.now() - this.refusedAt >= RETRY_REFUSED_CHANNEL_MS;
    if (
      neverLoaded ||
      canSubscribe ||
      reloadIncomplete ||
      stillMissing ||
      remote < applied
    ) {
      await this.requestSync();
    }
  }

  /** One load at a time; a request during one runs another after it. Never rejects. */
  requestSync(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        await this.syncOnce();
      } while (this.syncAgain && !this.stopped);
    })().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  /** Writes back every live entry of the mirror, in batches, and marks Redis. */
  private async writeBack(marked: boolean): Promise<void> {
    const { revoked, cutoffs } = this.mirror.live();
    const { layout } = this;
    const keys = [
      layout.revoked,
      layout.cutoffs,
      layout.cutoffExpiries,
      layout.version,
      layout.epoch,
    ];
    const candidate = randomUUID();
    let r = 0;
    let c = 0;
    do {
      const revs = revoked.slice(r, r + WRITE_BACK_BATCH);
      const cuts = cutoffs.slice(c, c + WRITE_BACK_BATCH - revs.length);
      r += revs.length;
      c += cuts.length;
      const args: (string | number)[] = [
        ...keys,
        Date.now(),
        MARKER,
        revs.length,
        candidate,
        ...revs.flatMap((e) => [e.key, e.expiresAtMs]),
        ...cuts.flatMap((e) => [e.key, formatCutoff(e.cutoff, e.expiresAtMs)]),
      ];
      const [, epoch] = (await within(
        WRITE_BACK.run(this.client, args),
        this.timeoutMs,
      )) as [number, string];
      this.epoch = epoch;
    } while (r < revoked.length || c < cutoffs.length);
    const count = revoked.length + cutoffs.length;
    if (count > 0) {
      this.logger.warn(
        `Redis had lost revocations or cutoffs (${marked ? 'its version went back' : 'their keys were gone'}: a restart without persistence, a failover to a replica that lagged, or an eviction); wrote back the ${count} this instance holds`,
      );
    }
  }

  private async syncOnce(): Promise<void> {
    try {
      // Subscribe first: a write made during the load then arrives as a
      // message. A refused channel (ACL) does not stop the load: the
      // version checks still catch up, and the refusal is reported.
      let refused: unknown;
      if (!this.subscribed && this.subscriber.status === 'ready') {
        try {
          await within(
            this.subscriber.subscribe(this.layout.channel),
            this.timeoutMs,
          );
          this.subscribed = true;
        } catch (error) {
          // Only a refusal: a timeout means Redis is not answering at all.
          if (describeRedisError(error).reason === 'unreachable') throw error;
          refused = error;
          this.refusedAt = Date.now();
        }
      }
      await this.mirror.load(this.client, this.timeoutMs);
      this.lastLoadAt = Date.now();
      this.awaited = undefined;
      this.reachability.markUp();
      if (refused || this.subscribed) this.reachability.channel(refused);
    } catch (error) {
      this.reachability.markDown(undefined, error);
    }
  }
}
