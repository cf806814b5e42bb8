import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiException } from '../../common/errors/api-exception.js';
import { authConfig, type AuthConfig } from '../../config/auth.config.js';
import { bearerToken } from '../bearer.js';

/** The access token, sent to every route of the API (the guard reads it). */
export const ACCESS_COOKIE = 'access_token';
/** The refresh token, sent only to the auth routes (refresh and logout read it). */
export const REFRESH_COOKIE = 'refresh_token';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
/**
 * The mark by which a page in cookie mode asks login, challenge and refresh
 * for cookies only: `X-Auth-Cookies: only`. The answer's body then carries
 * no token (only `expiresIn`, `tokenType` and `username`), so no script on
 * the page can read one. A header no other client sends for other reasons.
 */
export const COOKIES_ONLY_HEADER = 'x-auth-cookies';
export const COOKIES_ONLY_VALUE = 'only';

/** The session cookies a request carried. */
export interface SessionCookieValues {
  readonly accessToken?: string;
  readonly refreshToken?: string;
}

const NONE: SessionCookieValues = Object.freeze({});
const PARSED = Symbol('sessionCookies');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type CookieRequest = FastifyRequest & { [PARSED]?: SessionCookieValues };

/**
 * The session cookies a request carried, whatever the mode; none without a
 * Cookie header. The header is parsed once per request, only when asked.
 */
export function sessionCookiesOf(request: FastifyRequest): SessionCookieValues {
  const header = request.headers.cookie;
  if (header === undefined) return NONE;
  const carrier = request as CookieRequest;
  const parsed = carrier[PARSED];
  if (parsed) return parsed;
  const all = request.server.parseCookie(header);
  const values: SessionCookieValues = {
    ...(all[ACCESS_COOKIE] ? { accessToken: all[ACCESS_COOKIE] } : {}),
    ...(all[REFRESH_COOKIE] ? { refreshToken: all[REFRESH_COOKIE] } : {}),
  };
  carrier[PARSED] = values;
  return values;
}

/**
 * Cookie mode (AUTH_COOKIES): the tokens as HttpOnly, SameSite=Strict
 * cookies for a page on the API's own origin, and the rule that keeps other
 * sites from using them. Outside cookie mode it reads and writes nothing.
 */
@Injectable()
export class SessionCookies {
  readonly enabled: boolean;
  private readonly secure: boolean;
  private readonly maxAgeSeconds: number;

  constructor(@Inject(authConfig.KEY) config: AuthConfig) {
    this.enabled = config.cookies.enabled;
    this.secure = config.cookies.secure;
    // Both cookies live as long as the session can: the access token's own
    // `exp` still decides whether the guard takes it, and an expired one
    // names the user for the secret hash of a refresh by cookie.
    this.maxAgeSeconds = config.refreshTokenValidityDays * 24 * 60 * 60;
  }

  /**
   * The session cookies of a request; none outside cookie mode or without
   * a Cookie header. The header is parsed once per request, only when asked.
   */
  read(request: FastifyRequest): SessionCookieValues {
    return this.enabled ? sessionCookiesOf(request) : NONE;
  }

  /**
   * The token a request authenticates with: the Authorization header's
   * (a bearer client is never subject to the cookie rules, whatever cookies
   * its jar holds); without that header, in cookie mode, the access token
   * cookie's. What passport-jwt reads for the JwtStrategy.
   */
  tokenOf(request: FastifyRequest): string | undefined {
    return request.headers.authorization !== undefined || !this.enabled
      ? bearerToken(request.headers)
      : sessionCookiesOf(request).accessToken;
  }

  /** Sets the access token cookie, and the refresh token's when there is one. */
  issue(
    reply: FastifyReply,
    tokens: { accessToken: string; refreshToken?: string },
  ): void {
    void reply.setCookie(ACCESS_COOKIE, tokens.accessToken, this.options('/'));
    if (tokens.refreshToken) {
      void reply.setCookie(
        REFRESH_COOKIE,
        tokens.refreshToken,
        this.options(REFRESH_COOKIE_PATH),
      );
    }
  }

  /** Expires both cookies (Max-Age=0), each on its own path. */
  clear(reply: FastifyReply): void {
    void reply.clearCookie(ACCESS_COOKIE, this.options('/'));
    void reply.clearCookie(REFRESH_COOKIE, this.options(REFRESH_COOKIE_PATH));
  }

  /**
   * The rule for a state-changing request that uses a cookie: it must
   * carry X-Requested-With (which no HTML form can send, and which a
   * script of another site cannot send without a CORS preflight), or an
   * Origin equal to the API's own (the protocol and Host the request came
   * to; behind a proxy trusted by TRUST_PROXY, X-Forwarded-Proto and
   * X-Forwarded-Host). Else 403 FORBIDDEN.
   */
  assertFromOwnPage(request: FastifyRequest): void {
    if (SAFE_METHODS.has(request.method)) return;
    const requestedWith = request.headers['x-requested-with'];
    if (typeof requestedWith === 'string' && requestedWith.trim() !== '') {
      return;
    }
    const origin = request.headers.origin;
    if (
      typeof origin === 'string' &&
      origin.toLowerCase() ===
        `${request.protocol}://${request.host}`.toLowerCase()
    ) {
      return;
    }
    throw new ApiException(
      HttpStatus.FORBIDDEN,
      'FORBIDDEN',
      'A request that authenticates by cookie and changes state must send the header X-Requested-With (or come from the API’s own origin).',
    );
  }

  private options(path: string): CookieSerializeOptions {
    return {
      path,
      httpOnly: true,
      sameSite: 'strict',
      secure: this.secure,
      maxAge: this.maxAgeSeconds,
    };
  }
}
