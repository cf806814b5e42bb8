const BEARER = /^Bearer\s+(\S+)$/i;

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(headers: {
  authorization?: string | string[];
}): string | undefined {
  const header = headers.authorization;
  if (typeof header !== 'string') return undefined;
  return BEARER.exec(header)?.[1];
}

/**
 * What JwtAuthGuard leaves on a guarded request: the token it checked, from
 * the Authorization header or, in cookie mode, from the access token cookie.
 */
export interface Credentials {
  authToken?: string;
}

/**
 * The token a request authenticated with: the guard's on a guarded route,
 * the Authorization header's on a public one (where the guard leaves none).
 */
export function credentialToken(
  request: Credentials & { headers: { authorization?: string | string[] } },
): string | undefined {
  return request.authToken ?? bearerToken(request.headers);
}
