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

/**
 * A sign-in answered with `X-Auth-Cookies: only`: 200, no token in the
 * body, the access and refresh tokens in cookies. Gives the cookies.
 */
export function expectCookieOnlySignIn(
  answer: Answer,
): Record<string, SetCookie> {
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({
    expiresIn: expect.any(Number),
    tokenType: 'Bearer',
    username: expect.any(String),
  });
  const cookies = setCookies(answer);
  expect(cookies.access_token.value).toMatch(/^ey/);
  expect(cookies.refresh_token.value).toEqual(expect.any(String));
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

/**
 * A browser's jar, as far as this API needs one: it keeps what Set-Cookie
 * says (Max-Age=0 removes), and sends a cookie only to paths under its
 * Path.
 */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  store(answer: Answer): this {
    for (const [name, cookie] of Object.entries(setCookies(answer))) {
      if (cookie.attributes['max-age'] === '0') this.cookies.delete(name);
      else {
        const path = cookie.attributes.path;
        this.cookies.set(name, {
          value: cookie.value,
          path: typeof path === 'string' ? path : '/',
        });
      }
    }
    return this;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  /** The Cookie header a browser sends to `path`. */
  header(path: string): { cookie: string } | Record<string, never> {
    const sent = Object.fromEntries(
      [...this.cookies]
        .filter(([, { path: scope }]) => underPath(path, scope))
        .map(([name, { value }]) => [name, value]),
    );
    return Object.keys(sent).length > 0 ? cookieHeader(sent) : {};
  }
}

function underPath(path: string, scope: string): boolean {
  const pathname = path.split('?')[0];
  return (
    scope === '/' ||
    pathname === scope ||
    pathname.startsWith(scope.endsWith('/') ? scope : `${scope}/`)
  );
}
