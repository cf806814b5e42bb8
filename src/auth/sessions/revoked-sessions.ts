import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { authConfig, type AuthConfig } from '../../config/auth.config.js';
import type { AuthUser } from '../auth-user.js';
import { ExpiringTable, fixedKey } from './expiring-table.js';

/** What the two tables may hold, in bytes (see BYTES_PER_ENTRY). */
export interface SessionStoreBudget {
  /** Logged-out sessions (up to 3 keys each). */
  denylistBytes: number;
  /** Per-user sign-out cutoffs (1 key per user). */
  cutoffBytes: number;
}

/** 8 MiB each: 65,536 keys of logged-out sessions, 65,536 users' cutoffs. */
export const DEFAULT_BUDGET: SessionStoreBudget = {
  denylistBytes: 8 * 1024 * 1024,
  cutoffBytes: 8 * 1024 * 1024,
};

/** DI token to give the store another budget (tests). */
export const SESSION_STORE_BUDGET = Symbol('SESSION_STORE_BUDGET');

const DAY_MS = 24 * 3600_000;

/**
 * Sessions ended through this API, refused by the guard although their
 * signatures stay valid:
 *
 * - logged-out sessions (the denylist), known by the access token's `jti`,
 *   by `origin_jti` (real Cognito: shared by the access and ID tokens of one
 *   login and by those refreshed from it) and by `event_id` (shared by the
 *   access and ID token of one login, in Cognito and in the emulator, which
 *   has no origin_jti). Not by sub + auth_time: a new login in the same
 *   second would share it.
 * - per-user sign-out cutoffs: every token of the user whose `auth_time` is
 *   at or before the cutoff (password changes, sign-out everywhere).
 *
 * Entries live as long as a refresh token can (REFRESH_TOKEN_VALIDITY_DAYS):
 * by then no token of the session can be minted. Both tables are bounded in
 * bytes with fixed-size keys (hashes), and neither drops a live entry. When
 * full, the store fails closed, coarser each step: a logout that finds the
 * denylist full becomes a cutoff of the user (their other sessions end
 * too); a cutoff that finds its table full becomes a cutoff of EVERY user
 * at that second (everybody logs in again), after which every entry held is
 * redundant and dropped. Each step is logged when it is first taken. In
 * this process's memory; see the README for several instances.
 */
@Injectable()
export class RevokedSessions {
  private readonly logger = new Logger(RevokedSessions.name);
  private readonly ttlMs: number;
  private readonly denylist: ExpiringTable;
  private readonly cutoffs: ExpiringTable;
  /** Every token with auth_time at or before this (seconds) is refused; 0: none. */
  private everyoneBefore = 0;
  private denylistFullLogged = false;

  constructor(
    @Optional() @Inject(authConfig.KEY) config?: AuthConfig,
    @Optional() @Inject(SESSION_STORE_BUDGET) budget?: SessionStoreBudget,
  ) {
    this.ttlMs = (config?.refreshTokenValidityDays ?? 30) * DAY_MS;
    const { denylistBytes, cutoffBytes } = budget ?? DEFAULT_BUDGET;
    // Denylist values are their expiry (ms); cutoff values are seconds.
    this.denylist = new ExpiringTable(denylistBytes, (expiresAt) => expiresAt);
    this.cutoffs = new ExpiringTable(
      cutoffBytes,
      (cutoff) => cutoff * 1000 + this.ttlMs,
    );
  }

  /**
   * Refuses the session of these tokens from now on. Resolves once that
   * holds: at once, or (denylist full) once the user's cutoff holds.
   */
  async revoke(user: AuthUser): Promise<void> {
    const now = Date.now();
    const keys = sessionKeys(user);
    const expiresAt = now + this.ttlMs;
    const fits = this.denylist.hasRoomFor(
      keys.filter((key) => this.denylist.get(key, now) === undefined).length,
      now,
    );
    if (fits && keys.every((key) => this.denylist.set(key, expiresAt, now))) {
      this.denylistFullLogged = false;
      return;
    }
    if (!this.denylistFullLogged) {
      this.denylistFullLogged = true;
      this.logger.error(
        `Session denylist full (${this.denylist.capacity} entries): a logout now ends every session of its user`,
      );
    }
    await this.endSessionsOf(user.sub);
  }

  /** Refuses every token of `sub` whose auth_time is at or before `atSeconds`. */
  cutOff(sub: string, atSeconds: number): void {
    if (this.cutoffs.set(fixedKey('sub', sub), atSeconds)) return;
    this.logger.error(
      `Sign-out cutoffs full (${this.cutoffs.capacity} users): every session begun at or before ${atSeconds} ends; everyone logs in again`,
    );
    this.everyoneBefore = Math.max(this.everyoneBefore, atSeconds);
    // Every logout and cutoff held ended sessions that began before now:
    // the cutoff of everyone covers them all.
    this.denylist.clear();
    this.cutoffs.clear();
    this.denylistFullLogged = false;
  }

  /**
   * Ends every session of `sub` begun up to now, and resolves once the next
   * whole second has begun (at most 1 s): auth_time counts whole seconds,
   * so a login that follows is never refused and none before it survives.
   */
  async endSessionsOf(sub: string): Promise<void> {
    const now = Date.now();
    this.cutOff(sub, Math.floor(now / 1000));
    await sleep(1000 - (now % 1000));
  }

  /** Whether a session of `sub` that began at `startedAt` (seconds) was cut off. */
  isCutOff(sub: string, startedAt: number | undefined): boolean {
    if (this.cutoffs.size === 0 && this.everyoneBefore === 0) return false;
    const cutoff = Math.max(
      this.cutoffs.get(fixedKey('sub', sub)) ?? 0,
      this.globalCutoff(),
    );
    if (cutoff === 0) return false;
    // A token without auth_time cannot show it began after the cutoff.
    return startedAt === undefined || startedAt <= cutoff;
  }

  isRevoked(user: AuthUser): boolean {
    if (this.isCutOff(user.sub, user.authTime)) return true;
    if (this.denylist.size === 0) return false;
    return sessionKeys(user).some(
      (key) => this.denylist.get(key) !== undefined,
    );
  }

  private globalCutoff(): number {
    if (this.everyoneBefore * 1000 + this.ttlMs <= Date.now()) {
      this.everyoneBefore = 0;
    }
    return this.everyoneBefore;
  }
}

function sessionKeys(user: AuthUser): string[] {
  const keys: string[] = [];
  if (user.jti && user.tokenUse === 'access')
    keys.push(fixedKey('jti', user.jti));
  if (user.originJti) keys.push(fixedKey('origin', user.originJti));
  if (user.eventId) keys.push(fixedKey('event', `${user.sub}:${user.eventId}`));
  return keys;
}
