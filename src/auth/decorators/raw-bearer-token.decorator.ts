import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { requestToken } from './request-token.js';

/**
 * The token of the request as sent: on a guarded route the one the guard
 * verified (the bearer token, or the access token cookie in cookie mode); on
 * a public route the bearer token, if any.
 */
export const RawBearerToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    requestToken(context.switchToHttp().getRequest()),
);
