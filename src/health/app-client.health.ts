import { Injectable } from '@nestjs/common';
import {
  HealthIndicatorService,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { CognitoGateway } from '../cognito/cognito.gateway.js';

/**
 * Up when the app client can be used as configured: its secret and auth
 * flow are those Cognito expects (CognitoGateway.probeAppClient, one
 * InitiateAuth for a user that cannot exist). Down with the fault and its
 * fix when Cognito refuses the configuration, or when Cognito cannot be
 * asked. The gateway reuses a probe's answer for a while, and learns
 * sooner from live calls (app-client-probe.ts).
 */
@Injectable()
export class AppClientHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly cognito: CognitoGateway,
  ) {}

  async check(key = 'appClient'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const status = await this.cognito.probeAppClient();
    if (status.usable === true) return indicator.up();
    if (status.usable === false) {
      return indicator.down({ reason: status.fault, fix: status.fix });
    }
    return indicator.down({ reason: status.reason });
  }
}
