import {
  HttpStatus,
  Injectable,
  Optional,
  SetMetadata,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiException } from '../../common/errors/api-exception.js';
import { Metrics, type TokenOutcome } from '../../metrics/metrics.js';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth-user.js';
import { SessionCookies } from '../cookies/session-cookies.js';
import { IS_PUBLIC } from '../decorators/public.decorator.js';
import { JwksUnavailableError } from '../verification/jwks-key-store.js';
import { RouteMemo } from './route-memo.js';
import { RevokedSessions } from '../sessions/revoked-sessions.js';
import { VerifiedTokenCache } from '../verification/verified-token.cache.js';

const ENDED_SESSION_ALLOWED = 'auth:endedSessionAllowed';

/**
 * For logout only: a token of a session already ended is still let in
 * (its signature, expiry and issuer are checked as ever), so that a logout
 * retried after a 503 whose write landed late (Redis was slow) answers 204
 * rather than 401. Ending an ended session again changes nothing.
 */
export const AllowEndedSession = (): MethodDecorator =>
  SetMetadata(ENDED_SESSION_ALLOWED, true);

type GuardedRequest = FastifyRequest & { user?: AuthUser };

/** What the guard needs to know of a route: read once per handler and class. */
interface RouteRules {
  isPublic: boolean;
  endedAllowed: boolean;
}

/**
 * The global default-deny guard: every route needs a valid Cognito access or
 * ID token unless it is marked @Public(). The token is the Authorization
 * header's; without that header, in cookie mode, the access token cookie's
 * (and then a state-changing request must prove it comes from the API's own
 * page: SessionCookies.assertFromOwnPage). The path: a token seen before
 * is answered from the verified-token cache; else passport-jwt verifies it
 * (JwtStrategy, which reads the token itself: SessionCookies.tokenOf);
 * then the session check (a token of a logged-out session is refused);
 * then, verified and live, it goes into the cache. A cached token whose
 * session the store can judge from memory (always in memory, and with
 * Redis once the mirror is loaded) is answered synchronously: no promise
 * on the common path. The guard leaves only `request.user`.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  private readonly routes = new RouteMemo<RouteRules>(
    (handler, controller) => ({
      isPublic:
        this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
          handler,
          controller,
        ]) === true,
      endedAllowed:
        this.reflector.get<boolean>(ENDED_SESSION_ALLOWED, handler) === true,
    }),
  );

  constructor(
    private readonly reflector: Reflector,
    private readonly cache: VerifiedTokenCache,
    private readonly revoked: RevokedSessions,
    private readonly cookies: SessionCookies,
    @Optional() private readonly metrics?: Metrics,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const rules = this.routes.of(context);
    if (rules.isPublic) return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    // A bearer client is never subject to the cookie rules, whatever
    // cookies its jar holds.
    const fromHeader =
      request.headers.authorization !== undefined || !this.cookies.enabled;
    const credential = fromHeader
      ? headerCredential(request)
      : this.cookieCredential(request);
    const cached = credential
      ? this.cache.get(credential, fromHeader)
      : undefined;
    if (!cached) {
      return this.verify(context, request, credential, rules.endedAllowed);
    }
    const ended = rules.endedAllowed
      ? false
      : this.revoked.isRevokedNow(cached.user);
    if (ended === undefined) return this.admit(request, cached.user);
    if (ended) throw this.revokedSession();
    this.metrics?.tokenVerification('cached');
    request.user = cached.user;
    return true;
  }

  /** In cookie mode, the access token cookie, once the request proved it comes from the API's own page. */
  private cookieCredential(request: GuardedRequest): string | undefined {
    const token = this.cookies.read(request).accessToken;
    if (token) this.cookies.assertFromOwnPage(request);
    return token;
  }

  /** A cached token whose session only the store's async path can judge. */
  private async admit(
    request: GuardedRequest,
    user: AuthUser,
  ): Promise<boolean> {
    if (await this.revoked.isRevoked(user)) throw this.revokedSession();
    this.metrics?.tokenVerification('cached');
    request.user = user;
    return true;
  }

  private async verify(
    context: ExecutionContext,
    request: GuardedRequest,
    credential: string | undefined,
    endedAllowed: boolean,
  ): Promise<boolean> {
    const allowed = (await super.canActivate(context)) as boolean;
    const { user } = request;
    if (!allowed || !user) return allowed;
    if (!endedAllowed && (await this.revoked.isRevoked(user))) {
      throw this.revokedSession();
    }
    this.metrics?.tokenVerification('valid');
    if (credential)
      this.cache.set(
        credential,
        user,
        this.cookies.tokenOf(request) ?? credential,
      );
    return true;
  }

  /** A token of a logged-out session: 401, counted as revoked. */
  private revokedSession(): ApiException {
    this.metrics?.tokenVerification('revoked');
    return this.unauthorized();
  }

  /** 401 naming where a token may come from: the bearer header, and in cookie mode the cookie. */
  private unauthorized(): ApiException {
    return new ApiException(
      HttpStatus.UNAUTHORIZED,
      'UNAUTHORIZED',
      this.cookies.enabled ? BEARER_OR_COOKIE : BEARER_ONLY,
    );
  }

  override handleRequest<T = AuthUser>(
    error: unknown,
    user: T | false,
    info: unknown,
  ): T {
    if (
      error instanceof JwksUnavailableError ||
      info instanceof JwksUnavailableError
    ) {
      this.metrics?.tokenVerification('unavailable');
      throw new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        'IDP_UNAVAILABLE',
        'The identity provider cannot be reached to check the token; try again later.',
      );
    }
    if (error || !user) {
      this.metrics?.tokenVerification(refusal(error ?? info));
      throw this.unauthorized();
    }
    return user;
  }
}

/** Why passport-jwt refused a token, in the words of token_verifications_total. */
function refusal(reason: unknown): TokenOutcome {
  if (!(reason instanceof Error)) return 'invalid';
  if (reason.name === 'TokenExpiredError') return 'expired';
  // passport-jwt's words when the request carries no token at all.
  return reason.message === 'No auth token' ? 'missing' : 'invalid';
}

/** The Authorization header as sent: the cache knows one seen before without parsing it. */
function headerCredential(request: GuardedRequest): string | undefined {
  const { authorization } = request.headers;
  return typeof authorization === 'string' ? authorization : undefined;
}

const REQUIRED =
  'A valid Cognito access or ID token is required (Authorization: Bearer <token>';
const BEARER_ONLY = `${REQUIRED}).`;
const BEARER_OR_COOKIE = `${REQUIRED}, or the access_token cookie of a login).`;
