import { Injectable } from '@nestjs/common';
import { sha256 } from '../../common/crypto/sha256.js';
import { LRUCache } from 'lru-cache';
import type { AuthUser } from '../auth-user.js';

/** The cache's byte budget (README, "Under abuse and faults"). */
export const TOKEN_CACHE_BUDGET_BYTES = 8 * 1024 * 1024;
const MAX_TTL_MS = 10 * 60_000;
/** An entry's cost besides its key and the user's own fields (the objects, the map slot). */
const ENTRY_OVERHEAD_BYTES = 256;

/** The fixed-size key of a token: its SHA-256 (no other token can match it). */
function keyOf(token: string): string {
  return sha256(token);
}

/**
 * What a user's claims cost in memory, estimated from their JSON (V8
 * strings are one byte a character for ASCII; two otherwise, hence the
 * factor), plus the entry's overhead and its key.
 */
export function entryBytes(key: string, user: AuthUser): number {
  return key.length + ENTRY_OVERHEAD_BYTES + 2 * JSON.stringify(user).length;
}

/**
 * Tokens this process has already verified, keyed by the SHA-256 of the
 * whole token (a fixed 43 characters, whatever the token's size), each kept
 * no longer than the token lives, and bounded in bytes
 * (TOKEN_CACHE_BUDGET_BYTES). A hit skips the signature check; it never
 * skips the revocation check, which the guard makes on every request.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly entries = new LRUCache<string, AuthUser>({
    maxSize: TOKEN_CACHE_BUDGET_BYTES,
    sizeCalculation: (user, key) => entryBytes(key, user),
  });

  get(token: string): AuthUser | undefined {
    const key = keyOf(token);
    const user = this.entries.get(key);
    if (user && user.exp * 1000 <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return user;
  }

  set(token: string, user: AuthUser): void {
    const ttl = Math.min(user.exp * 1000 - Date.now(), MAX_TTL_MS);
    if (ttl > 0) this.entries.set(keyOf(token), user, { ttl });
  }

  /** Forgets every entry (a signing key was withdrawn). */
  clear(): void {
    this.entries.clear();
  }

  delete(token: string): void {
    this.entries.delete(keyOf(token));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes in use, as counted against the budget. */
  get bytes(): number {
    return this.entries.calculatedSize;
  }
}
