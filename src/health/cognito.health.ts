import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  HealthIndicatorService,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { CognitoPool } from '../cognito/cognito-pool.js';
import { cognitoConfig } from '../config/cognito.config.js';

/** Up when the Cognito API endpoint answers HTTP at all (any status). */
@Injectable()
export class CognitoHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly connection: CognitoPool,
    @Inject(cognitoConfig.KEY)
    private readonly config: ConfigType<typeof cognitoConfig>,
  ) {}

  async check(key = 'cognito'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const endpoint =
      this.connection.endpoint ??
      `https://cognito-idp.${this.connection.region}.amazonaws.com/`;
    try {
      const response = await fetch(endpoint, {
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      await response.body?.cancel();
      return indicator.up();
    } catch (error) {
      return indicator.down({ reason: (error as Error).name });
    }
  }
}
