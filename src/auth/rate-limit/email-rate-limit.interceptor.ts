import {
  applyDecorators,
  Injectable,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { catchError, tap, throwError, type Observable } from 'rxjs';
import { ApiException } from '../../common/errors/api-exception.js';
import { ErrorResponse } from '../../common/errors/error-response.dto.js';
import { EmailRateLimiter, type EmailBucket } from './email-rate-limiter.js';

const EMAIL_BUCKET = 'auth:emailBucket';

/**
 * Limits a route per email (the body's `email`): `requests` counts every
 * request; `failedPasswords` counts answers of INVALID_CREDENTIALS (each
 * attempt is counted when it starts and given back unless the password was
 * refused, so parallel guesses are counted too).
 */
export const LimitPerEmail = (bucket: EmailBucket): MethodDecorator =>
  applyDecorators(
    SetMetadata(EMAIL_BUCKET, bucket),
    UseInterceptors(EmailRateLimitInterceptor),
    ApiTooManyRequestsResponse({
      type: ErrorResponse,
      description: 'TOO_MANY_REQUESTS, with Retry-After',
    }),
  );

@Injectable()
export class EmailRateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: EmailRateLimiter,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const bucket = this.reflector.get<EmailBucket | undefined>(
      EMAIL_BUCKET,
      context.getHandler(),
    );
    const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    const email = (body as { email?: unknown } | undefined)?.email;
    if (!bucket || typeof email !== 'string') return next.handle();
    const giveBack = this.limiter.take(bucket, email);
    if (bucket === 'requests') return next.handle();
    // Only a refused password keeps the attempt counted.
    return next.handle().pipe(
      tap(() => giveBack()),
      catchError((error: unknown) => {
        const wrongPassword =
          error instanceof ApiException && error.code === 'INVALID_CREDENTIALS';
        if (!wrongPassword) giveBack();
        return throwError(() => error);
      }),
    );
  }
}
