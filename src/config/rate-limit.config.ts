import { registerAs } from '@nestjs/config';

/** Limits on the auth routes (429 TOO_MANY_REQUESTS with Retry-After past them). */
export const rateLimitConfig = registerAs('rateLimit', () => ({
  /** Auth requests per client IP per minute. */
  perIpPerMinute: Number(process.env.RATE_LIMIT_IP_PER_MINUTE || 300),
  /** Failed password attempts (login, change-password) per email per window. */
  failedPasswordsPerEmail: Number(
    process.env.RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL || 10,
  ),
  /** Requests per email per window on register, confirm, resend, forgot, confirm-password, challenge. */
  requestsPerEmail: Number(process.env.RATE_LIMIT_REQUESTS_PER_EMAIL || 30),
  windowSeconds: Number(process.env.RATE_LIMIT_EMAIL_WINDOW_SECONDS || 900),
}));

export type RateLimitConfig = ReturnType<typeof rateLimitConfig>;
