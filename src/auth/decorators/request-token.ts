import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth-user.js';
import { bearerToken } from '../bearer.js';
import { sessionCookiesOf } from '../cookies/session-cookies.js';

/**
 * The token a request authenticated with, read from the request as the
 * guard read it: the bearer header's; on a guarded route reached without
 * an Authorization header, the access token cookie's (only cookie mode
 * lets such a request through the guard). On a public route (no user) the
 * bearer header's, if any.
 */
export function requestToken(
  request: FastifyRequest & { user?: AuthUser },
): string | undefined {
  if (request.headers.authorization !== undefined || !request.user) {
    return bearerToken(request.headers);
  }
  return sessionCookiesOf(request).accessToken;
}
