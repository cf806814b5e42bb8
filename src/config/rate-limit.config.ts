import { registerAs } from '@nestjs/config';
import { loadedConfig } from './loaded-config.js';
import { IsWholeNumber, type ConfigNamespace } from './variables.js';

export class RateLimitVariables {
  @IsWholeNumber(1, 1_000_000)
  RATE_LIMIT_IP_PER_MINUTE?: number;

  @IsWholeNumber(1, 1_000_000)
  RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL?: number;

  @IsWholeNumber(1, 1_000_000)
  RATE_LIMIT_REQUESTS_PER_EMAIL?: number;

  @IsWholeNumber(1, 86_400, 'seconds')
  RATE_LIMIT_EMAIL_WINDOW_SECONDS?: number;
}

/** Limits on the auth routes (429 TOO_MANY_REQUESTS with Retry-After past them). */
export interface RateLimitConfig {
  /** Auth requests per client IP per minute. */
  perIpPerMinute: number;
  /** Failed password attempts (login, change-password) per email per window. */
  failedPasswordsPerEmail: number;
  /** Requests per email per window on register, confirm, resend, forgot, confirm-password, challenge. */
  requestsPerEmail: number;
  windowSeconds: number;
}

export const rateLimitNamespace: ConfigNamespace<
  RateLimitVariables,
  RateLimitConfig
> = {
  variables: RateLimitVariables,
  parse: (env) => ({
    perIpPerMinute: env.RATE_LIMIT_IP_PER_MINUTE ?? 300,
    failedPasswordsPerEmail: env.RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL ?? 10,
    requestsPerEmail: env.RATE_LIMIT_REQUESTS_PER_EMAIL ?? 30,
    windowSeconds: env.RATE_LIMIT_EMAIL_WINDOW_SECONDS ?? 900,
  }),
};

export const rateLimitConfig = registerAs(
  'rateLimit',
  (): RateLimitConfig => loadedConfig().rateLimit,
);
