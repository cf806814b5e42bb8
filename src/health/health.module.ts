import { Module, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
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
];

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [
    ...INDICATORS,
    {
      provide: READINESS_INDICATORS,
      useFactory: (...indicators: ReadinessIndicator[]) => indicators,
      inject: INDICATORS,
    },
    ReadinessCheck,
  ],
})
export class HealthModule {}
