import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { rateLimitConfig } from '../config/rate-limit.config.js';
import { SharedThrottlerStorage } from '../store/throttler.storage.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { SessionCookiesInterceptor } from './cookies/session-cookies.interceptor.js';
import { SessionCookies } from './cookies/session-cookies.js';
import { GroupsGuard } from './guards/groups.guard.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { RecentSignInGuard } from './guards/recent-sign-in.guard.js';
import { RevokedSessions } from './sessions/revoked-sessions.js';
import { SessionRecords } from './sessions/session-records.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { VerifiedTokenCache } from './verification/verified-token.cache.js';
import { TotpController } from './factors/totp.controller.js';
import { TotpService } from './factors/totp.service.js';
import { PasskeysController } from './factors/passkeys.controller.js';
import { PasskeysService } from './factors/passkeys.service.js';
import { PasswordlessOnGuard } from './guards/passwordless-on.guard.js';
import { PasswordlessService } from './passwordless.service.js';
import { PasswordController } from './password.controller.js';
import { PasswordService } from './password.service.js';
import { EmailRateLimitInterceptor } from './rate-limit/email-rate-limit.interceptor.js';
import { EmailRateLimiter } from './rate-limit/email-rate-limiter.js';
import { JwksKeyStore } from './verification/jwks-key-store.js';
import { TokenVerifier } from './verification/token-verifier.js';
import { IssuedTokenCheck } from './verification/issued-token-check.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';

@Module({
  imports: [
    PassportModule.register({ defaultStrategy: 'jwt', session: false }),
    ThrottlerModule.forRootAsync({
      inject: [rateLimitConfig.KEY, SharedThrottlerStorage],
      useFactory: (
        limits: ConfigType<typeof rateLimitConfig>,
        storage: SharedThrottlerStorage,
      ) => ({
        // blockDuration 0: a key past the limit is blocked until its
        // minute ends (Retry-After counts down to it), as before.
        throttlers: [
          { ttl: 60_000, limit: limits.perIpPerMinute, blockDuration: 0 },
        ],
        storage,
      }),
    }),
  ],
  controllers: [
    AuthController,
    SessionsController,
    PasswordController,
    TotpController,
    PasskeysController,
  ],
  providers: [
    AuthService,
    PasswordlessService,
    PasskeysService,
    PasswordlessOnGuard,
    PasswordService,
    TotpService,
    JwksKeyStore,
    TokenVerifier,
    IssuedTokenCheck,
    JwtStrategy,
    VerifiedTokenCache,
    RevokedSessions,
    SessionRecords,
    EmailRateLimiter,
    EmailRateLimitInterceptor,
    JwtAuthGuard,
    GroupsGuard,
    RecentSignInGuard,
    SessionCookies,
    SessionCookiesInterceptor,
  ],
  exports: [
    PasswordlessOnGuard,
    JwtAuthGuard,
    GroupsGuard,
    RecentSignInGuard,
    JwksKeyStore,
    AuthService,
    PasswordlessService,
    SessionRecords,
    EmailRateLimiter,
    SessionCookies,
    SessionCookiesInterceptor,
  ],
})
export class AuthModule {}
