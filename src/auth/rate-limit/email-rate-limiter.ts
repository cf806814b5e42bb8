import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiException } from '../../common/errors/api-exception.js';
import { rateLimitConfig } from '../../config/rate-limit.config.js';
import { BoundedCounters, secondsLeft } from './bounded-counters.js';

/** `failedPasswords`: only failed password checks count; `requests`: every valid request counts. */
export type EmailBucket = 'failedPasswords' | 'requests';

/** The byte budget of each store (README, "Under abuse and faults"). */
export const EMAIL_STORE_BUDGET_BYTES = 4 * 1024 * 1024;

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
 * Fixed-window counters per email, in this process's memory, each store
 * bounded in bytes (BoundedCounters). Emails come in validated and
 * normalised; stores key on their SHA-256. Unknown emails are counted like
 * known ones, so a limit answers the same whether or not the account
 * exists.
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
  readonly requests = new BoundedCounters(EMAIL_STORE_BUDGET_BYTES);
  readonly failedPairs = new BoundedCounters(EMAIL_STORE_BUDGET_BYTES);
  readonly failedEmails = new BoundedCounters(EMAIL_STORE_BUDGET_BYTES);

  constructor(
    @Inject(rateLimitConfig.KEY)
    private readonly config: ConfigType<typeof rateLimitConfig>,
  ) {}

  /** Bytes in use over all three stores. */
  get bytes(): number {
    return (
      this.requests.bytes + this.failedPairs.bytes + this.failedEmails.bytes
    );
  }

  /**
   * Counts one request for the email, or throws 429 with Retry-After.
   * Check and count are one step, so concurrent requests cannot all pass a
   * check made before any of them is counted. Returns a function that gives
   * the request back.
   */
  takeRequest(email: string): () => void {
    const id = `requests:${email}`;
    const current = this.requests.peek(id);
    if (current && current.count >= this.config.requestsPerEmail) {
      throw tooMany('Too many requests for this email', secondsLeft(current));
    }
    const counter = this.requests.add(id, this.windowMs);
    return () => this.requests.giveBack(id, counter);
  }

  /**
   * The answer takeRequest gives once `email` has used up its requests, for
   * a limit met elsewhere (Cognito's per-account one) that must look the
   * same: status, code, sentence and Retry-After.
   */
  tooManyRequests(email: string): ApiException {
    const current = this.requests.peek(`requests:${email}`);
    const seconds = current ? secondsLeft(current) : this.config.windowSeconds;
    return tooMany('Too many requests for this email', seconds);
  }

  /**
   * Counts one password attempt for (email, address), or throws 429 with
   * Retry-After when that pair has used up its failures. Counted when it
   * starts (so parallel guesses count too) and given back unless the
   * password is refused.
   */
  takePasswordAttempt(email: string, address: string): PasswordAttempt {
    const pairId = `pair:${address}\n${email}`;
    const current = this.failedPairs.peek(pairId);
    if (current && current.count >= this.config.failedPasswordsPerEmailAndIp) {
      throw tooMany(
        'Too many failed attempts for this email from this address',
        secondsLeft(current),
      );
    }
    const counter = this.failedPairs.add(pairId, this.windowMs);
    const emailId = `email:${email}`;
    let settled = false;
    return {
      delayMs: this.slowdownMs(this.failedEmails.peek(emailId)?.count ?? 0),
      failed: () => {
        if (settled) return;
        settled = true;
        this.failedEmails.add(emailId, this.windowMs);
      },
      giveBack: () => {
        if (settled) return;
        settled = true;
        this.failedPairs.giveBack(pairId, counter);
      },
    };
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

  private get windowMs(): number {
    return this.config.windowSeconds * 1000;
  }
}

function tooMany(what: string, seconds: number): ApiException {
  return new ApiException(
    HttpStatus.TOO_MANY_REQUESTS,
    'TOO_MANY_REQUESTS',
    `${what}; try again in ${seconds} seconds.`,
    { retryAfterSeconds: seconds },
  );
}
