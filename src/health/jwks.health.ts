import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  HealthIndicatorService,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { CognitoPool } from '../cognito/cognito-pool.js';
import { authConfig } from '../config/auth.config.js';

/** Up when the pool's JWKS endpoint answers with at least one key. */
@Injectable()
export class JwksHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly connection: CognitoPool,
    @Inject(authConfig.KEY)
    private readonly config: ConfigType<typeof authConfig>,
  ) {}

  async check(key = 'jwks'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    try {
      const response = await fetch(this.connection.jwksUri, {
        signal: AbortSignal.timeout(this.config.jwksTimeoutMs),
      });
      const body = (await response.json()) as { keys?: unknown[] };
      const keys = Array.isArray(body.keys) ? body.keys.length : 0;
      if (!response.ok || keys === 0)
        return indicator.down({ httpStatus: response.status, keys });
      return indicator.up({ keys });
    } catch (error) {
      return indicator.down({ reason: (error as Error).name });
    }
  }
}
