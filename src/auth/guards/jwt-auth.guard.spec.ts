import { loadConfig } from '../../config/env.validation.js';
import { HttpStatus, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiException } from '../../common/errors/api-exception.js';
import type { AuthUser } from '../auth-user.js';
import { Public } from '../decorators/public.decorator.js';
import { requestToken } from '../decorators/request-token.js';
import { JwksUnavailableError } from '../verification/jwks-key-store.js';
import { AllowEndedSession, JwtAuthGuard } from './jwt-auth.guard.js';
import { rejectionOf } from '../../../test/support/rejection.js';
import { SessionCookies } from '../cookies/session-cookies.js';
import { RevokedSessions } from '../sessions/revoked-sessions.js';
import { MemorySharedStore } from '../../store/memory.store.js';
import { VerifiedTokenCache } from '../verification/verified-token.cache.js';

/** The app's session settings (REFRESH_TOKEN_VALIDITY_DAYS 30, skew 5 s). */
const SESSION_CONFIG = loadConfig({}).auth;

class Routes {
  @Public()
  open(this: void): void {}

  closed(this: void): void {}
  @AllowEndedSession()
  logout(this: void): void {}
}

@Public()
class OpenRoutes {
  anything(this: void): void {}
}

interface FakeRequest {
  headers: Record<string, string | undefined>;
  user?: AuthUser;
}

/** What JwtAuthGuard extends: AuthGuard('jwt'), whose canActivate runs passport. */
const passportGuard = Object.getPrototypeOf(JwtAuthGuard.prototype) as {
  canActivate(context: ExecutionContext): Promise<boolean>;
};

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1dWlkLWFzaCJ9.c2ln';
const HEADER = `Bearer ${TOKEN}`;
const NOW_S = Math.floor(Date.now() / 1000);

function user(overrides: Partial<AuthUser> = {}): AuthUser {
  return {
    sub: 'uuid-ash',
    username: 'uuid-ash',
    groups: [],
    tokenUse: 'access',
    clientId: 'client123',
    jti: 'jti-1',
    originJti: 'origin-1',
    eventId: 'event-1',
    exp: NOW_S + 3600,
    authTime: NOW_S - 60,
    ...overrides,
  };
}

function requestWith(authorization?: string): FakeRequest {
  return { headers: authorization ? { authorization } : {} };
}

function contextFor(
  request: FakeRequest,
  handler: () => void = Routes.prototype.closed,
  controller: object = Routes,
): ExecutionContext {
  return {
    getHandler: () => handler,
    getClass: () => controller,
    getType: () => 'http',
    switchToHttp: () => ({
      getRequest: () => request,
      getResponse: () => ({}),
      getNext: () => undefined,
    }),
  } as unknown as ExecutionContext;
}

function setup(): {
  guard: JwtAuthGuard;
  cache: VerifiedTokenCache;
  revoked: RevokedSessions;
} {
  const cache = new VerifiedTokenCache();
  const revoked = new RevokedSessions(new MemorySharedStore(), SESSION_CONFIG);
  return {
    guard: new JwtAuthGuard(
      new Reflector(),
      cache,
      revoked,
      new SessionCookies(SESSION_CONFIG),
    ),
    cache,
    revoked,
  };
}

/** Passport verifying the token as `verified` (sets request.user like AuthGuard does). */
function passportVerifies(verified: AuthUser) {
  return vi
    .spyOn(passportGuard, 'canActivate')
    .mockImplementation((context: ExecutionContext) => {
      context.switchToHttp().getRequest<FakeRequest>().user = verified;
      return Promise.resolve(true);
    });
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('JwtAuthGuard', () => {
  describe('canActivate', () => {
    it('lets a @Public() route through without a token, without passport', async () => {
      const { guard } = setup();
      const passport = vi.spyOn(passportGuard, 'canActivate');
      const request = requestWith();
      expect(
        await guard.canActivate(contextFor(request, Routes.prototype.open)),
      ).toBe(true);
      expect(passport).not.toHaveBeenCalled();
      expect(request.user).toBeUndefined();
    });

    it('lets every route of a @Public() controller through without a token', async () => {
      const { guard } = setup();
      const passport = vi.spyOn(passportGuard, 'canActivate');
      expect(
        await guard.canActivate(
          contextFor(requestWith(), OpenRoutes.prototype.anything, OpenRoutes),
        ),
      ).toBe(true);
      expect(passport).not.toHaveBeenCalled();
    });

    it('refuses a guarded route without a token with 401 UNAUTHORIZED', async () => {
      const { guard } = setup();
      vi.spyOn(passportGuard, 'canActivate').mockImplementation(function (
        this: JwtAuthGuard,
      ) {
        return Promise.resolve(
          this.handleRequest(null, false, new Error('No auth token')),
        );
      });
      const error = await rejectionOf(() =>
        guard.canActivate(contextFor(requestWith())),
      );
      expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
      expect(error.code).toBe('UNAUTHORIZED');
    });

    it('answers a cached token from the cache, without passport (no strategy is even registered)', async () => {
      const { guard, cache } = setup();
      const cached = user();
      cache.set(HEADER, cached, TOKEN);
      const passport = vi.spyOn(passportGuard, 'canActivate');
      const request = requestWith(`Bearer ${TOKEN}`);

      expect(await guard.canActivate(contextFor(request))).toBe(true);

      expect(passport).not.toHaveBeenCalled();
      expect(request.user).toBe(cached);
      // The token decorators read the token the guard checked.
      expect(requestToken(request as unknown as FastifyRequest)).toBe(TOKEN);
    });

    it('answers a cached token of a live session at once, with no promise to wait on', () => {
      const { guard, cache } = setup();
      const cached = user();
      cache.set(HEADER, cached, TOKEN);
      const request = requestWith(`Bearer ${TOKEN}`);
      expect(guard.canActivate(contextFor(request))).toBe(true);
      expect(request.user).toBe(cached);
    });

    it('asks the store when it cannot answer from memory, and refuses a revoked session (401)', async () => {
      class RemoteOnly extends MemorySharedStore {
        override sessionStateNow(): undefined {
          return undefined;
        }
      }
      const cache = new VerifiedTokenCache();
      const revoked = new RevokedSessions(new RemoteOnly(), SESSION_CONFIG);
      const guard = new JwtAuthGuard(
        new Reflector(),
        cache,
        revoked,
        new SessionCookies(SESSION_CONFIG),
      );
      cache.set(HEADER, user(), TOKEN);
      const live = requestWith(`Bearer ${TOKEN}`);
      const answer = guard.canActivate(contextFor(live));
      expect(answer).toBeInstanceOf(Promise);
      expect(await answer).toBe(true);
      await revoked.revoke(user());
      const error = await rejectionOf(() =>
        guard.canActivate(contextFor(requestWith(`Bearer ${TOKEN}`))),
      );
      expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
      expect(error.code).toBe('UNAUTHORIZED');
    });

    describe('in cookie mode (the embedded default)', () => {
      /** A request with a Cookie header whose parser is watched. */
      function withCookies(authorization?: string) {
        const parseCookie = vi.fn(() => ({ access_token: TOKEN }));
        const request = {
          ...requestWith(authorization),
          method: 'GET',
          server: { parseCookie },
        };
        request.headers.cookie = `access_token=${TOKEN}`;
        return { request, parseCookie };
      }

      it('never parses the Cookie header of a request with an Authorization header', async () => {
        const { guard, cache } = setup();
        const cached = user();
        cache.set(HEADER, cached, TOKEN);
        const { request, parseCookie } = withCookies(`Bearer ${TOKEN}`);

        expect(await guard.canActivate(contextFor(request))).toBe(true);

        expect(parseCookie).not.toHaveBeenCalled();
        expect(request.user).toBe(cached);
      });

      it('does not let in as a header (without "Bearer") a token cached from the cookie', async () => {
        const { guard, cache } = setup();
        cache.set(TOKEN, user());
        const passport = vi
          .spyOn(passportGuard, 'canActivate')
          .mockImplementation(function (this: JwtAuthGuard) {
            return Promise.resolve(
              this.handleRequest(null, false, new Error('no token')),
            );
          });
        const { request } = withCookies(TOKEN);
        const error = await rejectionOf(() =>
          guard.canActivate(contextFor(request)),
        );
        expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
        expect(passport).toHaveBeenCalledTimes(1);
        expect(request.user).toBeUndefined();
      });

      it('takes the access token cookie, parsed once, when no Authorization header is sent', async () => {
        const { guard, cache } = setup();
        const cached = user();
        cache.set(TOKEN, cached);
        const { request, parseCookie } = withCookies();

        expect(await guard.canActivate(contextFor(request))).toBe(true);

        expect(parseCookie).toHaveBeenCalledTimes(1);
        expect(request.user).toBe(cached);
      });
    });

    it('refuses a cached token of a revoked session with 401 UNAUTHORIZED, without passport', async () => {
      const { guard, cache, revoked } = setup();
      const cached = user();
      cache.set(HEADER, cached, TOKEN);
      await revoked.revoke(user({ tokenUse: 'id', jti: 'id-jti-1' }));
      const passport = vi.spyOn(passportGuard, 'canActivate');
      const request = requestWith(`Bearer ${TOKEN}`);

      const error = await rejectionOf(() =>
        guard.canActivate(contextFor(request)),
      );

      expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
      expect(error.code).toBe('UNAUTHORIZED');
      expect(passport).not.toHaveBeenCalled();
      expect(request.user).toBeUndefined();
    });

    it('lets a token of an ended session into logout alone (a retried logout), cached or not', async () => {
      const { guard, cache, revoked } = setup();
      const verified = user();
      await revoked.revoke(verified);
      passportVerifies(verified);
      const fresh = requestWith(`Bearer ${TOKEN}`);
      expect(
        await guard.canActivate(contextFor(fresh, Routes.prototype.logout)),
      ).toBe(true);
      expect(fresh.user).toBe(verified);
      cache.set(HEADER, verified, TOKEN);
      const again = requestWith(`Bearer ${TOKEN}`);
      expect(
        await guard.canActivate(contextFor(again, Routes.prototype.logout)),
      ).toBe(true);
      const error = await rejectionOf(() =>
        guard.canActivate(contextFor(requestWith(`Bearer ${TOKEN}`))),
      );
      expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
    });

    it('verifies a new token with passport, then answers it from the cache', async () => {
      const { guard, cache } = setup();
      const verified = user();
      const passport = passportVerifies(verified);

      expect(
        await guard.canActivate(contextFor(requestWith(`Bearer ${TOKEN}`))),
      ).toBe(true);
      expect(passport).toHaveBeenCalledTimes(1);
      expect(cache.get(HEADER, true)?.user).toBe(verified);

      const second = requestWith(`Bearer ${TOKEN}`);
      expect(await guard.canActivate(contextFor(second))).toBe(true);
      expect(passport).toHaveBeenCalledTimes(1);
      expect(second.user).toBe(verified);
    });

    it('sends another token to passport even when one is cached', async () => {
      const { guard, cache } = setup();
      cache.set(HEADER, user(), TOKEN);
      const passport = passportVerifies(user({ sub: 'uuid-misty' }));
      const request = requestWith(`Bearer ${TOKEN}x`);
      await guard.canActivate(contextFor(request));
      expect(passport).toHaveBeenCalledTimes(1);
      expect(request.user?.sub).toBe('uuid-misty');
    });

    it('refuses a freshly verified token of a revoked session and does not cache it', async () => {
      const { guard, cache, revoked } = setup();
      const verified = user();
      await revoked.revoke(verified);
      passportVerifies(verified);

      const error = await rejectionOf(() =>
        guard.canActivate(contextFor(requestWith(`Bearer ${TOKEN}`))),
      );

      expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
      expect(error.code).toBe('UNAUTHORIZED');
      expect(cache.get(HEADER, true)).toBeUndefined();
    });

    it('sends a cached token to passport again once it has expired', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(NOW_S * 1000);
      const { guard, cache } = setup();
      cache.set(HEADER, user({ exp: NOW_S + 30 }), TOKEN);
      vi.setSystemTime((NOW_S + 31) * 1000);
      const passport = vi
        .spyOn(passportGuard, 'canActivate')
        .mockImplementation(function (this: JwtAuthGuard) {
          return Promise.resolve(
            this.handleRequest(null, false, new Error('jwt expired')),
          );
        });

      const error = await rejectionOf(() =>
        guard.canActivate(contextFor(requestWith(`Bearer ${TOKEN}`))),
      );

      expect(passport).toHaveBeenCalledTimes(1);
      expect(error.code).toBe('UNAUTHORIZED');
    });
  });

  describe('handleRequest', () => {
    it.each([
      ['as the error', new JwksUnavailableError('JWKS down'), undefined],
      ['as the info', null, new JwksUnavailableError('JWKS down')],
    ])(
      'answers 503 IDP_UNAVAILABLE for JwksUnavailableError %s',
      (_label, error, info) => {
        const { guard } = setup();
        let thrown: unknown;
        try {
          guard.handleRequest(error, false, info);
        } catch (caught) {
          thrown = caught;
        }
        expect(thrown).toBeInstanceOf(ApiException);
        expect((thrown as ApiException).getStatus()).toBe(
          HttpStatus.SERVICE_UNAVAILABLE,
        );
        expect((thrown as ApiException).code).toBe('IDP_UNAVAILABLE');
      },
    );

    it.each([
      ['an error', new Error('invalid signature'), user(), undefined],
      ['an error and no user', new Error('boom'), false, undefined],
      ['no user and an info error', null, false, new Error('jwt expired')],
      ['no user and no info', null, false, undefined],
      [
        'an error named like the JWKS error but not one',
        Object.assign(new Error('x'), { name: 'JwksUnavailableError' }),
        false,
        undefined,
      ],
    ])('answers 401 UNAUTHORIZED for %s', (_label, error, found, info) => {
      const { guard } = setup();
      let thrown: unknown;
      try {
        guard.handleRequest(error, found, info);
      } catch (caught) {
        thrown = caught;
      }
      expect(thrown).toBeInstanceOf(ApiException);
      expect((thrown as ApiException).getStatus()).toBe(
        HttpStatus.UNAUTHORIZED,
      );
      expect((thrown as ApiException).code).toBe('UNAUTHORIZED');
    });

    it('returns the user passport verified', () => {
      const { guard } = setup();
      const verified = user();
      expect(guard.handleRequest(null, verified, undefined)).toBe(verified);
    });
  });
});
