import Fastify from 'fastify';
import type { AppConfig } from '../config/app.config.js';
import { loadConfig } from '../config/env.validation.js';
import { Metrics } from './metrics.js';
import { recordRequests } from './request-metrics.js';

const config = (metricsPort: number | undefined): AppConfig => ({
  port: 3000,
  host: undefined,
  loopbackOnly: true,
  production: false,
  metricsPort,
});

describe('Metrics', () => {
  it('without METRICS_PORT has no registry and adds no hook to the request path', async () => {
    const metrics = new Metrics(config(undefined));
    expect(metrics.enabled).toBe(false);
    expect(metrics.registry).toBeUndefined();
    const fastify = Fastify();
    const addHook = vi.spyOn(fastify, 'addHook');
    recordRequests(fastify, metrics);
    expect(addHook).not.toHaveBeenCalled();
    metrics.request('GET', '/x', 200, 0.01);
    metrics.tokenVerification('valid');
    metrics.rateLimitRefusal('address');
    metrics.cognitoCall('InitiateAuth', 'ok', 0.01);
    expect(await metrics.scrape()).toBe('');
    await fastify.close();
  });

  it('with METRICS_PORT labels a request with its route pattern, an unmatched one "unmatched"', async () => {
    const metrics = new Metrics(config(0));
    const fastify = Fastify();
    recordRequests(fastify, metrics);
    fastify.get('/things/:id', () => ({ ok: true }));
    await fastify.inject('/things/42');
    await fastify.inject('/elsewhere/42');
    const text = await metrics.scrape();
    expect(text).toContain(
      'http_requests_total{method="GET",route="/things/:id",status="200"} 1',
    );
    expect(text).toContain(
      'http_requests_total{method="GET",route="unmatched",status="404"} 1',
    );
    expect(text).not.toContain('/things/42');
    expect(text).not.toContain('/elsewhere');
    await fastify.close();
  });
});

describe('METRICS_PORT', () => {
  it('is refused when it is the API port, with one sentence', () => {
    expect(() => loadConfig({ PORT: '8080', METRICS_PORT: '8080' })).toThrow(
      'Invalid configuration: METRICS_PORT must differ from PORT: metrics are served on a listener of their own, never on the API port.',
    );
    expect(() => loadConfig({ METRICS_PORT: '3000' })).toThrow(
      /METRICS_PORT must differ from PORT/,
    );
  });

  it('is a port number', () => {
    expect(() => loadConfig({ METRICS_PORT: 'x' })).toThrow(
      'METRICS_PORT must be a whole number from 0 to 65535.',
    );
    expect(loadConfig({ METRICS_PORT: '9464' }).app.metricsPort).toBe(9464);
    expect(loadConfig({}).app.metricsPort).toBeUndefined();
  });
});
