import type { Answer } from './http.js';

/** One Set-Cookie header as a browser reads it. */
export interface SetCookie {
  value: string;
  /** Attribute names in lower case; flags (HttpOnly, Secure) map to true. */
  attributes: Record<string, string | true>;
}

/** The Set-Cookie headers of an answer, by cookie name. */
export function setCookies(answer: Answer): Record<string, SetCookie> {
  const cookies: Record<string, SetCookie> = {};
  for (const header of answer.headers.getSetCookie()) {
    const [pair, ...parts] = header.split(';').map((part) => part.trim());
    const at = pair.indexOf('=');
    const attributes: Record<string, string | true> = {};
    for (const part of parts) {
      const eq = part.indexOf('=');
      if (eq === -1) attributes[part.toLowerCase()] = true;
      else attributes[part.slice(0, eq).toLowerCase()] = part.slice(eq + 1);
    }
    cookies[pair.slice(0, at)] = {
      value: decodeURIComponent(pair.slice(at + 1)),
      attributes,
    };
  }
  return cookies;
}

/** A Cookie request header holding these cookies. */
export function cookieHeader(cookies: Record<string, string>): {
  cookie: string;
} {
  return {
    cookie: Object.entries(cookies)
      .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
      .join('; '),
  };
}
