import { Logger } from '@nestjs/common';
import { type RedisClient, scanPairs, within } from './redis.connection.js';
import { SessionTable, type TableWrite } from './session-table.js';
import { cutoffFor, mergeCutoffs, parseCutoff, type Cutoff } from './cutoff.js';
import type { SessionState } from './shared-store.js';

/** The Redis keys and channel of one store (every instance uses the same). */
export interface RedisLayout {
  counter: (key: string) => string;
  revoked: string;
  cutoffs: string;
  cutoffExpiries: string;
  /** A user's session records: one hash (field: id), in the same slot. */
  records: (userKey: string) => string;
  version: string;
  /**
   * A random mark of the data's lifetime, set by the first write-back to a
   * Redis without one: Redis that lost everything (restarted empty) has a
   * new one once any instance marks it again, which the others notice.
   */
  epoch: string;
  /** Written by the health check (PROBE). */
  probe: string;
  channel: string;
}

/**
 * The member of the revocations and the field of the cutoffs that marks
 * them as written by the app: when it is gone, so is what they held (see
 * CHECK). Not a stored key (those are 43 characters of base64url).
 */
export const MARKER = '~';

/**
 * The keys of the revocations, cutoffs and version share the hash tag
 * `{s}`: one script touches several of them, and a Redis Cluster runs a
 * script only on keys of one hash slot. Counters have one key each.
 */
export function redisLayout(prefix: string): RedisLayout {
  const shared = `${prefix}{s}`;
  return {
    counter: (key) => `${prefix}c:${key}`,
    revoked: `${shared}rev`,
    cutoffs: `${shared}cut`,
    cutoffExpiries: `${shared}cut:exp`,
    records: (userKey) => `${shared}ses:${userKey}`,
    version: `${shared}ver`,
    epoch: `${shared}epoch`,
    probe: `${shared}probe`,
    channel: `${prefix}events`,
  };
}

const PAGE = 1000;

/**
 * This instance's copy of the revocations and cutoffs held in Redis, so
 * that the guard never waits on Redis. Fed by the messages every write
 * publishes, and loaded whole at start, after a reconnect, and when a
 * version is seen missing. Writes are merged: an entry leaves only when it
 * expires (a revocation is never taken back, a cutoff only grows).
 *
 * Every write bumps a version in Redis and its message carries it:
 * `applied` is the version up to which no message was missed.
 */
export class RedisMirror {
  private readonly logger = new Logger('SharedStore');
  private readonly table: SessionTable;
  /** Loaded at least once, and nothing was dropped for want of room since. */
  private loadedOnce = false;
  private overflowed = false;
  /** Whether the load under way had to drop something (see load). */
  private overflowedThisLoad = false;
  private overflowLogged = false;
  applied = 0;

  constructor(
    private readonly layout: RedisLayout,
    maxBytes: number,
  ) {
    this.table = new SessionTable(maxBytes);
  }

  /** Whether a miss in the mirror means "not in Redis either" (as of its last message). */
  get complete(): boolean {
    return this.loadedOnce && !this.overflowed;
  }

  isRevoked(keys: readonly string[]): boolean {
    return this.table.isRevoked(keys);
  }

  cutoffOf(key: string): Cutoff | undefined {
    return this.table.cutoffOf(key);
  }

  revoke(keys: readonly string[], expiresAtMs: number): void {
    this.noteWrite(this.table.revoke(keys, expiresAtMs));
  }

  setCutoff(key: string, cutoff: Cutoff, expiresAtMs: number): void {
    this.noteWrite(this.table.setCutoff(key, cutoff, expiresAtMs));
  }

  /** Revoked: by the mirror, or, while it is not complete, by Redis. */
  async revoked(
    client: RedisClient,
    keys: string[],
    timeoutMs: number,
  ): Promise<boolean> {
    if (this.isRevoked(keys)) return true;
    if (this.complete || keys.length === 0) return false;
    return this.revokedInRedis(client, keys, timeoutMs);
  }

  /**
   * The cutoff: the mirror's, or, while it is not complete, the later of
   * the mirror's and Redis's (the mirror's alone when Redis cannot answer).
   */
  async cutoff(
    client: RedisClient,
    key: string,
    timeoutMs: number,
  ): Promise<Cutoff | undefined> {
    const known = this.cutoffOf(key);
    if (this.complete) return known;
    try {
      const held = await this.cutoffInRedis(client, key, timeoutMs);
      if (held === undefined) return known;
      return known ? mergeCutoffs(known, held) : held;
    } catch (error) {
      if (known !== undefined) return known;
      throw error;
    }
  }

  /** Both at once from memory, once complete (then `revoked` and `cutoff` answer from it too). */
  stateNow(keys: readonly string[], userKey: string): SessionState | undefined {
    if (!this.complete) return undefined;
    return {
      revoked: this.isRevoked(keys),
      cutoff: cutoffFor(this.cutoffOf(userKey), keys),
    };
  }

  private async revokedInRedis(
    client: RedisClient,
    keys: string[],
    timeoutMs: number,
  ): Promise<boolean> {
    const scores = await within(
      client.zmscore(this.layout.revoked, ...keys),
      timeoutMs,
    );
    const now = Date.now();
    return scores.some((score) => score !== null && Number(score) > now);
  }

  private async cutoffInRedis(
    client: RedisClient,
    key: string,
    timeoutMs: number,
  ): Promise<Cutoff | undefined> {
    const value = await within(
      client.hget(this.layout.cutoffs, key),
      timeoutMs,
    );
    const held = value === null ? undefined : parseCutoff(value);
    return held && held.expiresAtMs > Date.now() ? held.cutoff : undefined;
  }

  /**
   * Applies one published message. Returns false when a version before it
   * was never seen (the caller reloads).
   */
  apply(message: string): boolean {
    const [version, kind, ...rest] = message.split(' ');
    const v = Number(version);
    if (kind === 'r' && rest.length >= 2) {
      this.revoke(rest.slice(1), Number(rest[0]));
    } else if (kind === 'c' && rest.length === 2) {
      const held = parseCutoff(rest[1]);
      if (held) this.setCutoff(rest[0], held.cutoff, held.expiresAtMs);
    }
    if (!Number.isSafeInteger(v)) return true;
    if (v === this.applied + 1) this.applied = v;
    return v <= this.applied;
  }

  /**
   * Loads every live revocation and cutoff from Redis into the mirror
   * (merged), each page within the timeout; `applied` becomes the version
   * read before the load, since every write up to it is now in.
   */
  async load(client: RedisClient, timeoutMs: number): Promise<void> {
    const version = Number(
      (await within(client.get(this.layout.version), timeoutMs)) ?? 0,
    );
    // An overflowed mirror stays incomplete until the load has ended whole:
    // during it, a miss must still be asked of Redis.
    this.overflowedThisLoad = false;
    await this.loadRevocations(client, timeoutMs);
    await this.loadCutoffs(client, timeoutMs);
    this.overflowed = this.overflowedThisLoad;
    this.applied = version;
    this.loadedOnce = true;
    if (!this.overflowed) this.overflowLogged = false;
  }

  private async loadRevocations(
    client: RedisClient,
    timeoutMs: number,
  ): Promise<void> {
    const { revoked } = this.layout;
    for await (const page of scanPairs(
      client,
      'zscan',
      revoked,
      timeoutMs,
      PAGE,
    )) {
      const now = Date.now();
      for (const [member, score] of page) {
        const expiresAt = Number(score);
        if (member !== MARKER && expiresAt > now) {
          this.revoke([member], expiresAt);
        }
      }
    }
  }

  private async loadCutoffs(
    client: RedisClient,
    timeoutMs: number,
  ): Promise<void> {
    const { cutoffs } = this.layout;
    for await (const page of scanPairs(
      client,
      'hscan',
      cutoffs,
      timeoutMs,
      PAGE,
    )) {
      for (const [member, value] of page) {
        if (member === MARKER) continue;
        const held = parseCutoff(value);
        if (held) this.setCutoff(member, held.cutoff, held.expiresAtMs);
      }
    }
  }

  /** Every live entry, to write back to a Redis that lost them. */
  live(): ReturnType<SessionTable['live']> {
    return this.table.live();
  }

  private noteWrite(result: TableWrite): void {
    if (result === 'ok') return;
    this.overflowed = true;
    this.overflowedThisLoad = true;
    if (this.overflowLogged) return;
    this.overflowLogged = true;
    this.logger.error(
      `The local mirror of revocations is full (${this.table.maxBytes} bytes): what it lacks is asked of Redis`,
    );
  }
}
