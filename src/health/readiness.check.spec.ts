import { ServiceUnavailableException } from '@nestjs/common';
import type {
  HealthCheckService,
  HealthIndicatorResult,
} from '@nestjs/terminus';
import { loadConfig } from '../config/env.validation.js';
import { ReadinessCheck } from './readiness.check.js';
import type { ReadinessIndicator } from './readiness.js';

/** Terminus' HealthCheckService as far as ReadinessCheck uses it. */
const health = {
  async check(checks: (() => Promise<HealthIndicatorResult>)[]) {
    const results = await Promise.all(checks.map((check) => check()));
    const all = Object.assign({}, ...results) as HealthIndicatorResult;
    const down = Object.fromEntries(
      Object.entries(all).filter(([, v]) => v.status === 'down'),
    );
    if (Object.keys(down).length > 0) {
      throw new ServiceUnavailableException({ status: 'error', error: down });
    }
    return { status: 'ok', info: all, error: {}, details: all };
  },
} as unknown as HealthCheckService;

function indicator(key: string) {
  const state = { up: true, calls: 0 };
  const check: ReadinessIndicator = {
    check: async () => {
      state.calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { [key]: { status: state.up ? 'up' : 'down' } };
    },
  };
  return { state, check };
}

function setup(healthCacheMs: number) {
  const jwks = indicator('jwks');
  const cognito = indicator('cognito');
  const http = { ...loadConfig({}).http, healthCacheMs };
  const readiness = new ReadinessCheck(
    health,
    [jwks.check, cognito.check],
    http,
  );
  return { readiness, jwks: jwks.state, cognito: cognito.state };
}

describe('ReadinessCheck', () => {
  it('runs every indicator in the list and reports them', async () => {
    const { readiness, jwks, cognito } = setup(0);
    const result = await readiness.check();
    expect(result.details).toEqual({
      jwks: { status: 'up' },
      cognito: { status: 'up' },
    });
    expect([jwks.calls, cognito.calls]).toEqual([1, 1]);
  });

  it('makes one round of checks for 100 concurrent calls, and reuses it while fresh', async () => {
    const { readiness, jwks, cognito } = setup(60_000);
    await Promise.all(Array.from({ length: 100 }, () => readiness.check()));
    await readiness.check();
    expect([jwks.calls, cognito.calls]).toEqual([1, 1]);
  });

  it('checks again once the period has passed, and answers 503 naming what is down', async () => {
    const { readiness, jwks, cognito } = setup(30);
    await readiness.check();
    cognito.up = false;
    await expect(readiness.check()).resolves.toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 40));
    await expect(readiness.check()).rejects.toMatchObject({
      code: 'IDP_UNAVAILABLE',
      message: 'Down: cognito.',
    });
    expect(jwks.calls).toBe(2);
  });
});
