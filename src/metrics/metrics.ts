import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { collected, HistogramSeries } from './series.js';

/** How a token presented to the guard fared (`token_verifications_total`). */
export type TokenOutcome =
  | 'valid'
  | 'cached'
  | 'expired'
  | 'invalid'
  | 'revoked'
  | 'missing'
  | 'unavailable';

const TOKEN_OUTCOMES: readonly TokenOutcome[] = [
  'valid',
  'cached',
  'expired',
  'invalid',
  'revoked',
  'missing',
  'unavailable',
];

/** Which limit refused a request (`rate_limit_refusals_total`). */
export type RateLimitName =
  'address' | 'email' | 'email_address' | 'failed_password' | 'wrong_code';

const RATE_LIMITS: readonly RateLimitName[] = [
  'address',
  'email',
  'email_address',
  'failed_password',
  'wrong_code',
];

/** How one call to Cognito ended (`cognito_requests_total`). */
export type CognitoOutcome = 'ok' | 'error' | 'timeout' | 'unavailable';

/** The route label of a request no route matched (404 noise). */
export const UNMATCHED_ROUTE = 'unmatched';

const REQUEST_BUCKETS = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
const COGNITO_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * Gauges whose `_total` name promtool's lint refuses (a counter suffix);
 * the same figures remain by type in nodejs_active_handles,
 * nodejs_active_requests and nodejs_active_resources.
 */
const LINT_REFUSED = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * The Prometheus series of the README ("Metrics"), recorded only when
 * METRICS_PORT is set: otherwise there is no registry and every method
 * returns at once. Label values come from fixed sets (route patterns as
 * declared, operation names, outcomes), never from what a client sent.
 * The series a request touches are plain numbers read at each scrape:
 * recording one is a few additions, with nothing allocated.
 */
@Injectable()
export class Metrics {
  /** Undefined when METRICS_PORT is unset: nothing is recorded. */
  readonly registry: Registry | undefined;
  /** route -> method -> status -> series. */
  private readonly requests = new Map<
    string,
    Map<string, Map<number, HistogramSeries>>
  >();
  /** `${operation} ${outcome}` -> series. */
  private readonly cognito = new Map<string, HistogramSeries>();
  private readonly tokens = new Map<TokenOutcome, number>(
    TOKEN_OUTCOMES.map((outcome) => [outcome, 0]),
  );
  private readonly refusals = new Map<RateLimitName, number>(
    RATE_LIMITS.map((limit) => [limit, 0]),
  );

  constructor(@Inject(appConfig.KEY) app: AppConfig) {
    if (app.metricsPort === undefined) return;
    const registry = new Registry();
    this.registry = registry;
    collectDefaultMetrics({ register: registry });
    for (const name of LINT_REFUSED) registry.removeSingleMetric(name);
    const requestSeries = (): HistogramSeries[] =>
      [...this.requests.values()].flatMap((byMethod) =>
        [...byMethod.values()].flatMap((byStatus) => [...byStatus.values()]),
      );
    const register = (metric: ReturnType<typeof collected>): void =>
      registry.registerMetric(metric);
    register(
      collected(
        'http_requests_total',
        'HTTP requests answered, by method, route as declared and status.',
        'counter',
        () =>
          requestSeries().map((s) => ({ labels: s.labels, value: s.count })),
      ),
    );
    register(
      collected(
        'http_request_duration_seconds',
        'Time from a request arriving to its answer being sent, in seconds.',
        'histogram',
        () =>
          requestSeries().flatMap((s) =>
            s.samples('http_request_duration_seconds'),
          ),
      ),
    );
    register(
      collected(
        'cognito_requests_total',
        'Calls to Cognito, by operation and outcome (ok; error: Cognito refused; timeout; unavailable).',
        'counter',
        () =>
          [...this.cognito.values()].map((s) => ({
            labels: s.labels,
            value: s.count,
          })),
      ),
    );
    register(
      collected(
        'cognito_request_duration_seconds',
        'Time Cognito took to answer a call, in seconds.',
        'histogram',
        () =>
          [...this.cognito.values()].flatMap((s) =>
            s.samples('cognito_request_duration_seconds'),
          ),
      ),
    );
    register(
      collected(
        'token_verifications_total',
        'Tokens presented on guarded routes, by outcome.',
        'counter',
        () =>
          [...this.tokens].map(([outcome, value]) => ({
            labels: { outcome },
            value,
          })),
      ),
    );
    register(
      collected(
        'rate_limit_refusals_total',
        'Requests refused with 429 TOO_MANY_REQUESTS, by the limit that refused them.',
        'counter',
        () =>
          [...this.refusals].map(([limit, value]) => ({
            labels: { limit },
            value,
          })),
      ),
    );
  }

  get enabled(): boolean {
    return this.registry !== undefined;
  }

  /**
   * `store_up`: 1 while the shared store answers, else 0; asked at each
   * scrape.
   */
  storeUp(isUp: () => boolean | Promise<boolean>): void {
    if (!this.registry) return;
    new Gauge({
      name: 'store_up',
      help: 'Whether the shared store answers: 1 or 0 (always 1 in memory; with Redis, a PING within REDIS_TIMEOUT_MS).',
      registers: [this.registry],
      async collect() {
        this.set((await isUp()) ? 1 : 0);
      },
    });
  }

  /** One answered request; `route` is the declared pattern or UNMATCHED_ROUTE. */
  request(
    method: string,
    route: string,
    status: number,
    seconds: number,
  ): void {
    if (!this.registry) return;
    let byMethod = this.requests.get(route);
    if (!byMethod) this.requests.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) {
      series = new HistogramSeries(
        { method, route, status: String(status) },
        REQUEST_BUCKETS,
      );
      byStatus.set(status, series);
    }
    series.observe(seconds);
  }

  cognitoCall(
    operation: string,
    outcome: CognitoOutcome,
    seconds: number,
  ): void {
    if (!this.registry) return;
    const key = `${operation} ${outcome}`;
    let series = this.cognito.get(key);
    if (!series) {
      series = new HistogramSeries({ operation, outcome }, COGNITO_BUCKETS);
      this.cognito.set(key, series);
    }
    series.observe(seconds);
  }

  tokenVerification(outcome: TokenOutcome): void {
    if (!this.registry) return;
    this.tokens.set(outcome, this.tokens.get(outcome)! + 1);
  }

  rateLimitRefusal(limit: RateLimitName): void {
    if (!this.registry) return;
    this.refusals.set(limit, this.refusals.get(limit)! + 1);
  }

  /** The Prometheus text of every series. */
  async scrape(): Promise<string> {
    return this.registry ? this.registry.metrics() : '';
  }
}
