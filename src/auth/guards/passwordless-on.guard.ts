import {
  HttpStatus,
  Inject,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiException } from '../../common/errors/api-exception.js';
import {
  cognitoConfig,
  type CognitoConfig,
} from '../../config/cognito.config.js';

const PASSWORDLESS_ROUTE = 'auth:passwordlessRoute';

/** A route (or a controller's routes) of passkeys and email codes: 404 while AUTH_PASSWORDLESS is off. */
export const PasswordlessRoute = (): ClassDecorator & MethodDecorator =>
  SetMetadata(PASSWORDLESS_ROUTE, true);

/** The 404 of a passwordless route while AUTH_PASSWORDLESS is off, as for a route that does not exist. */
export function passwordlessOff(method: string, url: string): ApiException {
  return new ApiException(
    HttpStatus.NOT_FOUND,
    'NOT_FOUND',
    `Cannot ${method} ${url.split('?')[0]}`,
  );
}

/**
 * Answers 404 NOT_FOUND for the routes marked @PasswordlessRoute() while
 * AUTH_PASSWORDLESS is off. A global guard registered before the JWT
 * guard, so that a request without a token gets the same 404 too.
 */
@Injectable()
export class PasswordlessOnGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(cognitoConfig.KEY) private readonly config: CognitoConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.config.passwordless) return true;
    const marked = this.reflector.getAllAndOverride<boolean | undefined>(
      PASSWORDLESS_ROUTE,
      [context.getHandler(), context.getClass()],
    );
    if (!marked) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    throw passwordlessOff(request.method, request.url);
  }
}
