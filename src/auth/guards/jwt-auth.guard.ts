import {
  HttpStatus,
  Injectable,
  SetMetadata,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiException } from '../../common/errors/api-exception.js';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth-user.js';
import { bearerToken, type Credentials } from '../bearer.js';
import { SessionCookies } from '../cookies/session-cookies.js';
import { IS_PUBLIC } from '../decorators/public.decorator.js';
import { JwksUnavailableError } from '../verification/jwks-key-store.js';
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

type GuardedRequest = FastifyRequest & Credentials & { user?: AuthUser };

/**
 * The global default-deny guard: every route needs a valid Cognito access or
 * ID token unless it is marked @Public(). The token is the Authorization
 * header's; without that header, in cookie mode, the access token cookie's
 * (and then a state-changing request must prove it comes from the API's own
 * page: SessionCookies.assertFromOwnPage). A token seen before is answered
 * from the verified-token cache; a new one goes through passport-jwt
 * (JwtStrategy) and, once verified, into the cache. Either way, a token of
 * a logged-out session is refused.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly cache: VerifiedTokenCache,
    private readonly revoked: RevokedSessions,
    private readonly cookies: SessionCookies,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const token = this.tokenOf(request);
    const cached = token ? this.cache.get(token) : undefined;
    const endedAllowed =
      this.reflector.get<boolean>(
        ENDED_SESSION_ALLOWED,
        context.getHandler(),
      ) === true;
    if (cached) return this.admit(request, cached, endedAllowed);
    return this.verify(context, request, token, endedAllowed);
  }

  /**
   * The header's token whenever an Authorization header is sent (a bearer
   * client is never subject to the cookie rules, whatever cookies its jar
   * holds); else the access token cookie. Kept on the request for the
   * strategy and the token decorators.
   */
  private tokenOf(request: GuardedRequest): string | undefined {
    const { headers } = request;
    let token: string | undefined;
    if (headers.authorization !== undefined || !this.cookies.enabled) {
      token = bearerToken(headers);
    } else {
      token = this.cookies.read(request).accessToken;
      if (token) this.cookies.assertFromOwnPage(request);
    }
    request.authToken = token;
    return token;
  }

  private async admit(
    request: GuardedRequest,
    user: AuthUser,
    endedAllowed: boolean,
  ): Promise<boolean> {
    if (!endedAllowed && (await this.revoked.isRevoked(user))) {
      throw unauthorized();
    }
    request.user = user;
    return true;
  }

  private async verify(
    context: ExecutionContext,
    request: GuardedRequest,
    token: string | undefined,
    endedAllowed: boolean,
  ): Promise<boolean> {
    const allowed = (await super.canActivate(context)) as boolean;
    if (!allowed || !request.user) return allowed;
    if (!endedAllowed && (await this.revoked.isRevoked(request.user))) {
      throw unauthorized();
    }
    if (token) this.cache.set(token, request.user);
    return true;
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
      throw new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        'IDP_UNAVAILABLE',
        'The identity provider cannot be reached to check the token; try again later.',
      );
    }
    if (error || !user) throw unauthorized();
    return user;
  }
}

function unauthorized(): ApiException {
  return new ApiException(
    HttpStatus.UNAUTHORIZED,
    'UNAUTHORIZED',
    'A valid Cognito access or ID token is required (Authorization: Bearer <token>).',
  );
}
