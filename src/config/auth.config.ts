import { registerAs } from '@nestjs/config';

export const authConfig = registerAs('auth', () => ({
  /** Leeway for `exp` and `nbf`, in seconds. */
  clockSkewSeconds: Number(process.env.JWT_CLOCK_SKEW_SECONDS || 5),
  /** Longest wait for the JWKS endpoint. */
  jwksTimeoutMs: Number(process.env.JWKS_TIMEOUT_MS || 3000),
  /** Shortest time between two JWKS fetches caused by unknown `kid`s. */
  jwksRefetchCooldownMs: Number(process.env.JWKS_REFETCH_COOLDOWN_MS || 10_000),
  /**
   * Shortest time a failed password check takes to answer, so that an
   * unknown email and a wrong password cannot be told apart by timing.
   */
  failureMinMs: Number(process.env.AUTH_FAILURE_MIN_MS || 250),
}));

export type AuthConfig = ReturnType<typeof authConfig>;
