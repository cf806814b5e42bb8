import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbeddedCognito } from '../src/cognito/emulator/embedded-cognito.js';
import type { OutboxMessage } from '../src/cognito/emulator/outbox.js';
import { load, startServer, stats, stop, type LoadResult } from './lib.js';

/**
 * npm run bench: the guarded route against (a) bare node:http serving the
 * same bytes, (b) this app's unguarded twin, (d) the tutorial's guard.
 * Each server is its own process; one load runs at a time.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const CONNECTIONS = 50;
const PATH = '/api/v1/pokemons?limit=151';
const here = (file: string): string =>
  fileURLToPath(new URL(file, import.meta.url));

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-'));
  const codes: OutboxMessage[] = [];
  const emulator = new EmbeddedCognito(join(dir, 'cognito'), (m) =>
    codes.push(m),
  );
  const pool = await emulator.start();
  const authority = `${pool.endpoint}/${pool.userPoolId}`;
  const env = {
    NODE_ENV: 'development',
    AWS_COGNITO_USER_POOL_ID: pool.userPoolId,
    AWS_COGNITO_CLIENT_ID: pool.clientId,
    AWS_COGNITO_ENDPOINT: pool.endpoint,
    AWS_COGNITO_AUTHORITY: authority,
  };
  const rows: { name: string; result: LoadResult; jwksFetches?: number }[] = [];
  try {
    const app = await startServer(here('./servers/app.server.js'), [], env);
    const base = `http://127.0.0.1:${app.port}`;
    const tokens = await signUp(base, codes);
    const guardedBody = await body(`${base}${PATH}`, tokens.accessToken);
    const twinBody = await body(`${base}/api/v1/bench/pokemons?limit=151`);
    if (guardedBody !== twinBody)
      throw new Error('the unguarded twin does not serve the same bytes');
    const bytesFile = join(dir, 'body.json');
    await writeFile(bytesFile, guardedBody);
    console.log(
      `body: ${Buffer.byteLength(guardedBody)} bytes, ${JSON.parse(guardedBody).length} items; ${CONNECTIONS} connections, ${SECONDS} s per run after ${WARMUP_SECONDS} s warm-up\n`,
    );

    const bare = await startServer(
      here('./servers/bare.server.js'),
      [bytesFile],
      {},
    );
    rows.push({
      name: '(a) bare node:http',
      result: await measure(
        `http://127.0.0.1:${bare.port}${PATH}`,
        bare.child.pid!,
      ),
    });
    await stop(bare.child);

    rows.push({
      name: '(b) app, unguarded twin',
      result: await measure(
        `${base}/api/v1/bench/pokemons?limit=151`,
        app.child.pid!,
      ),
    });
    const bearer = { authorization: `Bearer ${tokens.accessToken}` };
    rows.push({
      name: '(c) app, guarded (access token)',
      result: await measure(`${base}${PATH}`, app.child.pid!, bearer),
      jwksFetches: (await stats(app.child)).jwksFetches,
    });
    await stop(app.child);

    const tutorial = await startServer(
      here('./servers/tutorial.server.js'),
      [],
      env,
    );
    const idBearer = { authorization: `Bearer ${tokens.idToken}` };
    rows.push({
      name: '(d) tutorial guard, Express (ID token)',
      result: await measure(
        `http://127.0.0.1:${tutorial.port}${PATH}`,
        tutorial.child.pid!,
        idBearer,
      ),
      jwksFetches: (await stats(tutorial.child)).jwksFetches,
    });
    await stop(tutorial.child);
  } finally {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
  report(rows);
}

async function measure(
  url: string,
  pid: number,
  headers?: Record<string, string>,
): Promise<LoadResult> {
  await load(url, pid, {
    connections: CONNECTIONS,
    seconds: WARMUP_SECONDS,
    headers,
  });
  return load(url, pid, {
    connections: CONNECTIONS,
    seconds: SECONDS,
    headers,
  });
}

async function body(url: string, token?: string): Promise<string> {
  const response = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (response.status !== 200)
    throw new Error(`${url} answered ${response.status}`);
  return response.text();
}

async function signUp(
  base: string,
  codes: OutboxMessage[],
): Promise<{ accessToken: string; idToken: string }> {
  const email = `bench-${Date.now()}@example.com`;
  const password = 'Passw0rd!';
  const post = (path: string, json: unknown): Promise<Response> =>
    fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(json),
    });
  await post('/api/v1/auth/register', { name: 'Bench', email, password });
  const code = codes.find((m) => m.email === email)?.code;
  await post('/api/v1/auth/confirm-registration', { email, code });
  const login = await post('/api/v1/auth/login', { email, password });
  return (await login.json()) as { accessToken: string; idToken: string };
}

function report(
  rows: { name: string; result: LoadResult; jwksFetches?: number }[],
): void {
  const pad = (value: string, width: number): string => value.padEnd(width);
  console.log(
    `${pad('server', 42)}${pad('req/s', 10)}${pad('p99 ms', 8)}${pad('non-2xx', 9)}${pad('errors', 8)}${pad('peak RSS MB', 13)}JWKS fetches`,
  );
  for (const { name, result, jwksFetches } of rows) {
    console.log(
      `${pad(name, 42)}${pad(result.rps.toFixed(0), 10)}${pad(String(result.p99), 8)}${pad(String(result.non2xx), 9)}${pad(String(result.errors), 8)}${pad(result.peakRssMb.toFixed(1), 13)}${jwksFetches ?? '-'}`,
    );
  }
  const [a, b, c, d] = rows.map((row) => row.result.rps);
  const line = (label: string, value: number, target: number): string =>
    `${label} = ${value.toFixed(2)} (target >= ${target}) ${value >= target ? 'OK' : 'MISSED'}`;
  console.log('');
  console.log(line('c/a guarded / bare node:http  ', c / a, 0.6));
  console.log(line('c/b guarded / unguarded twin  ', c / b, 0.9));
  console.log(line('c/d guarded / tutorial guard  ', c / d, 4));
  const peak = Math.max(rows[1].result.peakRssMb, rows[2].result.peakRssMb);
  console.log(
    `peak RSS of the app under load = ${peak.toFixed(1)} MB (target <= 150) ${peak <= 150 ? 'OK' : 'MISSED'}`,
  );
  const bad =
    rows[1].result.non2xx +
    rows[2].result.non2xx +
    rows[1].result.errors +
    rows[2].result.errors;
  console.log(
    `non-2xx or errors of the app under load = ${bad} (target 0) ${bad === 0 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `JWKS fetches by the app = ${rows[2].jwksFetches} (target: at most 1 per key) ${rows[2].jwksFetches === 1 ? 'OK' : 'MISSED'}`,
  );
}

await main();
