/**
 * Whether the answer to this URL may carry tokens, codes or secrets and so
 * must never be kept by a browser or a proxy cache (`Cache-Control:
 * no-store`): every route under `/api/v1/auth` (errors too) and the dev
 * outbox. `prefixes` are paths without a trailing slash, e.g.
 * `/api/v1/auth`; a URL matches one exactly or below it, with or without a
 * query.
 */
export function noStorePaths(
  prefixes: readonly string[],
): (url: string) => boolean {
  return (url) => {
    for (const prefix of prefixes) {
      if (!url.startsWith(prefix)) continue;
      const next = url.charCodeAt(prefix.length);
      // End of the URL, '/', '?'.
      if (Number.isNaN(next) || next === 0x2f || next === 0x3f) return true;
    }
    return false;
  };
}
