import { registerAs } from '@nestjs/config';
import {
  IsWholeNumber,
  readEnvironment,
  readNamespace,
  type ConfigNamespace,
} from './variables.js';

export class RateLimitVariables {
  @IsWholeNumber(1, 1_000_000)
  RATE_LIMIT_IP_PER_MINUTE?: number;

  @IsWholeNumber(1, 1_000_000)
  RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP?: number;

  @IsWholeNumber(1, 1_000_000)
  RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL?: number;

  @IsWholeNumber(0, 60_000, 'milliseconds')
  RATE_LIMIT_SLOWDOWN_STEP_MS?: number;

  @IsWholeNumber(0, 60_000, 'milliseconds')
  RATE_LIMIT_SLOWDOWN_MAX_MS?: number;

  @IsWholeNumber(1, 1_000_000)
  RATE_LIMIT_REQUESTS_PER_EMAIL?: number;

  @IsWholeNumber(1, 1_000_000)
  RATE_LIMIT_WRONG_CODES_PER_USER?: number;

  @IsWholeNumber(1, 86_400, 'seconds')
  RATE_LIMIT_EMAIL_WINDOW_SECONDS?: number;
}

/**
 * Limits on the auth routes. Past a hard limit: 429 TOO_MANY_REQUESTS with
 * Retry-After. Failed passwords (login, change-password) have a hard limit
 * per email AND client address, and a softer one per email (from any
 * address) past which answers slow down instead: so that an attack on an
 * email from elsewhere never locks its owner out.
 */
export interface RateLimitConfig {
  /** Auth requests per client IP per minute. */
  perIpPerMinute: number;
  /** Failed password attempts per (email, client IP) per window; then 429. */
  failedPasswordsPerEmailAndIp: number;
  /** Failed password attempts per email per window before attempts slow down. */
  failedPasswordsPerEmail: number;
  /** Delay added per failure past `failedPasswordsPerEmail`. */
  slowdownStepMs: number;
  /** The longest delay. */
  slowdownMaxMs: number;
  /** Requests per email per window on register, confirm, resend, forgot, confirm-password, challenge. */
  requestsPerEmail: number;
  /** Wrong codes per signed-in user per window on the routes that check one (TOTP, email change); then 429. */
  wrongCodesPerUser: number;
  windowSeconds: number;
}

export const rateLimitNamespace: ConfigNamespace<
  RateLimitVariables,
  RateLimitConfig
> = {
  variables: RateLimitVariables,
  parse: (env) => ({
    perIpPerMinute: env.RATE_LIMIT_IP_PER_MINUTE ?? 300,
    failedPasswordsPerEmailAndIp:
      env.RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP ?? 10,
    failedPasswordsPerEmail: env.RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL ?? 20,
    slowdownStepMs: env.RATE_LIMIT_SLOWDOWN_STEP_MS ?? 500,
    slowdownMaxMs: env.RATE_LIMIT_SLOWDOWN_MAX_MS ?? 5000,
    requestsPerEmail: env.RATE_LIMIT_REQUESTS_PER_EMAIL ?? 30,
    wrongCodesPerUser: env.RATE_LIMIT_WRONG_CODES_PER_USER ?? 10,
    windowSeconds: env.RATE_LIMIT_EMAIL_WINDOW_SECONDS ?? 900,
  }),
};

export const rateLimitConfig = registerAs('rateLimit', (): RateLimitConfig =>
  readNamespace(rateLimitNamespace, readEnvironment()),
);
