import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { AuthUser } from '../auth-user.js';

const MAX_ENTRIES = 100_000;
/** Cognito's longest token lifetime: a logged-out session's tokens cannot outlive it. */
const SESSION_TTL_MS = 24 * 3600_000;

/**
 * Sessions logged out through this API, refused by the guard until their
 * tokens expire, even though their signatures stay valid. A session is
 * known by the access token's `jti`, by `origin_jti` (real Cognito: shared
 * by the access and ID tokens of one login and those refreshed from it) and
 * by `event_id` (shared by the access and ID token of one login, in Cognito
 * and in the emulator, which has no origin_jti). Not by sub + auth_time: a
 * new login in the same second would share it. Kept in this process's
 * memory, bounded; see the README for several instances.
 */
@Injectable()
export class RevokedSessions {
  private readonly keys = new LRUCache<string, true>({ max: MAX_ENTRIES });

  revoke(user: AuthUser): void {
    for (const key of sessionKeys(user)) {
      this.keys.set(key, true, { ttl: SESSION_TTL_MS });
    }
  }

  isRevoked(user: AuthUser): boolean {
    if (this.keys.size === 0) return false;
    return sessionKeys(user).some((key) => this.keys.has(key));
  }
}

function sessionKeys(user: AuthUser): string[] {
  const keys: string[] = [];
  if (user.jti && user.tokenUse === 'access') keys.push(`jti:${user.jti}`);
  if (user.originJti) keys.push(`origin:${user.originJti}`);
  if (user.eventId) keys.push(`event:${user.sub}:${user.eventId}`);
  return keys;
}
