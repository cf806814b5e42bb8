import type { AuthUser } from '../auth-user.js';

/** A token that is well signed but not one this API accepts. */
export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError';
}

const MAX_BEARER_LENGTH = 8192;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Checks the header of a bearer value before any key is looked up: a JWT of
 * three base64url parts, RS256, with a `kid`. Returns the kid.
 */
export function checkHeader(token: string): string {
  if (token.length > MAX_BEARER_LENGTH || !JWT_SHAPE.test(token)) {
    throw new TokenRejectedError('not a JWT');
  }
  let header: unknown;
  try {
    header = JSON.parse(
      Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString(
        'utf8',
      ),
    );
  } catch {
    throw new TokenRejectedError('header is not JSON');
  }
  // One token, one spelling: a signature in a non-canonical base64url form
  // (other trailing bits, same bytes) is a different string for the same
  // token, and would be a second entry for the verified-token cache.
  const signature = token.slice(token.lastIndexOf('.') + 1);
  if (Buffer.from(signature, 'base64url').toString('base64url') !== signature) {
    throw new TokenRejectedError('signature not in canonical base64url');
  }
  const { alg, kid } = (header ?? {}) as { alg?: unknown; kid?: unknown };
  if (alg !== 'RS256') throw new TokenRejectedError('alg must be RS256');
  if (typeof kid !== 'string' || kid === '' || kid.length > 256) {
    throw new TokenRejectedError('kid missing');
  }
  return kid;
}

/** A time claim (`exp`, `iat`, `nbf`): a finite number of seconds. */
function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * The claims a verified Cognito token of this pool must carry beyond the
 * issuer and signature: `exp`, a `token_use` of `access` (with `client_id`
 * = the app client) or `id` (with `aud` = the app client), and a `sub`;
 * `iat` and `nbf`, when present, numeric (jsonwebtoken 9 refuses a
 * non-numeric `nbf` but never looks at `iat` without maxAge). Refresh
 * tokens, tokens of other clients and other kinds are refused.
 */
export function checkClaims(
  payload: Record<string, unknown>,
  clientId: string,
): AuthUser {
  const { exp, sub, token_use: tokenUse } = payload;
  if (!isTime(exp)) throw new TokenRejectedError('exp missing');
  for (const claim of ['iat', 'nbf'] as const) {
    if (payload[claim] !== undefined && !isTime(payload[claim])) {
      throw new TokenRejectedError(`${claim} is not a number`);
    }
  }
  if (typeof sub !== 'string' || sub === '')
    throw new TokenRejectedError('sub missing');
  if (tokenUse === 'access') {
    if (payload.client_id !== clientId)
      throw new TokenRejectedError('client_id mismatch');
  } else if (tokenUse === 'id') {
    if (payload.aud !== clientId) throw new TokenRejectedError('aud mismatch');
  } else {
    throw new TokenRejectedError('token_use must be access or id');
  }
  const groups = payload['cognito:groups'];
  const username =
    tokenUse === 'access' ? payload.username : payload['cognito:username'];
  return {
    sub,
    username: typeof username === 'string' ? username : sub,
    email: typeof payload.email === 'string' ? payload.email : undefined,
    name: typeof payload.name === 'string' ? payload.name : undefined,
    emailVerified:
      payload.email_verified === undefined
        ? undefined
        : payload.email_verified === true || payload.email_verified === 'true',
    groups: Array.isArray(groups)
      ? groups.filter((g): g is string => typeof g === 'string')
      : [],
    tokenUse,
    clientId,
    jti: typeof payload.jti === 'string' ? payload.jti : undefined,
    originJti:
      typeof payload.origin_jti === 'string' ? payload.origin_jti : undefined,
    eventId:
      typeof payload.event_id === 'string' ? payload.event_id : undefined,
    exp,
    authTime:
      typeof payload.auth_time === 'number' ? payload.auth_time : undefined,
  };
}
