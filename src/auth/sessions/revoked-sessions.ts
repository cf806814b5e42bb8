import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException } from '../../common/errors/api-exception.js';
import { authConfig, type AuthConfig } from '../../config/auth.config.js';
import {
  SharedStore,
  StoreUnavailableError,
} from '../../store/shared-store.js';
import { storedSession, type StoredSession } from '../../store/store-keys.js';
import type { AuthUser } from '../auth-user.js';

const DAY_MS = 24 * 3600_000;

/**
 * Sessions ended through this API, refused by the guard although their
 * signatures stay valid:
 *
 * - logged-out sessions (the denylist), known by the access token's `jti`,
 *   by `origin_jti` (Cognito and the embedded emulator: shared by the access
 *   and ID tokens of one login and by those refreshed from it) and by
 *   `event_id` (shared by the access and ID token of one login, also in
 *   cognito-local run elsewhere, which has no origin_jti). Not by sub +
 *   auth_time: a new login in the same second would share it.
 * - per-user sign-out cutoffs: every token of the user whose `auth_time` is
 *   at or before the cutoff (password changes, sign-out everywhere).
 *
 * The state is the SharedStore's (in memory, or Redis shared by every
 * instance; see the README, "Several instances"). Entries live as long as
 * a refresh token can (REFRESH_TOKEN_VALIDITY_DAYS): by then no token of
 * the session can be minted. It fails closed: a write the store refuses
 * (full, or Redis unavailable) answers 503 STORE_UNAVAILABLE and the client
 * retries; nothing is taken as ended that is not.
 */
@Injectable()
export class RevokedSessions {
  private readonly ttlMs: number;
  private readonly skewMs: number;
  private readonly storedSessions = new WeakMap<AuthUser, StoredSession>();

  constructor(
    @Inject(SharedStore) private readonly store: SharedStore,
    @Inject(authConfig.KEY) config: AuthConfig,
  ) {
    this.ttlMs = config.refreshTokenValidityDays * DAY_MS;
    this.skewMs = config.clockSkewSeconds * 1000;
  }

  /**
   * Refuses the session of these tokens from now on, on every instance.
   * `origin_jti` (shared by every token refreshed from the login) is kept
   * as long as a refresh token lives; the keys of this login's own tokens
   * (`jti`, `event_id`, new at every refresh) only until those tokens
   * expire, so that logouts cannot fill the store for a month.
   */
  async revoke(user: AuthUser): Promise<void> {
    const keys = sessionKeys(user);
    const lasting = keys.filter((key) => key.startsWith('origin:'));
    const own = keys.filter((key) => !key.startsWith('origin:'));
    const ownTtlMs = Math.min(
      this.ttlMs,
      Math.max(1000, user.exp * 1000 - Date.now() + this.skewMs),
    );
    const writes: Promise<void>[] = [];
    // The session's record goes with it (GET /auth/sessions no longer lists it).
    if (lasting.length > 0) {
      writes.push(this.store.revoke(lasting, this.ttlMs, userKey(user.sub)));
    }
    if (own.length > 0) writes.push(this.store.revoke(own, ownTtlMs));
    await this.written(Promise.all(writes).then(() => undefined));
  }

  /**
   * Refuses every token of `sub` whose auth_time is at or before
   * `atSeconds` (but those of the session `exceptOriginJti`), and drops
   * the records of the sessions that ends.
   */
  async cutOff(
    sub: string,
    atSeconds: number,
    exceptOriginJti?: string,
  ): Promise<void> {
    await this.written(
      this.store.setCutoff(
        userKey(sub),
        atSeconds,
        this.ttlMs,
        exceptOriginJti === undefined ? undefined : originKey(exceptOriginJti),
      ),
    );
  }

  /**
   * Ends every session of `sub` begun up to now (but `exceptOriginJti`'s:
   * POST /auth/logout/others), listed or not, and resolves once the next
   * whole second has begun (at most 1 s): auth_time counts whole seconds,
   * so a login that follows is never refused and none before it survives.
   */
  async endSessionsOf(sub: string, exceptOriginJti?: string): Promise<void> {
    const now = Date.now();
    await this.cutOff(sub, Math.floor(now / 1000), exceptOriginJti);
    const wait = (Math.floor(now / 1000) + 1) * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
  }

  /**
   * Whether a session of `sub` that began at `startedAt` (seconds) was cut
   * off (with its `originJti`: unless it is the session a cutoff spared).
   */
  async isCutOff(
    sub: string,
    startedAt: number | undefined,
    originJti?: string,
  ): Promise<boolean> {
    const keys = originJti === undefined ? [] : [originKey(originJti)];
    const cutoff = await this.read(this.store.cutoffOf(userKey(sub), keys));
    return cutBy(cutoff, startedAt);
  }

  /** Whether the session of this origin_jti was ended (logout, DELETE /auth/sessions/:id, the cap). */
  async isEnded(originJti: string): Promise<boolean> {
    return this.read(this.store.isRevoked([originKey(originJti)]));
  }

  async isRevoked(user: AuthUser): Promise<boolean> {
    const keys = sessionKeys(user);
    const [cutoff, revoked] = await Promise.all([
      this.read(this.store.cutoffOf(userKey(user.sub), keys)),
      this.read(this.store.isRevoked(keys)),
    ]);
    return revoked || cutBy(cutoff, user.authTime);
  }

  /**
   * isRevoked answered at once, from what this instance holds in memory
   * (the guard's every request waits on no promise); undefined when only
   * isRevoked can tell (the store's memory cannot answer alone).
   */
  isRevokedNow(user: AuthUser): boolean | undefined {
    const state = this.store.sessionStateNow(this.storedSessionOf(user));
    if (state === undefined) return undefined;
    return state.revoked || cutBy(state.cutoff, user.authTime);
  }

  /**
   * The user's session keys in stored form, hashed once per user object:
   * the guard passes the verified-token cache's object for a token, the
   * same one on every request of that token.
   */
  private storedSessionOf(user: AuthUser): StoredSession {
    let session = this.storedSessions.get(user);
    if (!session) {
      session = storedSession(sessionKeys(user), userKey(user.sub));
      this.storedSessions.set(user, session);
    }
    return session;
  }

  /** A refused write answers 503 (the store logs why): the session is not known to be ended. */
  private async written(write: Promise<void>): Promise<void> {
    try {
      await write;
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw unavailable(error);
      throw error;
    }
  }

  /** A read the store cannot answer safely refuses the request (503). */
  private async read<T>(answer: Promise<T>): Promise<T> {
    try {
      return await answer;
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw unavailable(error);
      throw error;
    }
  }
}

/** 503 STORE_UNAVAILABLE, its message naming the cause (never a key). */
function unavailable(cause: StoreUnavailableError): ApiException {
  return new ApiException(
    HttpStatus.SERVICE_UNAVAILABLE,
    'STORE_UNAVAILABLE',
    `Sessions cannot be ended or checked right now: ${cause.message} Try again later.`,
    { cause },
  );
}

/** A session begun at `startedAt` is ended by a cutoff at or after it. */
function cutBy(
  cutoff: number | undefined,
  startedAt: number | undefined,
): boolean {
  if (cutoff === undefined) return false;
  // A token without auth_time cannot show it began after the cutoff.
  return startedAt === undefined || startedAt <= cutoff;
}

/** The store's key of a user: for the sign-out cutoff and the session records alike. */
export function userKey(sub: string): string {
  return `session-cutoff:${sub}`;
}

/** The store's key of a session: its `origin_jti` (see SessionRecords). */
export function originKey(originJti: string): string {
  return `origin:${originJti}`;
}

function sessionKeys(user: AuthUser): string[] {
  const keys: string[] = [];
  if (user.jti && user.tokenUse === 'access') keys.push(`jti:${user.jti}`);
  if (user.originJti) keys.push(originKey(user.originJti));
  if (user.eventId) keys.push(`event:${user.sub}:${user.eventId}`);
  return keys;
}
