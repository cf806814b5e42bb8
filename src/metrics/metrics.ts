import { Inject, Injectable } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';
import { appConfig, type AppConfig } from '../config/app.config.js';

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

const LINT_REFUSED = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** The route label of a request no route matched (404 noise). */
export const UNMATCHED_ROUTE = 'unmatched';

/** The series of one (route, method, status): looked up once, then reused. */
interface RequestSeries {
  count: Counter.Internal;
  duration: Histogram.Internal<'method' | 'route' | 'status'>;
}

/**
 * The Prometheus series of the README ("Metrics"), recorded only when
 * METRICS_PORT is set: otherwise there is no registry and every method
 * returns at once. Label values come from fixed sets (route patterns as
 * declared, operation names, outcomes), never from what a client sent.
 */
@Injectable()
export class Metrics {
  /** Undefined when METRICS_PORT is unset: nothing is recorded. */
  readonly registry: Registry | undefined;
  private readonly requests?: Counter<'method' | 'route' | 'status'>;
  private readonly requestSeconds?: Histogram<'method' | 'route' | 'status'>;
  private readonly cognitoCalls?: Counter<'operation' | 'outcome'>;
  private readonly cognitoSeconds?: Histogram<'operation' | 'outcome'>;
  /** One child per outcome, made once: no label lookup per request. */
  private readonly tokens = new Map<TokenOutcome, Counter.Internal>();
  private readonly refusals = new Map<RateLimitName, Counter.Internal>();
  /** route -> method -> status -> series: no label hashing per request. */
  private readonly series = new Map<
    string,
    Map<string, Map<number, RequestSeries>>
  >();

  constructor(@Inject(appConfig.KEY) app: AppConfig) {
    if (app.metricsPort === undefined) return;
    const registry = new Registry();
    this.registry = registry;
    collectDefaultMetrics({ register: registry });
    // Gauges whose `_total` name promtool's lint refuses (a counter
    // suffix); the same figures remain by type in nodejs_active_handles,
    // nodejs_active_requests and nodejs_active_resources.
    for (const name of LINT_REFUSED) registry.removeSingleMetric(name);
    const registers = [registry];
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from a request arriving to its answer being sent, in seconds.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.cognitoCalls = new Counter({
      name: 'cognito_requests_total',
      help: 'Calls to Cognito, by operation and outcome (ok, error: Cognito refused, timeout, unavailable).',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.cognitoSeconds = new Histogram({
      name: 'cognito_request_duration_seconds',
      help: 'Time Cognito took to answer a call, in seconds.',
      labelNames: ['operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const tokens = new Counter({
      name: 'token_verifications_total',
      help: 'Tokens presented on guarded routes, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of TOKEN_OUTCOMES) {
      this.tokens.set(outcome, tokens.labels(outcome));
    }
    const refusals = new Counter({
      name: 'rate_limit_refusals_total',
      help: 'Requests refused with 429 TOO_MANY_REQUESTS, by the limit that refused them.',
      labelNames: ['limit'],
      registers,
    });
    for (const limit of RATE_LIMITS) {
      this.refusals.set(limit, refusals.labels(limit));
    }
  }

  get enabled(): boolean {
    return this.registry !== undefined;
  }

  /**
   * `store_up`: 1 while the shared store answers (always, in memory), else
   * 0; read at each scrape.
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
    const series = this.seriesOf(method, route, status);
    if (!series) return;
    series.count.inc();
    series.duration.observe(seconds);
  }

  cognitoCall(
    operation: string,
    outcome: CognitoOutcome,
    seconds: number,
  ): void {
    this.cognitoCalls?.labels(operation, outcome).inc();
    this.cognitoSeconds?.labels(operation, outcome).observe(seconds);
  }

  tokenVerification(outcome: TokenOutcome): void {
    this.tokens.get(outcome)?.inc();
  }

  rateLimitRefusal(limit: RateLimitName): void {
    this.refusals.get(limit)?.inc();
  }

  /** The Prometheus text of every series. */
  async scrape(): Promise<string> {
    return this.registry ? this.registry.metrics() : '';
  }

  private seriesOf(
    method: string,
    route: string,
    status: number,
  ): RequestSeries | undefined {
    if (!this.requests || !this.requestSeconds) return undefined;
    let byMethod = this.series.get(route);
    if (!byMethod) this.series.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) {
      const labels = [method, route, String(status)] as const;
      series = {
        count: this.requests.labels(...labels),
        duration: this.requestSeconds.labels(...labels),
      };
      byStatus.set(status, series);
    }
    return series;
  }
}
