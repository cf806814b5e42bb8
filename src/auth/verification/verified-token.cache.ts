import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { AuthUser } from '../auth-user.js';

/** The cache's byte budget (README, "Under abuse and faults"). */
export const TOKEN_CACHE_BUDGET_BYTES = 8 * 1024 * 1024;
const MAX_TTL_MS = 10 * 60_000;
/** An entry's cost besides its key and the user's own fields (the objects, the map slot). */
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * What a user's claims cost in memory, estimated from their JSON (V8
 * strings are one byte a character for ASCII; two otherwise, hence the
 * factor), plus the entry's overhead and its key.
 */
export function entryBytes(key: string, user: AuthUser): number {
  return key.length + ENTRY_OVERHEAD_BYTES + 2 * JSON.stringify(user).length;
}

/**
 * Tokens this process has already verified, keyed by the whole token (only
 * that exact string matches; a lookup costs V8's string hash, not a
 * SHA-256), each kept no longer than the token lives, and bounded in bytes
 * (TOKEN_CACHE_BUDGET_BYTES, the key's length counted: a long token takes
 * more of the budget, never more than the budget). Only verified tokens
 * are stored, so a client cannot fill it with strings of its own. A hit
 * skips the signature check; it never skips the revocation check, which
 * the guard makes on every request.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly entries = new LRUCache<string, AuthUser>({
    maxSize: TOKEN_CACHE_BUDGET_BYTES,
    sizeCalculation: (user, key) => entryBytes(key, user),
  });

  get(token: string): AuthUser | undefined {
    const user = this.entries.get(token);
    if (user && user.exp * 1000 <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return user;
  }

  set(token: string, user: AuthUser): void {
    const ttl = Math.min(user.exp * 1000 - Date.now(), MAX_TTL_MS);
    if (ttl > 0) this.entries.set(token, user, { ttl });
  }

  /** Forgets every entry (a signing key was withdrawn). */
  clear(): void {
    this.entries.clear();
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes in use, as counted against the budget. */
  get bytes(): number {
    return this.entries.calculatedSize;
  }
}
