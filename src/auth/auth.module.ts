import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { rateLimitConfig } from '../config/rate-limit.config.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { GroupsGuard } from './guards/groups.guard.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { RevokedSessions } from './sessions/revoked-sessions.js';
import { VerifiedTokenCache } from './verification/verified-token.cache.js';
import { MfaController } from './mfa.controller.js';
import { MfaService } from './mfa.service.js';
import { PasswordController } from './password.controller.js';
import { PasswordService } from './password.service.js';
import { EmailRateLimitInterceptor } from './rate-limit/email-rate-limit.interceptor.js';
import { EmailRateLimiter } from './rate-limit/email-rate-limiter.js';
import { BoundedThrottlerStorage } from './rate-limit/bounded-throttler-storage.js';
import { JwksKeyStore } from './verification/jwks-key-store.js';
import { TokenVerifier } from './verification/token-verifier.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';

@Module({
  imports: [
    PassportModule.register({ defaultStrategy: 'jwt', session: false }),
    ThrottlerModule.forRootAsync({
      inject: [rateLimitConfig.KEY],
      useFactory: (limits: ConfigType<typeof rateLimitConfig>) => ({
        throttlers: [{ ttl: 60_000, limit: limits.perIpPerMinute }],
        storage: new BoundedThrottlerStorage(),
      }),
    }),
  ],
  controllers: [AuthController, PasswordController, MfaController],
  providers: [
    AuthService,
    PasswordService,
    MfaService,
    JwksKeyStore,
    TokenVerifier,
    JwtStrategy,
    VerifiedTokenCache,
    RevokedSessions,
    EmailRateLimiter,
    EmailRateLimitInterceptor,
    JwtAuthGuard,
    GroupsGuard,
  ],
  exports: [JwtAuthGuard, GroupsGuard, JwksKeyStore, AuthService],
})
export class AuthModule {}
