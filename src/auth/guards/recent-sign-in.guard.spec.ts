import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiException } from '../../common/errors/api-exception.js';
import type { AuthConfig } from '../../config/auth.config.js';
import type { AuthUser } from '../auth-user.js';
import { RecentSignIn } from '../decorators/recent-sign-in.decorator.js';
import { RecentSignInGuard } from './recent-sign-in.guard.js';

const NOW_S = 1_900_000_000;

class Routes {
  @RecentSignIn()
  always(): void {}

  @RecentSignIn({ whenBodyHas: 'email' })
  emailChange(): void {}

  open(): void {}
}

function contextOf(
  handler: keyof Routes,
  user: Partial<AuthUser> | undefined,
  body?: unknown,
): ExecutionContext {
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ user, body }) }),
  } as unknown as ExecutionContext;
}

describe('RecentSignInGuard', () => {
  const guard = new RecentSignInGuard(new Reflector(), {
    recentSignInSeconds: 300,
  } as AuthConfig);
  const judge = (
    handler: keyof Routes,
    authTime: number | undefined,
    body?: unknown,
  ): true | string => {
    try {
      return guard.canActivate(contextOf(handler, { authTime }, body)) as true;
    } catch (error) {
      expect(error).toBeInstanceOf(ApiException);
      const refusal = error as ApiException;
      return `${refusal.getStatus()} ${refusal.code}`;
    }
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW_S * 1000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets in a sign-in at most AUTH_RECENT_SIGN_IN_SECONDS old', () => {
    expect(judge('always', NOW_S)).toBe(true);
    expect(judge('always', NOW_S - 300)).toBe(true);
  });

  it('refuses an older sign-in, and a token without auth_time: 403 REAUTHENTICATION_REQUIRED', () => {
    expect(judge('always', NOW_S - 301)).toBe('403 REAUTHENTICATION_REQUIRED');
    expect(judge('always', undefined)).toBe('403 REAUTHENTICATION_REQUIRED');
  });

  it('judges a conditional route only when its body sends the field', () => {
    const stale = NOW_S - 3600;
    expect(judge('emailChange', stale, { name: 'Brock' })).toBe(true);
    expect(judge('emailChange', stale, undefined)).toBe(true);
    expect(judge('emailChange', stale, { email: 'a@b.c' })).toBe(
      '403 REAUTHENTICATION_REQUIRED',
    );
    expect(judge('emailChange', NOW_S, { email: 'a@b.c' })).toBe(true);
  });

  it('leaves routes without @RecentSignIn() alone', () => {
    expect(judge('open', undefined)).toBe(true);
  });
});
