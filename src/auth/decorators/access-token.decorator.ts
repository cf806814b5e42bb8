import {
  createParamDecorator,
  HttpStatus,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiException } from '../../common/errors/api-exception.js';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth-user.js';
import { requestToken } from './request-token.js';

/**
 * The caller's verified ACCESS token, for routes that act on the user at
 * Cognito (GetUser, TOTP enrolment). An ID token is refused with 401.
 */
export const AccessToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const request = context
      .switchToHttp()
      .getRequest<FastifyRequest & { user?: AuthUser }>();
    const token = requestToken(request);
    if (!token || request.user?.tokenUse !== 'access') {
      throw new ApiException(
        HttpStatus.UNAUTHORIZED,
        'UNAUTHORIZED',
        'This route needs the access token (not the ID token).',
      );
    }
    return token;
  },
);
