import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { GroupsGuard } from './guards/groups.guard.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { RevokedTokens } from './guards/revoked-tokens.js';
import { VerifiedTokenCache } from './guards/verified-token.cache.js';
import { MfaController } from './mfa.controller.js';
import { MfaService } from './mfa.service.js';
import { PasswordController } from './password.controller.js';
import { PasswordService } from './password.service.js';
import { JwksKeyStore } from './strategies/jwks-key-store.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';

@Module({
  imports: [
    PassportModule.register({ defaultStrategy: 'jwt', session: false }),
  ],
  controllers: [AuthController, PasswordController, MfaController],
  providers: [
    AuthService,
    PasswordService,
    MfaService,
    JwksKeyStore,
    JwtStrategy,
    VerifiedTokenCache,
    RevokedTokens,
    JwtAuthGuard,
    GroupsGuard,
  ],
  exports: [JwtAuthGuard, GroupsGuard, JwksKeyStore],
})
export class AuthModule {}
