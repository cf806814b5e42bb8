import { HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { sha256 } from '../../common/crypto/sha256.js';
import { ApiException } from '../../common/errors/api-exception.js';
import { rateLimitConfig } from '../../config/rate-limit.config.js';
import { Metrics, type RateLimitName } from '../../metrics/metrics.js';
import { SharedStore, type CounterHit } from '../../store/shared-store.js';

/**
 * `failedPasswords`: refused passwords per (email, address), and the
 * per-email slowdown; `requests`: every request per email;
 * `challenges`: every request per (email, address), so that nobody else
 * can use up the step a signing-in user has to take; `passwordless`:
 * as `challenges`, and per email when the request sends an email code.
 */
export type EmailBucket =
  'failedPasswords' | 'requests' | 'challenges' | 'passwordless';

/** One password attempt, counted against its (email, address) pair. */
export interface PasswordAttempt {
  /** Wait this long before checking the password (the per-email slowdown). */
  delayMs: number;
  /** The password was refused: the attempt stays counted, and the email's failures grow. */
  failed(): void;
  /** Anything else (success, a fault, an invalid body): the attempt is given back. */
  giveBack(): void;
}

/**
 * Fixed-window counters per email, in the SharedStore (in memory, or Redis
 * shared by every instance). Emails come in validated and normalised; the
 * keys name their SHA-256, so each has a fixed size. Unknown emails are
 * counted like known ones, so a limit answers the same whether or not the
 * account exists.
 *
 * - `requests`: per email, a hard limit (429).
 * - failed passwords: a hard limit per (email, client address), and past
 *   a softer, higher count per email (from any address) every attempt for
 *   that email waits a little longer before its password is checked,
 *   capped. An attacker spread over many addresses slows the owner's login
 *   down by at most the cap; it never blocks it.
 */
@Injectable()
export class EmailRateLimiter {
  constructor(
    @Inject(rateLimitConfig.KEY)
    private readonly config: ConfigType<typeof rateLimitConfig>,
    @Inject(SharedStore) private readonly store: SharedStore,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  /**
   * Counts one request for the email, or throws 429 with Retry-After.
   * Check and count are one step (the count comes back from the hit), so
   * concurrent requests cannot all pass; a refused one is given back.
   * Returns a function that gives the request back.
   */
  async takeRequest(email: string, address?: string): Promise<() => void> {
    const key =
      address === undefined
        ? `email-requests:${digest(email)}`
        : `email-address-requests:${digest(`${address}\n${email}`)}`;
    await this.take(
      key,
      this.config.requestsPerEmail,
      'Too many requests for this email',
      address === undefined ? 'email' : 'email_address',
    );
    return () => this.giveBack(key);
  }

  /**
   * The answer takeRequest gives once `email` has used up its requests, for
   * a limit met elsewhere (Cognito's per-account one) that must look the
   * same: status, code, sentence and Retry-After.
   */
  async tooManyRequests(email: string): Promise<ApiException> {
    const current = await this.store.peek(`email-requests:${digest(email)}`);
    const seconds = current ? secondsLeft(current) : this.config.windowSeconds;
    return tooMany('Too many requests for this email', seconds);
  }

  /**
   * Runs one password check under the same limits as login (the hard
   * limit per email and address, the per-email slowdown), for routes that
   * prove a password outside the login interceptor (DELETE /me).
   */
  async checkPassword<T>(
    email: string,
    address: string,
    check: () => Promise<T>,
  ): Promise<T> {
    const attempt = await this.takePasswordAttempt(email, address);
    if (attempt.delayMs > 0) {
      await new Promise((done) => setTimeout(done, attempt.delayMs));
    }
    try {
      const result = await check();
      attempt.giveBack();
      return result;
    } catch (error) {
      const refused =
        error instanceof ApiException && error.code === 'INVALID_CREDENTIALS';
      if (refused) attempt.failed();
      else attempt.giveBack();
      throw error;
    }
  }

  /**
   * Counts one password attempt for (email, address), or throws 429 with
   * Retry-After when that pair has used up its failures. Counted when it
   * starts (so parallel guesses count too) and given back unless the
   * password is refused.
   */
  async takePasswordAttempt(
    email: string,
    address: string,
  ): Promise<PasswordAttempt> {
    const pairKey = `failed-pair:${digest(`${address}\n${email}`)}`;
    const emailKey = `failed-email:${digest(email)}`;
    const [hit, failures] = await Promise.all([
      this.store.hit(pairKey, this.windowMs),
      this.store.peek(emailKey),
    ]);
    if (hit.count > this.config.failedPasswordsPerEmailAndIp) {
      this.giveBack(pairKey);
      this.metrics?.rateLimitRefusal('failed_password');
      throw tooMany(
        'Too many failed attempts for this email from this address',
        secondsLeft(hit),
      );
    }
    let settled = false;
    return {
      delayMs: this.slowdownMs(failures?.count ?? 0),
      failed: () => {
        if (settled) return;
        settled = true;
        void this.store.hit(emailKey, this.windowMs).catch(() => undefined);
      },
      giveBack: () => {
        if (settled) return;
        settled = true;
        this.giveBack(pairKey);
      },
    };
  }

  /**
   * Runs one check of a code a signed-in user sent (TOTP, email change)
   * under a hard limit of wrong codes per user (their `sub`), so that a
   * stolen token cannot guess a 6-digit code from many addresses. Counted
   * when it starts; kept only when the code is refused (CODE_MISMATCH).
   */
  async checkCode<T>(userKey: string, check: () => Promise<T>): Promise<T> {
    const key = `wrong-codes:${digest(userKey)}`;
    await this.take(
      key,
      this.config.wrongCodesPerUser,
      'Too many wrong codes for this account',
      'wrong_code',
    );
    try {
      const result = await check();
      this.giveBack(key);
      return result;
    } catch (error) {
      const refused =
        error instanceof ApiException && error.code === 'CODE_MISMATCH';
      if (!refused) this.giveBack(key);
      throw error;
    }
  }

  /** No delay up to the per-email count; then one step more per failure, capped. */
  slowdownMs(failures: number): number {
    const over = failures - this.config.failedPasswordsPerEmail + 1;
    if (over <= 0) return 0;
    return Math.min(
      this.config.slowdownMaxMs,
      over * this.config.slowdownStepMs,
    );
  }

  /**
   * Counts one against `key`, or, past `limit`, gives it back and throws
   * 429 with Retry-After. Check and count are one step (the count comes
   * back from the hit), so concurrent requests cannot all pass.
   */
  private async take(
    key: string,
    limit: number,
    what: string,
    name: RateLimitName,
  ): Promise<void> {
    const hit = await this.store.hit(key, this.windowMs);
    if (hit.count > limit) {
      this.giveBack(key);
      this.metrics?.rateLimitRefusal(name);
      throw tooMany(what, secondsLeft(hit));
    }
  }

  /** A count given back never fails the request it belonged to. */
  private giveBack(key: string): void {
    void this.store.giveBack(key).catch(() => undefined);
  }

  private get windowMs(): number {
    return this.config.windowSeconds * 1000;
  }
}

/** The fixed-size name of a normalised email (or address and email). */
const digest = sha256;

/** Whole seconds until a window ends, at least 1. */
function secondsLeft(counter: CounterHit): number {
  return Math.max(1, Math.ceil((counter.resetAtMs - Date.now()) / 1000));
}

function tooMany(what: string, seconds: number): ApiException {
  return new ApiException(
    HttpStatus.TOO_MANY_REQUESTS,
    'TOO_MANY_REQUESTS',
    `${what}; try again in ${seconds} seconds.`,
    { retryAfterSeconds: seconds },
  );
}
