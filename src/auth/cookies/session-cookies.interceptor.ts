import {
  applyDecorators,
  createParamDecorator,
  HttpStatus,
  Injectable,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, map, tap, throwError, type Observable } from 'rxjs';
import { ApiException } from '../../common/errors/api-exception.js';
import {
  COOKIES_ONLY_HEADER,
  COOKIES_ONLY_VALUE,
  SessionCookies,
  type SessionCookieValues,
} from './session-cookies.js';

/**
 * What a route does with the session cookies in cookie mode:
 * - `issue` (login, challenge): an answer with tokens sets both cookies;
 *   asked with `X-Auth-Cookies: only`, its body keeps no token;
 * - `refresh`: the refresh token may come from its cookie; the new tokens
 *   are set, and a refresh token cookie that is refused (401) is cleared;
 *   a refresh by the cookie (or asked with the mark) answers no token in
 *   its body: a script on the page must never obtain one;
 * - `end` (logout, sign-outs, password change and reset, account
 *   deletion): a success clears the cookies the request carried.
 */
export type SessionCookieRole = 'issue' | 'refresh' | 'end';

const ROLE = 'auth:sessionCookieRole';

export const SessionCookieRoute = (role: SessionCookieRole): MethodDecorator =>
  applyDecorators(
    SetMetadata(ROLE, role),
    UseInterceptors(SessionCookiesInterceptor),
  );

const NONE: SessionCookieValues = Object.freeze({});
const CARRIED = Symbol('carriedSessionCookies');
type CarryingRequest = FastifyRequest & {
  [CARRIED]?: SessionCookieValues;
};

/**
 * The session cookies of a route marked with @SessionCookieRoute (none
 * outside cookie mode). Cookie values are credentials: only the handler
 * decides whether one stands in for a body field.
 */
export const SessionCookiesSent = createParamDecorator(
  (_data: unknown, context: ExecutionContext): SessionCookieValues =>
    context.switchToHttp().getRequest<CarryingRequest>()[CARRIED] ?? NONE,
);

function hasTokens(
  answer: unknown,
): answer is { accessToken: string; refreshToken?: string } {
  return (
    typeof answer === 'object' &&
    answer !== null &&
    typeof (answer as { accessToken?: unknown }).accessToken === 'string'
  );
}

/** What a body in cookie mode keeps of a tokens answer: no token. */
export interface CookieSessionAnswer {
  expiresIn: number;
  tokenType: 'Bearer';
  username?: string;
}

function withoutTokens(answer: object): CookieSessionAnswer {
  const { expiresIn, username } = answer as {
    expiresIn?: unknown;
    username?: unknown;
  };
  return {
    expiresIn: expiresIn as number,
    tokenType: 'Bearer',
    ...(typeof username === 'string' ? { username } : {}),
  };
}

/** The page asked for cookies only (COOKIES_ONLY_HEADER). */
function asksCookiesOnly(request: FastifyRequest): boolean {
  return request.headers[COOKIES_ONLY_HEADER] === COOKIES_ONLY_VALUE;
}

/** The refresh token a refresh body names, if it names one. */
function bodyRefreshToken(body: unknown): unknown {
  return typeof body === 'object' && body !== null
    ? (body as { refreshToken?: unknown }).refreshToken
    : undefined;
}

@Injectable()
export class SessionCookiesInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly cookies: SessionCookies,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.cookies.enabled) return next.handle();
    const role = this.reflector.get<SessionCookieRole>(
      ROLE,
      context.getHandler(),
    );
    const http = context.switchToHttp();
    const request = http.getRequest<CarryingRequest>();
    const reply = http.getResponse<FastifyReply>();
    const carried = this.cookies.read(request);
    request[CARRIED] = carried;
    switch (role) {
      case 'issue': {
        const cookiesOnly = asksCookiesOnly(request);
        return next.handle().pipe(
          map((answer: unknown) => {
            if (!hasTokens(answer)) return answer;
            this.cookies.issue(reply, answer);
            return cookiesOnly ? withoutTokens(answer) : answer;
          }),
        );
      }
      case 'refresh':
        return this.refresh(request, reply, carried, next);
      case 'end':
        return next.handle().pipe(
          tap(() => {
            if (carried.accessToken || carried.refreshToken) {
              this.cookies.clear(reply);
            }
          }),
        );
    }
  }

  private refresh(
    request: FastifyRequest,
    reply: FastifyReply,
    carried: SessionCookieValues,
    next: CallHandler,
  ): Observable<unknown> {
    const byCookie =
      carried.refreshToken !== undefined &&
      bodyRefreshToken(request.body) == null;
    // A bearer client is never subject to the cookie rule.
    if (byCookie && request.headers.authorization === undefined) {
      this.cookies.assertFromOwnPage(request);
    }
    // Authenticated by the cookie, or asked by the page: the tokens stay in
    // the cookies, out of any script's reach.
    const cookiesOnly = byCookie || asksCookiesOnly(request);
    return next.handle().pipe(
      map((answer: unknown) => {
        if (!hasTokens(answer)) return answer;
        this.cookies.issue(reply, answer);
        return cookiesOnly ? withoutTokens(answer) : answer;
      }),
      catchError((error: unknown) => {
        if (
          byCookie &&
          error instanceof ApiException &&
          error.getStatus() === (HttpStatus.UNAUTHORIZED as number)
        ) {
          // The session is over: the page learns it from the 401, and the
          // browser stops sending a refresh token nobody will take.
          this.cookies.clear(reply);
        }
        return throwError(() => error);
      }),
    );
  }
}
