import type { HealthIndicatorResult } from '@nestjs/terminus';

/** One check of GET /health: up or down, under its own key. */
export interface ReadinessIndicator {
  check(): Promise<HealthIndicatorResult>;
}

/** The DI token of the list of readiness indicators (see health.module.ts). */
export const READINESS_INDICATORS = Symbol('READINESS_INDICATORS');
