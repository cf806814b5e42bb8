/*
 * The services of src/auth built on fakes, for their unit specs (AuthService,
 * PasswordService, TotpService, the sessions).
 */
import type { AuthConfig } from '../../src/config/auth.config.js';
import { loadConfig } from '../../src/config/env.validation.js';
import type { FakeCognitoGateway } from './fake-cognito-gateway.js';
import type { AuthUser } from '../../src/auth/auth-user.js';
import { AuthService } from '../../src/auth/auth.service.js';
import { EmailRateLimiter } from '../../src/auth/rate-limit/email-rate-limiter.js';
import { RevokedSessions } from '../../src/auth/sessions/revoked-sessions.js';
import { SessionRecords } from '../../src/auth/sessions/session-records.js';
import { MemorySharedStore } from '../../src/store/memory.store.js';
import { TokenRejectedError } from '../../src/auth/verification/token-claims.js';
import type { TokenVerifier } from '../../src/auth/verification/token-verifier.js';

/** The app's session settings (REFRESH_TOKEN_VALIDITY_DAYS 30, skew 5 s). */
const SESSION_CONFIG = loadConfig({}).auth;

/** The app's defaults, with no failure delay (a spec of its own checks it). */
export const CONFIG = loadConfig({ AUTH_FAILURE_MIN_MS: '0' });

function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A compact JWT of `payload` with a fake signature: what a service decodes, never verifies. */
function unsignedJwt(payload: Record<string, unknown>): string {
  return `${part({ alg: 'RS256', kid: 'k1' })}.${part(payload)}.c2lnbmF0dXJl`;
}

/** An access and an ID token of one sign-in, for the services that read their claims. */
export const ACCESS_TOKEN = unsignedJwt({
  token_use: 'access',
  iat: 1_900_000_000,
  exp: 1_900_000_900,
});
export const ID_TOKEN = unsignedJwt({
  token_use: 'id',
  iat: 1_900_000_000,
  exp: 1_900_000_900,
});

/** Whose tokens a fake sign-in gives. */
export const USER = {
  username: 'uuid-user',
  sub: 'uuid-user',
  sessionStartedAt: Math.floor(Date.now() / 1000) - 60,
};

/** A verifier that knows the tokens of `users` and refuses any other. */
export function verifierOf(
  users: Record<string, Partial<AuthUser>> = {},
): TokenVerifier & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    verify: (token: string, options?: unknown) => {
      calls.push([token, options]);
      const user = users[token];
      return user
        ? Promise.resolve(user as AuthUser)
        : Promise.reject(new TokenRejectedError('unknown token'));
    },
  } as unknown as TokenVerifier & { calls: unknown[][] };
}

export function serviceOf(
  gateway: FakeCognitoGateway,
  {
    store = new MemorySharedStore(),
    revoked = new RevokedSessions(store, SESSION_CONFIG),
    config = CONFIG.auth,
    verifier = verifierOf(),
    limiter = new EmailRateLimiter(CONFIG.rateLimit, new MemorySharedStore()),
  }: {
    /** The store of the session records (and of `revoked` when not given). */
    store?: MemorySharedStore;
    revoked?: RevokedSessions;
    config?: AuthConfig;
    verifier?: TokenVerifier;
    limiter?: EmailRateLimiter;
  } = {},
): AuthService {
  const sessions = new SessionRecords(store, SESSION_CONFIG, revoked);
  return new AuthService(gateway, revoked, config, verifier, limiter, sessions);
}
