import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { AuthUser } from '../auth-user.js';

/** The cache's byte budget (README, "Under abuse and faults"). */
export const TOKEN_CACHE_BUDGET_BYTES = 8 * 1024 * 1024;
const MAX_TTL_MS = 10 * 60_000;
/** An entry's cost besides its key and the user's own fields (the objects, the map slot). */
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * What an entry costs in memory: the user's claims estimated from their
 * JSON (V8 strings are one byte a character for ASCII; two otherwise,
 * hence the factor), the credential and the token (one string when they
 * are the same), and the entry's overhead.
 */
export function entryBytes(
  credential: string,
  user: AuthUser,
  token: string = credential,
): number {
  return (
    credential.length +
    (token === credential ? 0 : token.length) +
    ENTRY_OVERHEAD_BYTES +
    2 * JSON.stringify(user).length
  );
}

/** Characters of a credential's end its entry is found by. */
const KEY_CHARS = 64;

/** The map key of a credential: its last KEY_CHARS characters. */
function keyOf(credential: string): string {
  return credential.length > KEY_CHARS
    ? credential.slice(-KEY_CHARS)
    : credential;
}

/** A flat copy of a header's text (one byte a character, as HTTP headers are read). */
function copyOf(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

/** A verified token, as the guard gets it back. */
export interface CachedCredential {
  /** The exact string it was sent as (an Authorization header, or a cookie's token). */
  readonly credential: string;
  readonly token: string;
  readonly user: AuthUser;
}

/**
 * Tokens this process has already verified, by the credential as the
 * client sent it: the whole Authorization header value (so that a hit
 * needs no parsing of it), or the cookie's token. Only that exact string
 * matches: an entry is found by the credential's last 64 characters (the
 * end of the token's signature; hashing 64 characters, not 1 KB) and then
 * compared whole. Each entry is kept no longer than its token lives, and
 * the cache is bounded in bytes (TOKEN_CACHE_BUDGET_BYTES, the strings'
 * lengths counted: a long token takes more of the budget, never more than
 * the budget). Only verified tokens are stored, so a client cannot fill it
 * with strings of its own. A hit skips the signature check; it never skips
 * the revocation check, which the guard makes on every request.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly entries = new LRUCache<string, CachedCredential>({
    maxSize: TOKEN_CACHE_BUDGET_BYTES,
    sizeCalculation: (entry) =>
      entryBytes(entry.credential, entry.user, entry.token),
  });

  /**
   * `fromHeader`: the credential is an Authorization header value (else a
   * cookie's token). An entry answers only for the kind it was stored as:
   * a token verified from a cookie is not let in as a header without
   * "Bearer", which the header's own rule would refuse.
   */
  get(credential: string, fromHeader: boolean): CachedCredential | undefined {
    const key = keyOf(credential);
    const entry = this.entries.get(key);
    if (!entry || entry.credential !== credential) return undefined;
    if ((entry.token !== entry.credential) !== fromHeader) return undefined;
    if (entry.user.exp * 1000 <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** `token` is the credential's token: the credential itself unless it is a header. */
  set(credential: string, user: AuthUser, token: string = credential): void {
    const ttl = Math.min(user.exp * 1000 - Date.now(), MAX_TTL_MS);
    if (ttl <= 0) return;
    // A copy of its own: a cookie's token is a slice of the whole Cookie
    // header, which it would keep alive uncounted. The token is the end of
    // its credential ("Bearer <token>", or the token itself).
    const stored = copyOf(credential);
    const entry = {
      credential: stored,
      token:
        token === credential
          ? stored
          : credential.endsWith(token)
            ? stored.slice(stored.length - token.length)
            : copyOf(token),
      user,
    };
    this.entries.set(keyOf(stored), entry, { ttl });
  }

  /** Forgets every entry (a signing key was withdrawn). */
  clear(): void {
    this.entries.clear();
  }

  /** Forgets the entry of this exact credential, whichever kind it is. */
  delete(credential: string): void {
    const key = keyOf(credential);
    if (this.entries.peek(key)?.credential === credential) {
      this.entries.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes in use, as counted against the budget. */
  get bytes(): number {
    return this.entries.calculatedSize;
  }
}
