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
import { normalizeIp } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { catchError, switchMap, tap, throwError, timer } from 'rxjs';
import type { Observable } from 'rxjs';
import { ApiException } from '../../common/errors/api-exception.js';
import { validEmail } from '../../common/validation/email.decorator.js';
import { EmailRateLimiter, type EmailBucket } from './email-rate-limiter.js';

const EMAIL_BUCKET = 'auth:emailBucket';

/**
 * Limits a route per email (the body's `email`): `requests` counts every
 * request with a valid body; `failedPasswords` counts answers of
 * INVALID_CREDENTIALS per (email, client address) and per email (see
 * EmailRateLimiter); `challenges` counts every request per (email, client
 * address), and a challenge session refused (401: forged, replayed,
 * expired, another user's) like a failed password; `passwordless` counts
 * every request per (email, client address), and one asking for an email
 * code (`method` EMAIL_OTP) also per email. The OpenAPI document
 * derives its 429 from the interceptor.
 */
export const LimitPerEmail = (bucket: EmailBucket): MethodDecorator =>
  applyDecorators(
    SetMetadata(EMAIL_BUCKET, bucket),
    UseInterceptors(EmailRateLimitInterceptor),
  );

/** The body was refused before anything was asked of the identity provider. */
function refusedBody(error: unknown): boolean {
  return (
    error instanceof ApiException &&
    (error.code === 'VALIDATION_FAILED' || error.code === 'PASSWORD_POLICY')
  );
}

function wrongPassword(error: unknown): boolean {
  return error instanceof ApiException && error.code === 'INVALID_CREDENTIALS';
}

/** A challenge answer refused for its session or its credentials (401). */
function refusedChallenge(error: unknown): boolean {
  return (
    wrongPassword(error) ||
    (error instanceof ApiException && error.code === 'UNAUTHORIZED')
  );
}

/**
 * Interceptors run before the validation pipe, so the email is checked
 * here with the DTOs' own rule: a body whose email they would refuse is
 * not counted at all (nor stored: a 60 KB string never reaches a store),
 * and a count taken for a body refused for another field is given back.
 */
@Injectable()
export class EmailRateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: EmailRateLimiter,
  ) {}

  async intercept(
    context: ExecutionContext,
    next: CallHandler,
  ): Promise<Observable<unknown>> {
    const bucket = this.reflector.get<EmailBucket | undefined>(
      EMAIL_BUCKET,
      context.getHandler(),
    );
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const email = validEmail(
      (request.body as { email?: unknown } | undefined)?.email,
    );
    if (!bucket || email === undefined) return next.handle();
    // As the per-IP throttler counts it: an IPv6 client by its /64.
    const address = normalizeIp(request.ip);
    if (bucket === 'passwordless') {
      const method = (request.body as { method?: unknown }).method;
      return this.passwordlessStart(
        email,
        address,
        method === 'EMAIL_OTP',
        next.handle(),
      );
    }
    if (bucket === 'requests' || bucket === 'challenges') {
      const giveBack = await this.limiter.takeRequest(
        email,
        bucket === 'challenges' ? address : undefined,
      );
      const handled = next.handle().pipe(
        catchError((error: unknown) => {
          if (refusedBody(error)) giveBack();
          return throwError(() => error);
        }),
      );
      if (bucket === 'requests') return handled;
      return this.asSignIn(email, address, handled, refusedChallenge);
    }
    return this.asSignIn(email, address, next.handle(), wrongPassword);
  }

  /**
   * POST /auth/login/passwordless: every request per (email, address), as
   * /challenge; one that makes Cognito email a code also per email, as the
   * other routes that make Cognito send a message.
   */
  private async passwordlessStart(
    email: string,
    address: string,
    sendsMessage: boolean,
    handled: Observable<unknown>,
  ): Promise<Observable<unknown>> {
    const giveBackPair = await this.limiter.takeRequest(email, address);
    let giveBackEmail = (): void => undefined;
    if (sendsMessage) {
      try {
        giveBackEmail = await this.limiter.takeRequest(email);
      } catch (error) {
        giveBackPair();
        throw error;
      }
    }
    return handled.pipe(
      catchError((error: unknown) => {
        if (refusedBody(error)) {
          giveBackPair();
          giveBackEmail();
        }
        return throwError(() => error);
      }),
    );
  }

  /**
   * Runs `handled` as one password attempt of (email, address): only a
   * refusal (`refused`) keeps it counted; a success, a fault (500, 503) or
   * a refused body gives it back.
   */
  private async asSignIn(
    email: string,
    address: string,
    handled: Observable<unknown>,
    refused: (error: unknown) => boolean,
  ): Promise<Observable<unknown>> {
    const attempt = await this.limiter.takePasswordAttempt(email, address);
    const answer = handled.pipe(
      tap(() => attempt.giveBack()),
      catchError((error: unknown) => {
        if (refused(error)) attempt.failed();
        else attempt.giveBack();
        return throwError(() => error);
      }),
    );
    return attempt.delayMs > 0
      ? timer(attempt.delayMs).pipe(switchMap(() => answer))
      : answer;
  }
}
