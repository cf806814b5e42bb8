import {
  HttpStatus,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiException } from '../../common/errors/api-exception.js';
import {
  cognitoConfig,
  type CognitoConfig,
} from '../../config/cognito.config.js';

/** The 404 of a passwordless route while AUTH_PASSWORDLESS is off, as for a route that does not exist. */
export function passwordlessOff(method: string, url: string): ApiException {
  return new ApiException(
    HttpStatus.NOT_FOUND,
    'NOT_FOUND',
    `Cannot ${method} ${url.split('?')[0]}`,
  );
}

/** Passkeys and email codes answer 404 NOT_FOUND while AUTH_PASSWORDLESS is off. */
@Injectable()
export class PasswordlessOnGuard implements CanActivate {
  constructor(
    @Inject(cognitoConfig.KEY) private readonly config: CognitoConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.config.passwordless) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    throw passwordlessOff(request.method, request.url);
  }
}
