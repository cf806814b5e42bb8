import { HttpStatus, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiException } from '../../common/errors/api-exception.js';
import type { AuthUser } from '../auth-user.js';
import { IS_PUBLIC } from '../decorators/public.decorator.js';
import { JwksUnavailableError } from '../strategies/jwks-key-store.js';

/**
 * The global default-deny guard: every route needs a valid Cognito access or
 * ID token unless it is marked @Public().
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return super.canActivate(context) as Promise<boolean>;
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
    if (error || !user) {
      throw new ApiException(
        HttpStatus.UNAUTHORIZED,
        'UNAUTHORIZED',
        'A valid Cognito access or ID token is required (Authorization: Bearer <token>).',
      );
    }
    return user;
  }
}
