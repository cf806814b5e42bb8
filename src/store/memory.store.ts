import { Logger } from '@nestjs/common';
import { MemoryCounters } from './memory-counters.js';
import { SessionTable, type TableWrite } from './session-table.js';
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

export interface MemoryStoreOptions {
  /** Bound on the counters (least recently used dropped past it). */
  counterBytes?: number;
  /** Bound on revocations and cutoffs (writes refused past it). */
  sessionBytes?: number;
}

export const DEFAULT_COUNTER_BYTES = 8 * 1024 * 1024;
export const DEFAULT_SESSION_BYTES = 8 * 1024 * 1024;

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
  private fullLogged = false;

  constructor(options: MemoryStoreOptions = {}) {
    super();
    this.counters = new MemoryCounters(
      options.counterBytes ?? DEFAULT_COUNTER_BYTES,
    );
    this.sessions = new SessionTable(
      options.sessionBytes ?? DEFAULT_SESSION_BYTES,
    );
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

  async revoke(keys: readonly string[], ttlMs: number): Promise<void> {
    checkWindow(ttlMs, 'ttlMs');
    const stored = keys.map(storedKey);
    this.written(this.sessions.revoke(stored, Date.now() + ttlMs));
  }

  async isRevoked(keys: readonly string[]): Promise<boolean> {
    return this.sessions.isRevoked(keys.map(storedKey));
  }

  async setCutoff(
    userKey: string,
    epochSeconds: number,
    ttlMs: number,
  ): Promise<void> {
    checkSeconds(epochSeconds);
    checkWindow(ttlMs, 'ttlMs');
    const key = storedKey(userKey);
    this.written(
      this.sessions.setCutoff(key, epochSeconds, Date.now() + ttlMs),
    );
  }

  async cutoffOf(userKey: string): Promise<number | undefined> {
    return this.sessions.cutoffOf(storedKey(userKey));
  }

  override sessionStateNow(session: StoredSession): SessionState | undefined {
    return {
      revoked: this.sessions.isRevoked(session.keys),
      cutoff: this.sessions.cutoffOf(session.userKey),
    };
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
