import { Logger } from '@nestjs/common';
import { cutoffFor } from './cutoff.js';
import { MemoryCounters } from './memory-counters.js';
import { publicRecord, RecordTable } from './record-table.js';
import { SessionTable, type TableWrite } from './session-table.js';
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
} from './shared-store.js';
import { storedKey, type StoredSession } from './store-keys.js';

export interface MemoryStoreOptions {
  /** Bound on the counters (least recently used dropped past it). */
  counterBytes?: number;
  /** Bound on revocations and cutoffs (writes refused past it). */
  sessionBytes?: number;
  /** Bound on the session records (new ones refused past it). */
  recordBytes?: number;
}

export const DEFAULT_COUNTER_BYTES = 8 * 1024 * 1024;
export const DEFAULT_SESSION_BYTES = 8 * 1024 * 1024;
export const DEFAULT_RECORD_BYTES = 16 * 1024 * 1024;

/**
 * The store of a single instance (REDIS_URL unset): everything in this
 * process's memory, bounded in bytes. A full session table refuses the
 * write (StoreUnavailableError 'full', logged once until a write fits
 * again) rather than forget a live revocation.
 */
export class MemorySharedStore extends SharedStore {
  private readonly logger = new Logger('SharedStore');
  private readonly counters: MemoryCounters;
  private readonly sessions: SessionTable;
  private readonly records: RecordTable;
  private fullLogged = false;

  constructor(options: MemoryStoreOptions = {}) {
    super();
    this.counters = new MemoryCounters(
      options.counterBytes ?? DEFAULT_COUNTER_BYTES,
    );
    this.sessions = new SessionTable(
      options.sessionBytes ?? DEFAULT_SESSION_BYTES,
    );
    this.records = new RecordTable(options.recordBytes ?? DEFAULT_RECORD_BYTES);
  }

  /** Bytes the session records take, as counted against their bound. */
  get recordBytes(): number {
    return this.records.usedBytes;
  }

  /** Bytes the counters take, as counted against their bound. */
  get counterBytes(): number {
    return this.counters.usedBytes;
  }

  async hit(key: string, windowMs: number, amount = 1): Promise<CounterHit> {
    checkWindow(windowMs);
    checkAmount(amount);
    return this.counters.hit(storedKey(key), windowMs, amount);
  }

  async peek(key: string): Promise<CounterHit | undefined> {
    return this.counters.peek(storedKey(key));
  }

  async giveBack(key: string, amount = 1): Promise<void> {
    checkAmount(amount);
    this.counters.giveBack(storedKey(key), amount);
  }

  async revoke(
    keys: readonly string[],
    ttlMs: number,
    userKey?: string,
  ): Promise<void> {
    checkWindow(ttlMs, 'ttlMs');
    const stored = keys.map(storedKey);
    this.written(this.sessions.revoke(stored, Date.now() + ttlMs));
    if (userKey) this.records.remove(storedKey(userKey), stored);
  }

  async isRevoked(keys: readonly string[]): Promise<boolean> {
    return this.sessions.isRevoked(keys.map(storedKey));
  }

  async setCutoff(
    userKey: string,
    epochSeconds: number,
    ttlMs: number,
    exempt?: string,
  ): Promise<void> {
    checkSeconds(epochSeconds);
    checkWindow(ttlMs, 'ttlMs');
    const key = storedKey(userKey);
    const spared = exempt === undefined ? undefined : storedKey(exempt);
    const cutoff = spared
      ? { all: 0, others: epochSeconds, exempt: spared }
      : { all: epochSeconds };
    this.written(this.sessions.setCutoff(key, cutoff, Date.now() + ttlMs));
    this.records.removeUpTo(key, epochSeconds * 1000 + 999, spared);
  }

  async cutoffOf(
    userKey: string,
    sessionKeys: readonly string[] = [],
  ): Promise<number | undefined> {
    return cutoffFor(
      this.sessions.cutoffOf(storedKey(userKey)),
      sessionKeys.map(storedKey),
    );
  }

  override sessionStateNow(session: StoredSession): SessionState | undefined {
    return {
      revoked: this.sessions.isRevoked(session.keys),
      cutoff: cutoffFor(this.sessions.cutoffOf(session.userKey), session.keys),
    };
  }

  async recordSession(
    userKey: string,
    entry: SessionEntry,
    limits: SessionLimits,
  ): Promise<void> {
    checkWindow(limits.ttlMs, 'ttlMs');
    checkWindow(limits.maxPerUser, 'maxPerUser');
    const { key, ...details } = entry;
    const evicted = this.records.put(
      storedKey(userKey),
      {
        id: storedKey(key),
        ...details,
        expiresAt: details.createdAt + limits.ttlMs,
      },
      limits.maxPerUser,
    );
    if (evicted === 'full') throw new StoreUnavailableError('full');
    if (evicted.length > 0) {
      this.written(this.sessions.revoke(evicted, Date.now() + limits.ttlMs));
    }
  }

  async sessionsOf(userKey: string): Promise<SessionRecord[]> {
    return this.records.list(storedKey(userKey)).map(publicRecord);
  }

  async endSession(
    userKey: string,
    id: string,
    ttlMs: number,
  ): Promise<boolean> {
    checkWindow(ttlMs, 'ttlMs');
    const user = storedKey(userKey);
    if (!this.records.list(user).some((record) => record.id === id)) {
      return false;
    }
    this.written(this.sessions.revoke([id], Date.now() + ttlMs));
    this.records.remove(user, [id]);
    return true;
  }

  async close(): Promise<void> {
    // Nothing to release: no timer, no connection.
  }

  /** Throws StoreUnavailableError('full') for a refused write, logged once until one fits. */
  private written(result: TableWrite): void {
    if (result === 'ok') {
      this.fullLogged = false;
      return;
    }
    if (!this.fullLogged) {
      this.fullLogged = true;
      this.logger.error(
        `The session store is full (${this.sessions.maxBytes} bytes): logouts and sign-outs answer 503 until entries expire`,
      );
    }
    throw new StoreUnavailableError('full');
  }
}
