import type { StoredSession } from './store-keys.js';

/** One count of a fixed-window counter, as it stands after a hit. */
export interface CounterHit {
  /** Hits in the current window, this one included. */
  count: number;
  /** When the window ends and the count starts again from zero (epoch ms). */
  resetAtMs: number;
}

/**
 * A session begun through the API, as the store keeps it per user. `id` is
 * the stored form of the session's key (see sessionIdOf): opaque, never
 * the key itself. Times are epoch milliseconds.
 */
export interface SessionRecord {
  id: string;
  createdAt: number;
  lastActiveAt: number;
  userAgent: string;
  ipAddress: string;
}

/** What recordSession writes: the session's key, when it began, and where it was last seen. */
export interface SessionEntry {
  key: string;
  createdAt: number;
  lastActiveAt: number;
  userAgent: string;
  ipAddress: string;
}

/** How many sessions a user may have, and how long one lives (its refresh token's validity). */
export interface SessionLimits {
  maxPerUser: number;
  ttlMs: number;
}

/** What the store knows of a session: see SharedStore.sessionStateNow. */
export interface SessionState {
  revoked: boolean;
  cutoff: number | undefined;
}

/**
 * Why the store could not answer: Redis did not answer in time, the memory
 * table is full, or Redis refused (see redis.errors.ts), or its
 * maxmemory-policy could evict what must not be evicted.
 */
export type StoreUnavailableReason =
  | 'unreachable'
  | 'full'
  | 'read-only'
  | 'no-permission'
  | 'wrong-credentials'
  | 'cluster-redirection'
  | 'out-of-memory'
  | 'tls'
  | 'eviction-policy';

/**
 * The store cannot take the write (or answer the read) safely: Redis did not
 * answer within REDIS_TIMEOUT_MS or refused (the message names the cause and
 * its fix), or the in-memory table of revocations and cutoffs is full and
 * will not evict a live entry. A feature answers 503 STORE_UNAVAILABLE with
 * the message: the client retries later. The message names no key.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';

  constructor(
    readonly reason: StoreUnavailableReason,
    message = reason === 'full'
      ? 'The session store is full.'
      : 'The shared store did not answer in time.',
  ) {
    super(message);
  }
}

/**
 * The state the instances share: fixed-window counters (rate limits), the
 * denylist of logged-out sessions, and per-user sign-out cutoffs. Injected
 * by this class (the DI token); StoreModule provides the in-memory store
 * when no Redis is configured and the Redis one when REDIS_URL,
 * REDIS_CLUSTER_NODES or REDIS_SENTINELS is set. Both pass the same specs
 * (test/store/shared-store.e2e-spec.ts).
 *
 * Keys are the caller's, preferably already hashes (e.g. SHA-256 of the
 * normalised email); the store hashes them again, so every stored key has
 * the same size whatever it is given. Every entry expires with the window
 * or the token it describes.
 */
export abstract class SharedStore {
  /**
   * Adds `amount` (a whole number, default 1) to the counter `key` and
   * answers the count after it. The window starts with the first hit and
   * lasts `windowMs`; a hit after it starts a new window. Atomic across
   * instances: 200 concurrent hits give the counts 1 to 200 once each.
   * With Redis down, counts per instance (never throws for that).
   */
  abstract hit(
    key: string,
    windowMs: number,
    amount?: number,
  ): Promise<CounterHit>;

  /** The counter as it stands, without counting; undefined when no window is open. */
  abstract peek(key: string): Promise<CounterHit | undefined>;

  /**
   * Takes `amount` (default 1) back from the counter in its current window
   * (e.g. an attempt that turned out not to count), never below zero;
   * nothing when the window is over.
   */
  abstract giveBack(key: string, amount?: number): Promise<void>;

  /**
   * Adds the keys (e.g. a session's jti, origin_jti, event id) to the
   * denylist for `ttlMs` (an entry already there keeps the later expiry),
   * and with `userKey` removes that user's session records of those keys.
   * Resolves once every instance can learn it (Redis has it); rejects with
   * StoreUnavailableError otherwise, and the caller answers 503.
   */
  abstract revoke(
    keys: readonly string[],
    ttlMs: number,
    userKey?: string,
  ): Promise<void>;

  /**
   * Whether any of the keys is on the denylist. Answered from memory (with
   * Redis: the local mirror, which learns of another instance's revocation
   * within a second, and keeps answering while Redis is down). Rejects with
   * StoreUnavailableError only when the mirror cannot know (before its
   * first load, or after it overflowed) and Redis does not answer.
   */
  abstract isRevoked(keys: readonly string[]): Promise<boolean>;

  /**
   * Sets the sign-out cutoff of a user (epoch seconds: tokens whose
   * `auth_time` is before it are refused, as the feature decides), for
   * `ttlMs`, and removes the user's session records begun up to the end
   * of that second. With `exempt` (a session's key), that session passes
   * this cutoff and keeps its record (the others end: see Cutoff). Merged
   * with the cutoff already there so that whatever either ended stays
   * ended, with the later expiry. Rejects like `revoke`.
   */
  abstract setCutoff(
    userKey: string,
    epochSeconds: number,
    ttlMs: number,
    exempt?: string,
  ): Promise<void>;

  /**
   * The user's cutoff in epoch seconds as it applies to a session with
   * these keys (the exempt one passes its exemption), undefined if none.
   * Answered like `isRevoked`.
   */
  abstract cutoffOf(
    userKey: string,
    sessionKeys?: readonly string[],
  ): Promise<number | undefined>;

  /**
   * Writes the record of a session (`entry.key`) of a user: a new one, or
   * the last activity of a known one (which keeps its createdAt). A new
   * record past `limits.maxPerUser` ends the user's oldest other sessions:
   * their records go and their ids join the denylist for `limits.ttlMs`,
   * in the same atomic step. A record lives `ttlMs` from its createdAt.
   * Rejects like `revoke` (and with 'full' when the memory store's records
   * are at their byte bound).
   */
  abstract recordSession(
    userKey: string,
    entry: SessionEntry,
    limits: SessionLimits,
  ): Promise<void>;

  /** The user's live session records, in no order (one read). Rejects when the store cannot answer. */
  abstract sessionsOf(userKey: string): Promise<SessionRecord[]>;

  /**
   * Ends the user's session of this id (a SessionRecord's): removes its
   * record and adds the id to the denylist for `ttlMs`, at once. False,
   * and nothing changed, when the user has no live record of that id.
   */
  abstract endSession(
    userKey: string,
    id: string,
    ttlMs: number,
  ): Promise<boolean>;

  /**
   * `isRevoked(keys)` and `cutoffOf(userKey)` together, for the keys of a
   * `storedSession(keys, userKey)`, answered at once from this instance's
   * memory, for the guard's every request; undefined when memory alone
   * cannot answer as those would (with Redis: the mirror is not loaded
   * yet, or overflowed), and the caller asks them. A store with nothing in
   * memory (the default) always answers undefined.
   */
  sessionStateNow(_session: StoredSession): SessionState | undefined {
    return undefined;
  }

  /** Stops timers and closes connections (StoreModule calls it at shutdown). */
  abstract close(): Promise<void>;
}

/** Programming errors in the arguments: thrown at once, whatever the store. */
export function checkWindow(windowMs: number, name = 'windowMs'): void {
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) {
    throw new RangeError(`${name} must be a whole number of milliseconds >= 1`);
  }
}

export function checkAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount < 1) {
    throw new RangeError('amount must be a whole number >= 1');
  }
}

export function checkSeconds(epochSeconds: number): void {
  if (!Number.isSafeInteger(epochSeconds) || epochSeconds < 0) {
    throw new RangeError('epochSeconds must be a whole number >= 0');
  }
}
