import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional } from 'class-validator';
import {
  IsWholeNumber,
  readEnvironment,
  readNamespace,
  type ConfigNamespace,
} from './variables.js';

export class AuthVariables {
  @IsWholeNumber(0, 300, 'seconds')
  JWT_CLOCK_SKEW_SECONDS?: number;

  @IsWholeNumber(100, 60_000, 'milliseconds')
  JWKS_TIMEOUT_MS?: number;

  @IsWholeNumber(0, 3_600_000, 'milliseconds')
  JWKS_REFETCH_COOLDOWN_MS?: number;

  @IsWholeNumber(0, 5_000, 'milliseconds')
  AUTH_FAILURE_MIN_MS?: number;

  @IsWholeNumber(1, 3650, 'days')
  REFRESH_TOKEN_VALIDITY_DAYS?: number;

  @IsWholeNumber(1, 86_400, 'seconds')
  AUTH_RECENT_SIGN_IN_SECONDS?: number;

  @IsWholeNumber(1, 1000, 'sessions')
  AUTH_MAX_SESSIONS_PER_USER?: number;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'AUTH_COOKIES must be true or false.' })
  AUTH_COOKIES?: 'true' | 'false';
}

/** Cookie mode for browser pages on the API's own origin (README, "Cookie mode"). */
export interface SessionCookieConfig {
  /**
   * Login, challenge and refresh also set the tokens as HttpOnly cookies,
   * and the guard accepts the access token from its cookie.
   */
  enabled: boolean;
  /** The `Secure` attribute: everywhere but the embedded mode (plain http on loopback). */
  secure: boolean;
}

export interface AuthConfig {
  /** Leeway for `exp` and `nbf`, in seconds. */
  clockSkewSeconds: number;
  /** Longest wait for the JWKS endpoint. */
  jwksTimeoutMs: number;
  /** Shortest time between two JWKS fetches caused by unknown `kid`s. */
  jwksRefetchCooldownMs: number;
  /**
   * Shortest time a failed password check takes to answer, so that an
   * unknown email and a wrong password cannot be told apart by timing.
   */
  failureMinMs: number;
  /**
   * The app client's refresh token lifetime: the longest a session can last,
   * so how long a logout or a sign-out cutoff is remembered.
   */
  refreshTokenValidityDays: number;
  /**
   * The oldest sign-in (the access token's `auth_time`) a route marked
   * @RecentSignIn() accepts, in seconds.
   */
  recentSignInSeconds: number;
  /** Sessions a user may have at once; a sign-in past it ends the oldest. */
  maxSessionsPerUser: number;
  cookies: SessionCookieConfig;
}

export const authNamespace: ConfigNamespace<AuthVariables, AuthConfig> = {
  variables: AuthVariables,
  // Embedded: the API serves this machine only, over http, to the demo page
  // at `/`, so cookie mode is on by default and its cookies are not Secure.
  parse: (env, _nodeEnv, { embedded }) => ({
    clockSkewSeconds: env.JWT_CLOCK_SKEW_SECONDS ?? 5,
    jwksTimeoutMs: env.JWKS_TIMEOUT_MS ?? 3000,
    jwksRefetchCooldownMs: env.JWKS_REFETCH_COOLDOWN_MS ?? 10_000,
    failureMinMs: env.AUTH_FAILURE_MIN_MS ?? 250,
    refreshTokenValidityDays: env.REFRESH_TOKEN_VALIDITY_DAYS ?? 30,
    recentSignInSeconds: env.AUTH_RECENT_SIGN_IN_SECONDS ?? 300,
    maxSessionsPerUser: env.AUTH_MAX_SESSIONS_PER_USER ?? 50,
    cookies: {
      enabled: env.AUTH_COOKIES ? env.AUTH_COOKIES === 'true' : embedded,
      secure: !embedded,
    },
  }),
};

export const authConfig = registerAs('auth', (): AuthConfig =>
  readNamespace(authNamespace, readEnvironment()),
);
