import { LRUCache } from 'lru-cache';
import { mergeCutoffs, type Cutoff } from './cutoff.js';
import { STORED_KEY_LENGTH } from './store-keys.js';

/**
 * Heap taken by one entry, as counted against the byte bound: the stored
 * key (43 characters plus a kind prefix) and lru-cache's bookkeeping for it
 * (a Map slot and one slot in each of its per-entry arrays), rounded up.
 */
export const SESSION_ENTRY_BYTES = STORED_KEY_LENGTH + 160;

/** A cutoff with an exempt session also holds that session's stored key. */
const EXEMPTION_BYTES = STORED_KEY_LENGTH + 64;

/** How often a full table may look for expired entries to make room. */
const PURGE_INTERVAL_MS = 1000;

export type TableWrite = 'ok' | 'full';

/**
 * Revocations and sign-out cutoffs in this process's memory, bounded in
 * bytes, each entry expiring with the token it describes. It never evicts
 * a live entry to make room: a write that does not fit is refused ('full'),
 * and the caller fails closed. Keys are stored keys (storedKey).
 */
export class SessionTable {
  private readonly entries: LRUCache<string, number | Cutoff>;
  private lastPurgeAt = 0;

  constructor(readonly maxBytes: number) {
    this.entries = new LRUCache<string, number | Cutoff>({
      maxSize: maxBytes,
      sizeCalculation: (value) =>
        typeof value === 'object' && value.exempt
          ? SESSION_ENTRY_BYTES + EXEMPTION_BYTES
          : SESSION_ENTRY_BYTES,
      // Never relied on to evict: writes check for room first.
      ttlAutopurge: false,
    });
  }

  /** Bytes counted against the bound. */
  get usedBytes(): number {
    return this.entries.calculatedSize;
  }

  revoke(keys: readonly string[], expiresAtMs: number): TableWrite {
    const ttl = expiresAtMs - Date.now();
    if (ttl <= 0) return 'ok';
    const names = [...new Set(keys.map((key) => `r:${key}`))];
    if (!this.hasRoomFor(names)) return 'full';
    for (const name of names) {
      const left = this.remaining(name);
      if (left < ttl) this.entries.set(name, expiresAtMs, { ttl });
    }
    return 'ok';
  }

  isRevoked(keys: readonly string[]): boolean {
    if (this.entries.size === 0) return false;
    return keys.some((key) => this.entries.has(`r:${key}`));
  }

  setCutoff(key: string, cutoff: Cutoff, expiresAtMs: number): TableWrite {
    const ttl = expiresAtMs - Date.now();
    if (ttl <= 0) return 'ok';
    const name = `c:${key}`;
    const old = this.entries.get(name);
    const merged =
      typeof old === 'object'
        ? mergeCutoffs(old, cutoff)
        : mergeCutoffs(cutoff, cutoff);
    const hadExemption = typeof old === 'object' && old.exempt !== undefined;
    const extra = merged.exempt && !hadExemption ? EXEMPTION_BYTES : 0;
    if (!this.hasRoomFor([name], extra)) return 'full';
    this.entries.set(name, merged, {
      ttl: Math.max(ttl, this.remaining(name)),
    });
    return 'ok';
  }

  cutoffOf(key: string): Cutoff | undefined {
    const value = this.entries.get(`c:${key}`);
    return typeof value === 'object' ? value : undefined;
  }

  /** Every live entry: revocations, then cutoffs (keys as stored). */
  live(): {
    revoked: { key: string; expiresAtMs: number }[];
    cutoffs: { key: string; cutoff: Cutoff; expiresAtMs: number }[];
  } {
    const revoked: { key: string; expiresAtMs: number }[] = [];
    const cutoffs: { key: string; cutoff: Cutoff; expiresAtMs: number }[] = [];
    const now = Date.now();
    for (const [name, value] of this.entries.entries()) {
      const left = this.remaining(name);
      if (left <= 0) continue;
      const key = name.slice(2);
      if (typeof value === 'number') revoked.push({ key, expiresAtMs: value });
      else cutoffs.push({ key, cutoff: value, expiresAtMs: now + left });
    }
    return { revoked, cutoffs };
  }

  /** Milliseconds the entry has left, 0 when absent or expired. */
  private remaining(name: string): number {
    if (!this.entries.has(name)) return 0;
    const left = this.entries.getRemainingTTL(name);
    return Number.isFinite(left) ? Math.max(0, left) : 0;
  }

  /** Whether the new names fit without evicting a live entry. */
  private hasRoomFor(names: string[], extraBytes = 0): boolean {
    const fits = (): boolean => {
      const added = names.filter((name) => !this.entries.has(name)).length;
      return (
        this.entries.calculatedSize +
          added * SESSION_ENTRY_BYTES +
          extraBytes <=
        this.maxBytes
      );
    };
    if (fits()) return true;
    const now = Date.now();
    if (now - this.lastPurgeAt < PURGE_INTERVAL_MS) return false;
    this.lastPurgeAt = now;
    this.entries.purgeStale();
    return fits();
  }
}
