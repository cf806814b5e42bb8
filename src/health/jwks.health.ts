import { Injectable } from '@nestjs/common';
import {
  HealthIndicatorService,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { CognitoConnection } from '../cognito/cognito-connection.js';

const TIMEOUT_MS = 2000;

/** Up when the pool's JWKS endpoint answers with at least one key. */
@Injectable()
export class JwksHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly connection: CognitoConnection,
  ) {}

  async check(key = 'jwks'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    try {
      const response = await fetch(this.connection.jwksUri, {
        signal: AbortSignal.timeout(TIMEOUT_MS),
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
