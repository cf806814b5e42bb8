import {
  HttpStatus,
  Inject,
  Injectable,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { ApiException } from '../common/errors/api-exception.js';
import { httpConfig } from '../config/http.config.js';
import { READINESS_INDICATORS, type ReadinessIndicator } from './readiness.js';

/** One readiness check: every indicator's report, or the keys that were down. */
type Outcome =
  { up: true; result: HealthCheckResult } | { up: false; down: string[] };

/**
 * Readiness, cached: one round of the indicators at a time, its outcome
 * (up or down) reused for HEALTH_CACHE_MS after it finishes, so that a
 * flood of GET /health makes at most one round of outbound calls per
 * period.
 */
@Injectable()
export class ReadinessCheck {
  private last?: { outcome: Promise<Outcome>; finishedAt?: number };

  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS_INDICATORS)
    private readonly indicators: ReadinessIndicator[],
    @Inject(httpConfig.KEY)
    private readonly config: ConfigType<typeof httpConfig>,
  ) {}

  /** The report when every indicator is up; else 503 IDP_UNAVAILABLE naming those down. */
  async check(): Promise<HealthCheckResult> {
    const outcome = await this.current();
    if (outcome.up) return outcome.result;
    throw new ApiException(
      HttpStatus.SERVICE_UNAVAILABLE,
      'IDP_UNAVAILABLE',
      `Down: ${outcome.down.join(', ') || 'unknown'}.`,
    );
  }

  private current(): Promise<Outcome> {
    const last = this.last;
    const fresh =
      last &&
      (last.finishedAt === undefined ||
        Date.now() - last.finishedAt < this.config.healthCacheMs);
    if (fresh) return last.outcome;
    const entry: { outcome: Promise<Outcome>; finishedAt?: number } = {
      outcome: this.run(),
    };
    this.last = entry;
    const finished = (): void => {
      entry.finishedAt = Date.now();
    };
    entry.outcome.then(finished, finished);
    return entry.outcome;
  }

  private async run(): Promise<Outcome> {
    try {
      const result = await this.health.check(
        this.indicators.map((indicator) => () => indicator.check()),
      );
      return { up: true, result };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      // An indicator may give the sentence an operator needs (its `cause`).
      const down = Object.entries(result.error ?? {}).map(([key, info]) =>
        typeof info?.cause === 'string' ? `${key} (${info.cause})` : key,
      );
      return { up: false, down };
    }
  }
}
