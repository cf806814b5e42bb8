import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type { SessionTokens } from '../../cognito/cognito.types.js';
import { ApiException } from '../../common/errors/api-exception.js';
import { authConfig, type AuthConfig } from '../../config/auth.config.js';
import {
  SharedStore,
  StoreUnavailableError,
  type SessionLimits,
} from '../../store/shared-store.js';
import { isStoredKey, sessionIdOf } from '../../store/store-keys.js';
import type { AuthUser } from '../auth-user.js';
import type { SessionItem } from '../dto/sessions.dto.js';
import { claimsOf } from '../token-answers.js';
import { originKey, RevokedSessions, userKey } from './revoked-sessions.js';
import type { SessionClient } from './session-client.decorator.js';

const DAY_MS = 24 * 3600_000;

/** The answer where tokens carry no origin_jti. */
export const NEEDS_TOKEN_REVOCATION =
  "Sessions cannot be listed or ended one by one: this pool's app client does not issue origin_jti; enable token revocation on the app client.";

/**
 * The sessions a user can see and end one by one (GET /auth/sessions,
 * DELETE /auth/sessions/:id, POST /auth/logout/others): one record per
 * `origin_jti` in the SharedStore, begun at every sign-in (login,
 * challenge, passwordless: call `begin` with the tokens before answering
 * them), its last activity written at refresh (never per request), gone
 * at logout, at a sign-out (the cutoff drops it) and when its refresh
 * token can no longer live (REFRESH_TOKEN_VALIDITY_DAYS). At most
 * AUTH_MAX_SESSIONS_PER_USER: past it, a new sign-in ends the oldest. A
 * record's id is the stored form of its origin key (a hash), never the
 * origin_jti itself.
 */
@Injectable()
export class SessionRecords {
  private readonly logger = new Logger(SessionRecords.name);
  private readonly limits: SessionLimits;

  constructor(
    @Inject(SharedStore) private readonly store: SharedStore,
    @Inject(authConfig.KEY) config: AuthConfig,
    private readonly revoked: RevokedSessions,
  ) {
    this.limits = {
      maxPerUser: config.maxSessionsPerUser,
      ttlMs: config.refreshTokenValidityDays * DAY_MS,
    };
  }

  /**
   * Records the session a sign-in just began. Tokens without origin_jti
   * (token revocation off) record nothing. A store that cannot take it
   * (Redis down) does not stop the sign-in: logged, and the session is
   * listed at its first refresh once the store answers (the cutoffs of
   * logout/others and logout/all end it meanwhile, listed or not).
   */
  async begin(tokens: SessionTokens, client: SessionClient): Promise<void> {
    // A new session was last active when it began: one clock reading.
    const now = Date.now();
    await this.write(tokens, client, now, now);
  }

  /**
   * At refresh: the session's last activity, user agent and address. A
   * session the store lost (Redis restarted empty) is listed again from
   * its sign-in time (`startedAt`, seconds).
   */
  async touch(
    tokens: SessionTokens,
    client: SessionClient,
    startedAt: number | undefined,
  ): Promise<void> {
    await this.write(
      tokens,
      client,
      startedAt === undefined ? Date.now() : startedAt * 1000,
    );
  }

  /** The user's live sessions, newest first; `current` is the caller's. */
  async list(user: AuthUser): Promise<SessionItem[]> {
    const current = sessionIdOf(originKey(this.originOf(user)));
    const records = await this.answered(
      this.store.sessionsOf(userKey(user.sub)),
    );
    return records
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((record) => ({
        id: record.id,
        createdAt: new Date(record.createdAt).toISOString(),
        lastActiveAt: new Date(record.lastActiveAt).toISOString(),
        userAgent: record.userAgent,
        ipAddress: record.ipAddress,
        current: record.id === current,
      }));
  }

  /** Ends one of the user's sessions: 404 NOT_FOUND for any id that is not one of them. */
  async end(user: AuthUser, id: string): Promise<void> {
    this.originOf(user);
    const ended =
      isStoredKey(id) &&
      (await this.answered(
        this.store.endSession(userKey(user.sub), id, this.limits.ttlMs),
      ));
    if (!ended) {
      throw new ApiException(
        HttpStatus.NOT_FOUND,
        'NOT_FOUND',
        'You have no live session with this id.',
      );
    }
  }

  /** Ends every session of the user but the caller's, listed or not (the cutoff spares the caller's). */
  async endOthers(user: AuthUser): Promise<void> {
    await this.revoked.endSessionsOf(user.sub, this.originOf(user));
  }

  private originOf(user: AuthUser): string {
    if (!user.originJti) {
      throw new ApiException(
        HttpStatus.NOT_IMPLEMENTED,
        'NOT_IMPLEMENTED',
        NEEDS_TOKEN_REVOCATION,
      );
    }
    return user.originJti;
  }

  private async write(
    tokens: SessionTokens,
    client: SessionClient,
    createdAt: number,
    lastActiveAt = Date.now(),
  ): Promise<void> {
    const { sub, origin_jti: originJti } = claimsOf(tokens.accessToken);
    if (typeof sub !== 'string' || typeof originJti !== 'string') return;
    try {
      await this.store.recordSession(
        userKey(sub),
        {
          key: originKey(originJti),
          createdAt,
          lastActiveAt,
          ...client,
        },
        this.limits,
      );
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      this.logger.warn(
        `A session was not recorded (${error.message}); it is listed at its next refresh`,
      );
    }
  }

  /** A store that cannot answer: 503 STORE_UNAVAILABLE, naming the cause. */
  private async answered<T>(answer: Promise<T>): Promise<T> {
    try {
      return await answer;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      throw new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        'STORE_UNAVAILABLE',
        `Sessions cannot be recorded or read right now: ${error.message} Try again later.`,
        { cause: error },
      );
    }
  }
}
