import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { AuthUser } from '../auth-user.js';

const MAX_ENTRIES = 10_000;
const MAX_TTL_MS = 10 * 60_000;

/**
 * Tokens this process has already verified, keyed by the whole token string
 * (so no other token can match an entry), each kept no longer than the token
 * lives, and bounded in count. A hit skips the signature check; it never
 * skips the revocation check, which the guard makes on every request.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly entries = new LRUCache<string, AuthUser>({
    max: MAX_ENTRIES,
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

  delete(token: string): void {
    this.entries.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }
}
