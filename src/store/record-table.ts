import type { SessionRecord } from './shared-store.js';
import { STORED_KEY_LENGTH } from './store-keys.js';

/** Longest user agent kept (characters). */
export const USER_AGENT_MAX = 256;
/** Longest address kept (an IPv6 address with a zone fits). */
export const ADDRESS_MAX = 64;

/**
 * Heap taken by one session record, counted at its largest: the id, a user
 * agent and an address of their longest (two bytes a character), three
 * times, and the object and Map slot around them.
 */
export const RECORD_ENTRY_BYTES =
  STORED_KEY_LENGTH + 2 * (USER_AGENT_MAX + ADDRESS_MAX) + 200;
/** A user's Map of records and its slot. */
const USER_BYTES = STORED_KEY_LENGTH + 200;

/** How often a full table may look for expired records to make room. */
const PURGE_INTERVAL_MS = 1000;

export interface StoredRecord extends SessionRecord {
  expiresAt: number;
}

/** The record as SharedStore.sessionsOf answers it. */
export function publicRecord(record: StoredRecord): SessionRecord {
  const { id, createdAt, lastActiveAt, userAgent, ipAddress } = record;
  return { id, createdAt, lastActiveAt, userAgent, ipAddress };
}

/**
 * The session records of the in-memory store, per user (stored keys),
 * bounded in bytes: a record that does not fit is refused, never made room
 * for by dropping a live one (a session must not run unlisted).
 */
export class RecordTable {
  private readonly users = new Map<string, Map<string, StoredRecord>>();
  private bytes = 0;
  private lastPurgeAt = 0;

  constructor(readonly maxBytes: number) {}

  get usedBytes(): number {
    return this.bytes;
  }

  /** The user's live records, in no order. */
  list(user: string): StoredRecord[] {
    this.dropExpired(user, Date.now());
    return [...(this.users.get(user)?.values() ?? [])];
  }

  /**
   * Writes the record (a known id keeps its createdAt). A new one past
   * `max` removes the oldest others and answers their ids; 'full' when it
   * does not fit.
   */
  put(user: string, record: StoredRecord, max: number): string[] | 'full' {
    const now = Date.now();
    this.dropExpired(user, now);
    const records = this.users.get(user);
    const old = records?.get(record.id);
    if (old) {
      old.lastActiveAt = record.lastActiveAt;
      old.userAgent = record.userAgent;
      old.ipAddress = record.ipAddress;
      return [];
    }
    const extra = RECORD_ENTRY_BYTES + (records ? 0 : USER_BYTES);
    if (this.bytes + extra > this.maxBytes) {
      if (now - this.lastPurgeAt < PURGE_INTERVAL_MS) return 'full';
      this.lastPurgeAt = now;
      for (const name of this.users.keys()) this.dropExpired(name, now);
      const left = RECORD_ENTRY_BYTES + (this.users.has(user) ? 0 : USER_BYTES);
      if (this.bytes + left > this.maxBytes) return 'full';
    }
    let mine = this.users.get(user);
    if (!mine) {
      mine = new Map();
      this.users.set(user, mine);
      this.bytes += USER_BYTES;
    }
    mine.set(record.id, { ...record });
    this.bytes += RECORD_ENTRY_BYTES;
    const evicted: string[] = [];
    while (mine.size > max) {
      let oldest: StoredRecord | undefined;
      for (const each of mine.values()) {
        if (each.id === record.id) continue;
        if (!oldest || each.createdAt < oldest.createdAt) oldest = each;
      }
      if (!oldest) break;
      this.remove(user, [oldest.id]);
      evicted.push(oldest.id);
    }
    return evicted;
  }

  /** Removes these records of the user; answers the ids that were there. */
  remove(user: string, ids: readonly string[]): string[] {
    const records = this.users.get(user);
    if (!records) return [];
    const removed = ids.filter((id) => records.delete(id));
    this.bytes -= removed.length * RECORD_ENTRY_BYTES;
    this.dropIfEmpty(user, records);
    return removed;
  }

  /** Removes every record of the user created up to `upToMs`, but `except`. */
  removeUpTo(user: string, upToMs: number, except?: string): void {
    const records = this.users.get(user);
    if (!records) return;
    const ids = [...records.values()]
      .filter((r) => r.createdAt <= upToMs && r.id !== except)
      .map((r) => r.id);
    this.remove(user, ids);
  }

  private dropExpired(user: string, now: number): void {
    const records = this.users.get(user);
    if (!records) return;
    const ids = [...records.values()]
      .filter((r) => r.expiresAt <= now)
      .map((r) => r.id);
    if (ids.length > 0) this.remove(user, ids);
  }

  private dropIfEmpty(user: string, records: Map<string, StoredRecord>): void {
    if (records.size > 0) return;
    this.users.delete(user);
    this.bytes -= USER_BYTES;
  }
}
