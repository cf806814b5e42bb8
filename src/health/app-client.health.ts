import { Injectable } from '@nestjs/common';
import {
  HealthIndicatorService,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { CognitoGateway } from '../cognito/cognito.gateway.js';
import type { AppClientStatus } from '../cognito/cognito.types.js';

/** How long a conclusive probe answer is reused: one InitiateAuth per 30 s at most. */
const PROBE_TTL_MS = 30_000;

/**
 * Up when the app client can be used as configured: its secret and auth
 * flow are those Cognito expects (CognitoGateway.probeAppClient, one
 * InitiateAuth for a user that cannot exist). Down with the fault and its
 * fix when Cognito refuses the configuration, or when Cognito cannot be
 * asked. A conclusive answer is kept for PROBE_TTL_MS.
 */
@Injectable()
export class AppClientHealthIndicator {
  private last?: { status: AppClientStatus; at: number };

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly cognito: CognitoGateway,
  ) {}

  async check(key = 'appClient'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const status = await this.status();
    if (status.usable === true) return indicator.up();
    if (status.usable === false) {
      return indicator.down({ reason: status.fault, fix: status.fix });
    }
    return indicator.down({ reason: status.reason });
  }

  private async status(): Promise<AppClientStatus> {
    const now = Date.now();
    if (this.last && now - this.last.at < PROBE_TTL_MS) return this.last.status;
    const status = await this.cognito.probeAppClient();
    if (status.usable !== 'unknown') this.last = { status, at: now };
    else this.last = undefined;
    return status;
  }
}
