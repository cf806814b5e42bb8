import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { CognitoHealthIndicator } from './cognito.health.js';
import { JwksHealthIndicator } from './jwks.health.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [JwksHealthIndicator, CognitoHealthIndicator],
})
export class HealthModule {}
