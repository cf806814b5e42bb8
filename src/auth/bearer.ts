const BEARER = /^Bearer\s+(\S+)$/i;

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(headers: {
  authorization?: string | string[];
}): string | undefined {
  const header = headers.authorization;
  if (typeof header !== 'string') return undefined;
  return BEARER.exec(header)?.[1];
}
