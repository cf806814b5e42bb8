import type { Redis } from 'ioredis';
import { within } from './redis.connection.js';
import type { RedisLayout, RedisMirror } from './redis.mirror.js';

/** An overflowed mirror tries a whole load again at most this often. */
const RELOAD_FULL_MIRROR_MS = 60_000;

/** How the sync tells the store whether Redis answered. */
export interface Reachability {
  markDown(): void;
  markUp(): void;
}

/**
 * Keeps the mirror in step with Redis: subscribes to the channel the writes
 * publish on, and loads the mirror whole at start, after the subscriber
 * reconnects, when a message arrives past a missing version, and when the
 * version in Redis is ahead of the mirror for longer than one check (a
 * message lost) or behind it (Redis restarted empty).
 */
export class MirrorSync {
  private subscribed = false;
  private stopped = false;
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private lastLoadAt = 0;
  /** A version Redis had at the last check that no message had brought yet. */
  private awaited: number | undefined;

  constructor(
    private readonly client: Redis,
    private readonly subscriber: Redis,
    private readonly mirror: RedisMirror,
    private readonly layout: RedisLayout,
    private readonly timeoutMs: number,
    private readonly reachability: Reachability,
  ) {
    subscriber.on('message', (_channel: string, message: string) => {
      if (!this.mirror.apply(message)) void this.requestSync();
    });
    // After a reconnect, messages may have been missed: load again.
    subscriber.on('ready', () => void this.requestSync());
  }

  stop(): void {
    this.stopped = true;
  }

  /** Called after each check with the version Redis holds now. */
  async check(remote: number): Promise<void> {
    const applied = this.mirror.applied;
    const stillMissing = this.awaited !== undefined && applied < this.awaited;
    this.awaited = remote > applied ? remote : undefined;
    const reloadIncomplete =
      !this.mirror.complete &&
      Date.now() - this.lastLoadAt >= RELOAD_FULL_MIRROR_MS;
    const neverLoaded = this.lastLoadAt === 0;
    const canSubscribe = !this.subscribed && this.subscriber.status === 'ready';
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

  private async syncOnce(): Promise<void> {
    try {
      // Subscribe first: a write made during the load then arrives as a message.
      if (!this.subscribed && this.subscriber.status === 'ready') {
        await within(
          this.subscriber.subscribe(this.layout.channel),
          this.timeoutMs,
        );
        this.subscribed = true;
      }
      await this.mirror.load(this.client, this.timeoutMs);
      this.lastLoadAt = Date.now();
      this.awaited = undefined;
      this.reachability.markUp();
    } catch {
      this.reachability.markDown();
    }
  }
}
