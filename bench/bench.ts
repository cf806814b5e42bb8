import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbeddedCognito } from '../src/cognito/emulator/embedded-cognito.js';
import type { OutboxMessage } from '../src/cognito/emulator/outbox.js';
import {
  canPin,
  jwksFetches,
  LOAD_CORE,
  productionNodeFlags,
  SERVER_CORE,
  startServer,
  stop,
  type Started,
} from './lib.js';
import { existsSync } from 'node:fs';
import { startRedis, type RedisServer } from '../test/support/redis.js';
import { generator, load, type LoadResult } from './loadgen.js';
import { loginBench } from './login.js';
import { report, reportLogin, type Row } from './report.js';
import {
  ALL_ROWS,
  bearer,
  PATH,
  SERVERS,
  type Context,
  type RowSpec,
  type ServerSpec,
} from './rows.js';

/**
 * npm run bench: the guarded route (c) against (a) bare node:http serving
 * the same bytes, (b) this app's unguarded twin of the route, (d) the
 * tutorial's guard and (e) NestJS + Fastify alone serving the same bytes;
 * then logins through the API against direct InitiateAuth calls, and the
 * passkey and email-code sign-ins beside them (BENCH_ONLY=login runs only
 * those). Every
 * server is its own process, all on one core; the load generator (wrk, or
 * autocannon in its own process) runs on the other.
 */
const DURATION = Number(
  process.env.BENCH_DURATION ?? process.env.BENCH_SECONDS ?? 10,
);
/** Rounds of every row in turn (a b c d e a b c d e ...). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** `guard`, `login` or both (default). */
const ONLY = process.env.BENCH_ONLY;
/** Keys of the rows to run, e.g. `a,c,e` (default: all). */
const ONLY_ROWS = process.env.BENCH_ROWS?.split(',');
const here = (file: string): string =>
  fileURLToPath(new URL(file, import.meta.url));
/** The rows with REDIS_URL need it; the bench starts its own (test/support/redis.ts). */
const HAS_REDIS = existsSync('/usr/bin/redis-server');
const needsRedis = (row: RowSpec): boolean =>
  (SERVERS[row.server] as ServerSpec).needsRedis === true;
const ROWS = ALL_ROWS.filter(
  (row) =>
    (!ONLY_ROWS || ONLY_ROWS.includes(row.key)) &&
    (HAS_REDIS || !needsRedis(row)),
);

async function main(): Promise<void> {
  console.log(
    `load generator: ${generator === 'wrk' ? 'wrk (1 thread)' : 'autocannon, in its own process'}; ${
      canPin
        ? `servers on core ${SERVER_CORE}, load generator on core ${LOAD_CORE} (taskset)`
        : 'no taskset: nothing pinned'
    }`,
  );
  console.log(
    `app runs as npm run start:prod does: node ${productionNodeFlags().join(' ')}`,
  );
  const rows = ONLY === 'login' ? [] : await guardBench();
  const login =
    ONLY === 'guard'
      ? undefined
      : await loginBench(
          here('./servers/app.server.js'),
          productionNodeFlags(),
          DURATION,
        );
  if (rows.length > 0) report(rows);
  if (login) reportLogin(login);
}

async function guardBench(): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-'));
  const codes: OutboxMessage[] = [];
  const emulator = new EmbeddedCognito(
    join(dir, 'cognito'),
    (m) => codes.push(m),
    process.env.PATH,
  );
  const pool = await emulator.start();
  const started = new Map<string, Started>();
  let redis: RedisServer | undefined;
  if (!HAS_REDIS) {
    console.log(
      'no /usr/bin/redis-server: the rows with REDIS_URL are skipped',
    );
  }
  try {
    if (ROWS.some(needsRedis)) redis = await startRedis();
    const ctx: Context = {
      bytesFile: join(dir, 'body.json'),
      cognitoEnv: {
        NODE_ENV: 'development',
        LOG_FORMAT: 'json',
        AWS_COGNITO_USER_POOL_ID: pool.userPoolId,
        AWS_COGNITO_CLIENT_ID: pool.clientId,
        AWS_COGNITO_ENDPOINT: pool.endpoint,
        AWS_COGNITO_AUTHORITY: `${pool.endpoint}/${pool.userPoolId}`,
      },
      tokens: { accessToken: '', idToken: '' },
      redisUrl: redis?.url,
    };
    // The app comes first: it signs the user up and serves the bytes the
    // others must serve too.
    const app = await start('app', ctx, started);
    const base = `http://127.0.0.1:${app.port}`;
    ctx.tokens = await signUp(base, codes);
    const page = await body(`${base}${PATH}`, bearer('accessToken')(ctx));
    await writeFile(ctx.bytesFile, page);
    for (const row of ROWS) {
      const server = await start(row.server, ctx, started);
      const url = `http://127.0.0.1:${server.port}${row.path}`;
      if ((await body(url, row.headers?.(ctx))) !== page) {
        throw new Error(`${row.label} does not serve the same bytes`);
      }
    }
    console.log(
      `body: ${Buffer.byteLength(page)} bytes, ${JSON.parse(page).length} items; ${CONNECTIONS} connections; ${ROUNDS} rounds of ${DURATION} s per row, after ${WARMUP} s of warm-up each\n`,
    );

    const target = (row: RowSpec) => {
      const server = started.get(row.server)!;
      return {
        url: `http://127.0.0.1:${server.port}${row.path}`,
        pid: server.child.pid!,
        headers: row.headers?.(ctx),
      };
    };
    for (const row of ROWS) {
      const { url, pid, headers } = target(row);
      await load(url, pid, {
        connections: CONNECTIONS,
        seconds: WARMUP,
        headers,
      });
    }
    const slices = new Map<string, LoadResult[]>(ROWS.map((r) => [r.key, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const row of ROWS) {
        const { url, pid, headers } = target(row);
        const slice = await load(url, pid, {
          connections: CONNECTIONS,
          seconds: DURATION,
          headers,
        });
        slices.get(row.key)!.push(slice);
        console.log(
          `round ${round} ${row.label.padEnd(40)} ${slice.rps.toFixed(0).padStart(6)} req/s  p99 ${slice.p99.toFixed(1)} ms  server CPU ${slice.serverCpuPercent.toFixed(0)}%  load generator CPU ${slice.loadCpuPercent.toFixed(0)}%`,
        );
      }
    }
    const rows: Row[] = [];
    for (const row of ROWS) {
      const server = started.get(row.server)!;
      rows.push({
        key: row.key,
        label: row.label,
        result: combine(slices.get(row.key)!),
        roundRps: slices.get(row.key)!.map((slice) => slice.rps),
        jwksFetches: await jwksFetches(server.child),
      });
    }
    return rows;
  } finally {
    for (const server of started.values()) await stop(server.child);
    await redis?.stop();
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function start(
  name: keyof typeof SERVERS,
  ctx: Context,
  started: Map<string, Started>,
): Promise<Started> {
  const existing = started.get(name);
  if (existing) return existing;
  const spec: ServerSpec = SERVERS[name];
  const server = await startServer(
    here(spec.script),
    spec.args?.(ctx) ?? [],
    spec.env?.(ctx) ?? {},
    spec.production ? productionNodeFlags() : [],
  );
  started.set(name, server);
  return server;
}

/** Slices of one row as one run: p99 is the worst slice's, CPU the mean. */
function combine(runs: LoadResult[]): LoadResult {
  const sum = (pick: (run: LoadResult) => number): number =>
    runs.reduce((total, run) => total + pick(run), 0);
  const elapsedSeconds = sum((run) => run.elapsedSeconds);
  const total = sum((run) => run.total);
  return {
    total,
    elapsedSeconds,
    rps: total / elapsedSeconds,
    p99: Math.max(...runs.map((run) => run.p99)),
    non2xx: sum((run) => run.non2xx),
    errors: sum((run) => run.errors),
    peakRssMb: Math.max(...runs.map((run) => run.peakRssMb)),
    serverCpuPercent:
      sum((run) => run.serverCpuPercent * run.elapsedSeconds) / elapsedSeconds,
    loadCpuPercent: Math.max(...runs.map((run) => run.loadCpuPercent)),
  };
}

async function body(
  url: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await fetch(url, { headers });
  if (response.status !== 200) {
    throw new Error(`${url} answered ${response.status}`);
  }
  return response.text();
}

async function signUp(
  base: string,
  codes: OutboxMessage[],
): Promise<Context['tokens']> {
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
  return (await login.json()) as Context['tokens'];
}

await main();
