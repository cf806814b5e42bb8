import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Http } from './support/http.js';
import {
  cleanEnv,
  freePort,
  startBuiltApp,
  type StartedApp,
} from './support/process.js';
import { START_WITHIN_MS, waitFor } from './support/timing.js';
import { confirmedUser, login, newEmail, PASSWORD } from './support/users.js';

/** One sample line of the text format: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(
        /(\w+)="((?:[^"\\]|\\.)*)"/g,
      )) {
        labels[key] = value;
      }
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The value of the one sample with this name and exactly these labels. */
function valueOf(
  all: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return all.find(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

/** `node dist/main.js` with METRICS_PORT, scraped as Prometheus would. */
describe('GET /metrics on METRICS_PORT', () => {
  let app: StartedApp;
  let dataDir: string;
  let metricsPort: number;
  let http: Http;
  const scrape = async (): Promise<{ text: string; all: Sample[] }> => {
    const answer = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await answer.text();
    return { text, all: samples(text) };
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cognito-local-metrics-'));
    metricsPort = await freePort();
    app = await startBuiltApp({
      ...cleanEnv(),
      NODE_ENV: 'development',
      LOG_FORMAT: 'json',
      METRICS_PORT: String(metricsPort),
      COGNITO_LOCAL_DIR: dataDir,
      RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: '1',
    });
    http = new Http(`http://127.0.0.1:${app.port}`);
    // The metrics listener starts once the API serves: its line comes after.
    await waitFor(
      'the metrics listener',
      async () =>
        app.stdout.some((line) => line.includes('"msg":"Metrics: http://'))
          ? true
          : undefined,
      { timeoutMs: START_WITHIN_MS },
    );
  });

  afterAll(async () => {
    // startBuiltApp stops an app that failed to start.
    if (app) {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('logs where it listens, on HOST and a port of its own', () => {
    expect(
      app.stdout.some((line) =>
        line.includes(
          `"msg":"Metrics: http://localhost:${metricsPort}/metrics"`,
        ),
      ),
    ).toBe(true);
  });

  it('counts requests by the route as declared, Cognito calls, tokens, refusals and the store', async () => {
    const refusedBefore =
      valueOf((await scrape()).all, 'cognito_requests_total', {
        operation: 'InitiateAuth',
        outcome: 'error',
      }) ?? 0;
    const email = await confirmedUser(http);
    const { accessToken } = await login(http, email);
    for (const path of ['/api/v1/pokemons/25', '/api/v1/pokemons/pikachu']) {
      expect((await http.get(path, accessToken)).status).toBe(200);
      expect((await http.get(path, accessToken)).status).toBe(200);
    }
    expect((await http.get('/api/v1/pokemons/25')).status).toBe(401);
    expect((await http.get('/api/v1/pokemons/25', 'not.a.token')).status).toBe(
      401,
    );
    const wrong = { email: newEmail('locked'), password: `${PASSWORD}x` };
    expect((await http.post('/api/v1/auth/login', wrong)).status).toBe(401);
    expect((await http.post('/api/v1/auth/login', wrong)).status).toBe(429);

    const { text, all } = await scrape();
    const route = '/api/v1/pokemons/:idOrName';
    expect(
      valueOf(all, 'http_requests_total', {
        method: 'GET',
        route,
        status: '200',
      }),
    ).toBe(4);
    expect(
      valueOf(all, 'http_requests_total', {
        method: 'GET',
        route,
        status: '401',
      }),
    ).toBe(2);
    expect(
      valueOf(all, 'http_request_duration_seconds_count', {
        method: 'GET',
        route,
        status: '200',
      }),
    ).toBe(4);
    expect(
      valueOf(all, 'http_requests_total', {
        method: 'POST',
        route: '/api/v1/auth/login',
        status: '429',
      }),
    ).toBe(1);
    // The raw paths never become label values.
    expect(text).not.toContain('/api/v1/pokemons/25');
    expect(text).not.toContain('pikachu');
    expect(
      valueOf(all, 'cognito_requests_total', {
        operation: 'SignUp',
        outcome: 'ok',
      }),
    ).toBe(1);
    // The wrong password (the app client's start-up probe may add its own).
    expect(
      valueOf(all, 'cognito_requests_total', {
        operation: 'InitiateAuth',
        outcome: 'error',
      }),
    ).toBe(refusedBefore + 1);
    expect(
      valueOf(all, 'cognito_request_duration_seconds_count', {
        operation: 'InitiateAuth',
        outcome: 'ok',
      }),
    ).toBeGreaterThanOrEqual(1);
    // The token verified once, then known from the cache.
    expect(
      valueOf(all, 'token_verifications_total', { outcome: 'valid' }),
    ).toBe(1);
    expect(
      valueOf(all, 'token_verifications_total', { outcome: 'cached' }),
    ).toBe(3);
    expect(
      valueOf(all, 'token_verifications_total', { outcome: 'missing' }),
    ).toBe(1);
    expect(
      valueOf(all, 'token_verifications_total', { outcome: 'invalid' }),
    ).toBe(1);
    expect(
      valueOf(all, 'rate_limit_refusals_total', { limit: 'failed_password' }),
    ).toBe(1);
    expect(valueOf(all, 'store_up')).toBe(1);
    // prom-client's default Node metrics.
    expect(valueOf(all, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(all.some((s) => s.name === 'nodejs_heap_size_used_bytes')).toBe(
      true,
    );
  });

  it('gives every unmatched path one label value: 404 noise adds none', async () => {
    for (const path of ['/nope', '/api/v1/pokemons/25/x', '/wp-login.php']) {
      expect((await http.get(path)).status).toBe(404);
    }
    const routesBefore = new Set(
      (await scrape()).all
        .filter((s) => s.name === 'http_requests_total')
        .map((s) => s.labels.route),
    );
    for (let i = 0; i < 20; i++) {
      expect((await http.get(`/scan-${i}/admin.php?id=${i}`)).status).toBe(404);
    }
    const { all } = await scrape();
    const routesAfter = new Set(
      all
        .filter((s) => s.name === 'http_requests_total')
        .map((s) => s.labels.route),
    );
    expect([...routesAfter].sort()).toEqual([...routesBefore].sort());
    expect(
      valueOf(all, 'http_requests_total', {
        method: 'GET',
        route: 'unmatched',
        status: '404',
      }),
    ).toBeGreaterThanOrEqual(23);
  });

  it('is not served on the API port', async () => {
    const answer = await http.get('/metrics');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ statusCode: 404, error: 'NOT_FOUND' });
  });

  it('answers 404 on its own port for anything but GET /metrics', async () => {
    const other = await fetch(`http://127.0.0.1:${metricsPort}/api/v1/health`);
    expect(other.status).toBe(404);
  });

  it('passes promtool check metrics', async () => {
    const { text } = await scrape();
    const check = spawnSync('promtool', ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
    });
    expect(check.error).toBeUndefined();
    expect({
      status: check.status,
      stdout: check.stdout,
      stderr: check.stderr,
    }).toEqual({
      status: 0,
      stdout: '',
      stderr: '',
    });
  });
});
