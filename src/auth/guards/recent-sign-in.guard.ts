import {
  HttpStatus,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiException } from '../../common/errors/api-exception.js';
import { SENTENCE_BY_CODE } from '../../common/filters/api-exception.filter.js';
import { authConfig, type AuthConfig } from '../../config/auth.config.js';
import type { AuthUser } from '../auth-user.js';
import {
  RECENT_SIGN_IN,
  type RecentSignInRule,
} from '../decorators/recent-sign-in.decorator.js';
import { RouteMemo } from './route-memo.js';

/**
 * Enforces @RecentSignIn(): after JwtAuthGuard (the user is verified) and
 * before the body is validated or anything reaches Cognito, the token's
 * `auth_time` must be at most AUTH_RECENT_SIGN_IN_SECONDS old. A token
 * without `auth_time` cannot prove a recent sign-in and is refused too.
 */
@Injectable()
export class RecentSignInGuard implements CanActivate {
  private readonly routes = new RouteMemo<RecentSignInRule | null>(
    (handler) =>
      this.reflector.get<RecentSignInRule | undefined>(
        RECENT_SIGN_IN,
        handler,
      ) ?? null,
  );

  constructor(
    private readonly reflector: Reflector,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = this.routes.of(context);
    if (rule === null) return true;
    const request = context
      .switchToHttp()
      .getRequest<{ user?: AuthUser; body?: unknown }>();
    if (
      rule.whenBodyHas !== undefined &&
      !sends(request.body, rule.whenBodyHas)
    )
      return true;
    if (isRecent(request.user?.authTime, this.config.recentSignInSeconds))
      return true;
    throw new ApiException(
      HttpStatus.FORBIDDEN,
      'REAUTHENTICATION_REQUIRED',
      SENTENCE_BY_CODE.REAUTHENTICATION_REQUIRED!,
    );
  }
}

/** Whether a sign-in at `authTime` (seconds since the epoch) is at most `maxAgeSeconds` old. */
export function isRecent(
  authTime: number | undefined,
  maxAgeSeconds: number,
): boolean {
  return (
    authTime !== undefined && Date.now() / 1000 - authTime <= maxAgeSeconds
  );
}

function sends(body: unknown, field: string): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as Record<string, unknown>)[field] !== undefined
  );
}
