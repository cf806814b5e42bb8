import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { bearerToken } from '../bearer.js';

/** The bearer token of a guarded route as sent (already verified by the guard). */
export const RawBearerToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    bearerToken(
      context
        .switchToHttp()
        .getRequest<{ headers: { authorization?: string } }>().headers,
    ),
);
