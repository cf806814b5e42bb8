import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AccountModule } from './account/account.module.js';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { GroupsGuard } from './auth/guards/groups.guard.js';
import { JwtAuthGuard } from './auth/guards/jwt-auth.guard.js';
import { PasswordlessOnGuard } from './auth/guards/passwordless-on.guard.js';
import { RecentSignInGuard } from './auth/guards/recent-sign-in.guard.js';
import { CognitoModule } from './cognito/cognito.module.js';
import { ApiExceptionFilter } from './common/filters/api-exception.filter.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import { configOptions } from './config/config.options.js';
import { DevModule } from './dev/dev.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PokemonModule } from './pokemon/pokemon.module.js';
import { StoreModule } from './store/store.module.js';

@Module({
  imports: [
    ConfigModule.forRoot(configOptions),
    MetricsModule,
    StoreModule,
    CognitoModule,
    AuthModule,
    AccountModule,
    AdminModule,
    PokemonModule,
    HealthModule,
    DevModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
    // Before the JWT guard: a passwordless route that is off is 404 for anyone.
    { provide: APP_GUARD, useExisting: PasswordlessOnGuard },
    { provide: APP_GUARD, useExisting: JwtAuthGuard },
    { provide: APP_GUARD, useExisting: GroupsGuard },
    { provide: APP_GUARD, useExisting: RecentSignInGuard },
  ],
})
export class AppModule {}
