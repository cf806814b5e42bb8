import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbeddedCognito } from '../src/cognito/emulator/embedded-cognito.js';
import type { OutboxMessage } from '../src/cognito/emulator/outbox.js';
import {
  load,
  productionNodeFlags,
  startServer,
  stats,
  stop,
  type LoadResult,
  type Started,
} from './lib.js';
import { loginBench, type LoginBench } from './login.js';

/**
 * npm run bench: the guarded route (c) against (a) bare node:http serving
 * the same bytes, (b) this app's unguarded twin of the route, and (d) the
 * tutorial's guard. Each server is its own process; one load runs at a time,
 * from autocannon in this process.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** `guard`, `login` or both (default). */
const ONLY = process.env.BENCH_ONLY;
const WARMUP_SECONDS = 2;
/** Turns of (b) and (c), each SECONDS / 2 long. */
const ROUNDS = 4;
const CONNECTIONS = 50;
const PATH = '/api/v1/pokemons?limit=151';
const TWIN_PATH = '/api/v1/bench/pokemons?limit=151';
const here = (file: string): string =>
  fileURLToPath(new URL(file, import.meta.url));

interface Row {
  name: string;
  result: Measured;
  jwksFetches?: number;
}

type Measured = LoadResult & { cpuPercent: number };

async function main(): Promise<void> {
  if (ONLY !== 'login') await guardBench();
  if (ONLY !== 'guard') {
    console.log(
      `\nlogin: ${SECONDS} s per run, 10 connections, a fresh emulator per run`,
    );
    reportLogin(
      await loginBench(
        here('./servers/app.server.js'),
        productionNodeFlags(),
        SECONDS,
      ),
    );
  }
}

async function guardBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-'));
  const codes: OutboxMessage[] = [];
  const emulator = new EmbeddedCognito(
    join(dir, 'cognito'),
    (m) => codes.push(m),
    process.env.PATH,
  );
  const pool = await emulator.start();
  const env = {
    NODE_ENV: 'development',
    LOG_FORMAT: 'json',
    AWS_COGNITO_USER_POOL_ID: pool.userPoolId,
    AWS_COGNITO_CLIENT_ID: pool.clientId,
    AWS_COGNITO_ENDPOINT: pool.endpoint,
    AWS_COGNITO_AUTHORITY: `${pool.endpoint}/${pool.userPoolId}`,
  };
  const rows: Row[] = [];
  try {
    const flags = productionNodeFlags();
    const app = await startServer(
      here('./servers/app.server.js'),
      [],
      env,
      flags,
    );
    const base = `http://127.0.0.1:${app.port}`;
    const tokens = await signUp(base, codes);
    const guardedBody = await body(`${base}${PATH}`, tokens.accessToken);
    if (guardedBody !== (await body(`${base}${TWIN_PATH}`))) {
      throw new Error('the unguarded twin does not serve the same bytes');
    }
    const bytesFile = join(dir, 'body.json');
    await writeFile(bytesFile, guardedBody);
    console.log(`app runs as npm run start:prod does: node ${flags.join(' ')}`);
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
      result: await measure(`http://127.0.0.1:${bare.port}${PATH}`, bare),
    });
    await stop(bare.child);

    // (b) and (c) share one process: each is warmed up, then they are
    // measured in turns (b c b c ...), ROUNDS slices each, so that neither
    // gets the other's JIT warm-up, heap growth or a noisy moment of the
    // machine for free.
    const bearer = { authorization: `Bearer ${tokens.accessToken}` };
    const twinUrl = `${base}${TWIN_PATH}`;
    const guardedUrl = `${base}${PATH}`;
    await warmUp(twinUrl, app);
    await warmUp(guardedUrl, app, bearer);
    const twinSlices: Measured[] = [];
    const guardedSlices: Measured[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      twinSlices.push(await measure(twinUrl, app, undefined, SECONDS / 2));
      guardedSlices.push(await measure(guardedUrl, app, bearer, SECONDS / 2));
    }
    rows.push({ name: '(b) app, unguarded twin', result: combine(twinSlices) });
    rows.push({
      name: '(c) app, guarded (access token)',
      result: combine(guardedSlices),
      jwksFetches: (await stats(app.child)).jwksFetches,
    });
    await stop(app.child);

    const tutorial = await startServer(
      here('./servers/tutorial.server.js'),
      [],
      env,
    );
    rows.push({
      name: '(d) tutorial guard, Express (ID token)',
      result: await measure(
        `http://127.0.0.1:${tutorial.port}${PATH}`,
        tutorial,
        {
          authorization: `Bearer ${tokens.idToken}`,
        },
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

async function warmUp(
  url: string,
  server: Started,
  headers?: Record<string, string>,
): Promise<void> {
  await load(url, server.child.pid!, {
    connections: CONNECTIONS,
    headers,
    seconds: WARMUP_SECONDS,
  });
}

/** A measured run, with the server's CPU use during it (after a warm-up unless told). */
async function measure(
  url: string,
  server: Started,
  headers?: Record<string, string>,
  seconds = SECONDS,
): Promise<Measured> {
  if (seconds === SECONDS) await warmUp(url, server, headers);
  const before = await stats(server.child);
  const started = process.hrtime.bigint();
  const result = await load(url, server.child.pid!, {
    connections: CONNECTIONS,
    headers,
    seconds,
  });
  const elapsedMicros = Number(process.hrtime.bigint() - started) / 1000;
  const after = await stats(server.child);
  const cpuPercent =
    ((after.cpuMicros - before.cpuMicros) / elapsedMicros) * 100;
  return { ...result, cpuPercent };
}

/** Runs of the same length as one. */
function combine(runs: Measured[]): Measured {
  const mean = (pick: (run: Measured) => number): number =>
    runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
  return {
    rps: mean((run) => run.rps),
    p99: Math.max(...runs.map((run) => run.p99)),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    total: runs.reduce((sum, run) => sum + run.total, 0),
    peakRssMb: Math.max(...runs.map((run) => run.peakRssMb)),
    cpuPercent: mean((run) => run.cpuPercent),
  };
}

async function body(url: string, token?: string): Promise<string> {
  const response = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (response.status !== 200) {
    throw new Error(`${url} answered ${response.status}`);
  }
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

function report(rows: Row[]): void {
  const columns: [string, number][] = [
    ['server', 42],
    ['req/s', 9],
    ['p99 ms', 8],
    ['non-2xx', 9],
    ['errors', 8],
    ['peak RSS MB', 13],
    ['CPU %', 7],
    ['req/CPU-s', 11],
    ['JWKS fetches', 12],
  ];
  const line = (cells: string[]): string =>
    cells.map((cell, i) => cell.padEnd(columns[i][1])).join('');
  console.log(line(columns.map(([title]) => title)));
  for (const { name, result, jwksFetches } of rows) {
    console.log(
      line([
        name,
        result.rps.toFixed(0),
        String(result.p99),
        String(result.non2xx),
        String(result.errors),
        result.peakRssMb.toFixed(1),
        result.cpuPercent.toFixed(0),
        perCpuSecond(result).toFixed(0),
        jwksFetches === undefined ? '-' : String(jwksFetches),
      ]),
    );
  }
  const [a, b, c, d] = rows.map((row) => row.result);
  const ratio = (
    label: string,
    x: Measured,
    y: Measured,
    target: number,
  ): string => {
    const value = x.rps / y.rps;
    const efficiency = perCpuSecond(x) / perCpuSecond(y);
    return `${label} = ${value.toFixed(2)} (target >= ${target}) ${value >= target ? 'OK' : 'MISSED'}; per CPU-second ${efficiency.toFixed(2)}`;
  };
  console.log('');
  console.log(ratio('c/a guarded / bare node:http', c, a, 0.6));
  console.log(ratio('c/b guarded / unguarded twin', c, b, 0.9));
  console.log(ratio('c/d guarded / tutorial guard', c, d, 4));
  const peak = Math.max(b.peakRssMb, c.peakRssMb);
  console.log(
    `peak RSS of the app under load = ${peak.toFixed(1)} MB (target <= 150) ${peak <= 150 ? 'OK' : 'MISSED'}`,
  );
  const bad = b.non2xx + c.non2xx + b.errors + c.errors;
  console.log(
    `non-2xx or errors of the app under load = ${bad} (target 0) ${bad === 0 ? 'OK' : 'MISSED'}`,
  );
  const fetches = rows[2].jwksFetches ?? 0;
  console.log(
    `JWKS fetches by the app = ${fetches} for 1 key (target <= 1) ${fetches <= 1 ? 'OK' : 'MISSED'}`,
  );
  if (a.cpuPercent < 90) {
    console.log(
      `note: the bare server used ${a.cpuPercent.toFixed(0)}% of a core: the load generator, not the server, set its req/s; the per-CPU-second ratios compare the servers' own costs`,
    );
  }
}

function reportLogin({ direct, api, apiCpuMsPerLogin }: LoginBench): void {
  const row = (name: string, r: LoadResult): string =>
    `${name.padEnd(42)}${r.rps.toFixed(0).padEnd(9)}${String(r.p99).padEnd(8)}${String(r.non2xx).padEnd(9)}${String(r.errors).padEnd(8)}`;
  console.log(
    `${'logins'.padEnd(42)}${'req/s'.padEnd(9)}${'p99 ms'.padEnd(8)}${'non-2xx'.padEnd(9)}errors`,
  );
  console.log(row('direct InitiateAuth to the emulator', direct));
  console.log(row('POST /api/v1/auth/login', api));
  const ratio = api.rps / direct.rps;
  console.log('');
  console.log(
    `API/direct = ${ratio.toFixed(2)} (target >= 0.8) ${ratio >= 0.8 ? 'OK' : 'MISSED'}`,
  );
  console.log(`API process CPU per login = ${apiCpuMsPerLogin.toFixed(2)} ms`);
}

/** Requests served per second of the server's own CPU time. */
function perCpuSecond(result: Measured): number {
  return result.rps / (result.cpuPercent / 100);
}

await main();
