import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LRUCache } from 'lru-cache';
import { ApiException } from '../../common/errors/api-exception.js';
import { rateLimitConfig } from '../../config/rate-limit.config.js';

/** `failedPasswords`: only failed password checks count; `requests`: every request counts. */
export type EmailBucket = 'failedPasswords' | 'requests';

interface Window {
  count: number;
  resetAt: number;
}

const MAX_TRACKED = 100_000;

/**
 * Fixed-window counters per email and bucket, in this process's memory,
 * bounded. Unknown emails are counted like known ones, so a limit answers
 * the same whether or not the account exists.
 */
@Injectable()
export class EmailRateLimiter {
  private readonly windows = new LRUCache<string, Window>({ max: MAX_TRACKED });

  constructor(
    @Inject(rateLimitConfig.KEY)
    private readonly config: ConfigType<typeof rateLimitConfig>,
  ) {}

  /**
   * Counts one attempt, or throws 429 with Retry-After when the email has
   * used up this bucket. Check and count are one step, so concurrent
   * requests cannot all pass a check made before any of them is counted.
   * Returns a function that gives the attempt back (a login that did not
   * fail on the password is not a failed password attempt).
   */
  take(bucket: EmailBucket, email: string): () => void {
    const key = `${bucket}:${normalize(email)}`;
    let window = this.current(key);
    if (window && window.count >= this.limit(bucket)) {
      throw this.refusal(window.resetAt);
    }
    if (!window) {
      window = {
        count: 0,
        resetAt: Date.now() + this.config.windowSeconds * 1000,
      };
      this.windows.set(key, window);
    }
    window.count += 1;
    const taken = window;
    return () => {
      if (taken.count > 0) taken.count -= 1;
    };
  }

  /**
   * The answer `take` gives once `email` has used up `bucket`, for a limit
   * met elsewhere (Cognito's per-account one) that must look the same.
   */
  tooMany(bucket: EmailBucket, email: string): ApiException {
    const window = this.current(`${bucket}:${normalize(email)}`);
    return this.refusal(
      window?.resetAt ?? Date.now() + this.config.windowSeconds * 1000,
    );
  }

  private refusal(resetAt: number): ApiException {
    const seconds = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
    return new ApiException(
      HttpStatus.TOO_MANY_REQUESTS,
      'TOO_MANY_REQUESTS',
      `Too many attempts for this email; try again in ${seconds} seconds.`,
      { retryAfterSeconds: seconds },
    );
  }

  private current(key: string): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.resetAt <= Date.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private limit(bucket: EmailBucket): number {
    return bucket === 'failedPasswords'
      ? this.config.failedPasswordsPerEmail
      : this.config.requestsPerEmail;
  }
}

/** As the DTOs do it (this runs before validation): trimmed, lower case. */
function normalize(email: string): string {
  return email.trim().toLowerCase();
}
