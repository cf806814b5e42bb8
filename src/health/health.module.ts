import { Module, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import {
  RedisHealthIndicator,
  redisHealthProviders,
} from '../store/redis.health.js';
import { AppClientHealthIndicator } from './app-client.health.js';
import { CognitoHealthIndicator } from './cognito.health.js';
import { JwksHealthIndicator } from './jwks.health.js';
import { ReadinessCheck } from './readiness.check.js';
import { READINESS_INDICATORS, type ReadinessIndicator } from './readiness.js';

/**
 * What GET /health checks, in the order it reports them: each a provider
 * with `check()` (ReadinessIndicator). A new indicator goes here.
 */
const INDICATORS: Type<ReadinessIndicator>[] = [
  JwksHealthIndicator,
  CognitoHealthIndicator,
  AppClientHealthIndicator,
];

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [
    ...INDICATORS,
    // Redis is checked only when configured (the provider is null otherwise).
    ...redisHealthProviders,
    {
      provide: READINESS_INDICATORS,
      useFactory: (...indicators: (ReadinessIndicator | null)[]) =>
        indicators.filter((i): i is ReadinessIndicator => i !== null),
      inject: [...INDICATORS, RedisHealthIndicator],
    },
    ReadinessCheck,
  ],
})
export class HealthModule {}
