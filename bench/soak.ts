import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/process.js';
import { pinned, productionNodeFlags, rssMb, SERVER_CORE } from './lib.js';
import { createUsers, Legit, Tally } from './soak-clients.js';
import { closeConnections, hostile, MIX, send } from './soak-traffic.js';

/**
 * npm run soak: the app as `npm run start:prod` runs it (dist/main.js, its
 * node flags, its embedded Cognito emulator), behind a trusted proxy, under hostile traffic from random
 * client addresses plus real users logging in and reading. Prints the
 * app's RSS every 10 s and, at the end, each figure against its target.
 * It reports; a missed target does not fail the run (exit 0), only a
 * broken harness does.
 */
/** How the app is told to trust X-Forwarded-For: one proxy hop (the soak plays it). */
const TRUST_PROXY = '1';
const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
/** Hostile requests per second, all routes together. */
const HOSTILE_RPS = Number(process.env.SOAK_HOSTILE_RPS ?? 200);
/** Hostile requests waiting for an answer at most; more are skipped. */
const MAX_IN_FLIGHT = Number(process.env.SOAK_MAX_IN_FLIGHT ?? 200);
const USERS = Number(process.env.SOAK_USERS ?? 3);
const LOGINS_PER_SECOND = Number(process.env.SOAK_LOGINS_PER_SECOND ?? 1);
const READS_PER_SECOND = Number(process.env.SOAK_READS_PER_SECOND ?? 10);
/** RSS growth is measured from here on (the first minute, or half a short run). */
const SETTLED_SECONDS = Math.min(60, SECONDS / 2);
const PRINT_EVERY_SECONDS = 10;
const TICK_MS = 20;
/**
 * Each end of the growth is the median of this many seconds of samples
 * (one a second): a single sample is wherever the heap's collection cycle
 * happened to be, several MB either way.
 */
const GROWTH_WINDOW_SECONDS = Math.min(30, (SECONDS - SETTLED_SECONDS) / 2);
/** Polled until the app answers at all (any status): it listens. */
const PROBE = { method: 'GET', path: '/health', headers: {} } as const;
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'soak-'));
  const port = await freePort();
  const flags = productionNodeFlags();
  const [command, ...args] = pinned(SERVER_CORE, [
    process.execPath,
    ...flags,
    MAIN,
  ]);
  const app = spawn(command, args, {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_FORMAT: 'json',
      HOST: '127.0.0.1',
      PORT: String(port),
      TRUST_PROXY,
      // The app's embedded emulator (its own child process, not in the
      // app's RSS), in a fresh folder; confirmation codes from the dev outbox.
      COGNITO_LOCAL_DIR: join(dir, 'cognito'),
    },
    // The access log (JSON on stdout) is written, as in production, but not kept.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exit: string | undefined;
  app.once('exit', (code, signal) => (exit = `${code ?? signal}`));
  try {
    await ready(port, app, () => exit);
    console.log(
      `app: node ${flags.join(' ')} dist/main.js, TRUST_PROXY=${TRUST_PROXY}, pid ${app.pid}; ${SECONDS} s; hostile ${HOSTILE_RPS} req/s (${Object.entries(
        MIX,
      )
        .map(([kind, share]) => `${kind} ${share}`)
        .join(
          ', ',
        )}); ${USERS} real users, ${LOGINS_PER_SECOND} logins/s, ${READS_PER_SECOND} guarded reads/s`,
    );
    const users = await createUsers(port, USERS);
    await soak(port, app.pid!, users, () => exit);
  } finally {
    closeConnections();
    if (exit === undefined) {
      const gone = new Promise((done) => app.once('exit', done));
      app.kill('SIGTERM');
      await gone;
    }
    await rm(dir, { recursive: true, force: true });
  }
}

async function ready(
  port: number,
  app: ChildProcess,
  exited: () => string | undefined,
): Promise<void> {
  for (let tries = 0; tries < 300; tries++) {
    if (exited() !== undefined) {
      throw new Error(`the app exited with ${exited()} before it was ready`);
    }
    if ((await send(port, PROBE)).status !== 0) return;
    await sleep(100);
  }
  app.kill('SIGTERM');
  throw new Error('the app was not ready within 30 s');
}

async function soak(
  port: number,
  pid: number,
  users: Awaited<ReturnType<typeof createUsers>>,
  exited: () => string | undefined,
): Promise<void> {
  const hostileTally = new Tally();
  const legit = new Legit(port, users);
  let inFlight = 0;
  let skipped = 0;
  const samples: { at: number; rss: number }[] = [];
  const started = Date.now();
  const elapsed = (): number => (Date.now() - started) / 1000;
  let due = { hostile: 0, logins: 0, reads: 0 };
  let nextPrint = PRINT_EVERY_SECONDS;
  let nextSample = 0;
  while (elapsed() < SECONDS && exited() === undefined) {
    const step = TICK_MS / 1000;
    due = {
      hostile: due.hostile + HOSTILE_RPS * step,
      logins: due.logins + LOGINS_PER_SECOND * step,
      reads: due.reads + READS_PER_SECOND * step,
    };
    for (; due.hostile >= 1; due.hostile -= 1) {
      if (inFlight >= MAX_IN_FLIGHT) {
        skipped += 1;
        continue;
      }
      inFlight += 1;
      const req = hostile();
      void send(port, req).then((answer) => {
        inFlight -= 1;
        hostileTally.count(answer.status, req.kind);
      });
    }
    for (; due.logins >= 1; due.logins -= 1) void legit.login();
    for (; due.reads >= 1; due.reads -= 1) void legit.read();
    if (elapsed() >= nextSample) {
      const rss = rssMb(pid);
      if (rss > 0) samples.push({ at: elapsed(), rss });
      nextSample += 1;
    }
    if (elapsed() >= nextPrint) {
      nextPrint += PRINT_EVERY_SECONDS;
      console.log(
        `${elapsed().toFixed(0).padStart(4)} s  RSS ${rssMb(pid).toFixed(1)} MB  hostile ${hostileTally.total} sent (${hostileTally.describe()}), ${skipped} skipped  legit ${legit.served} served, ${legit.refused} refused  5xx ${hostileTally.serverErrors + legit.serverErrors}`,
      );
    }
    await sleep(TICK_MS);
  }
  await legit.settle();
  for (let wait = 0; inFlight > 0 && wait < 200; wait++) await sleep(100);
  if (exited() === undefined) samples.push({ at: elapsed(), rss: rssMb(pid) });
  const probe = exited() === undefined ? await send(port, PROBE) : undefined;
  const live = probe !== undefined && probe.status !== 0;
  const peak = Math.max(...samples.map((s) => s.rss));
  const growth = rssGrowth(samples);
  const serverErrors = hostileTally.serverErrors + legit.serverErrors;
  console.log(
    `\nhostile: ${hostileTally.total} answered (${hostileTally.describe()}), ${skipped} skipped at ${MAX_IN_FLIGHT} in flight, ${hostileTally.transport} without an HTTP answer`,
  );
  console.log(`hostile 5xx by kind: ${hostileTally.describeServerErrors()}`);
  console.log(
    `legitimate: ${legit.served} served, ${legit.refused} refused (${legit.describeRefusals()}); login p99 ${legit.p99('login')} ms, read p99 ${legit.p99('read')} ms\n`,
  );
  const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
  const row = (name: string, value: string, target: string, ok: boolean) =>
    console.log(
      `${name.padEnd(38)}${value.padEnd(16)}target ${target.padEnd(12)}${verdict(ok)}`,
    );
  row(
    'no crash (alive, answers HTTP)',
    exited() === undefined
      ? live
        ? 'alive'
        : 'not answering'
      : `exited ${exited()}`,
    'alive',
    live,
  );
  row('5xx answers', String(serverErrors), '0', serverErrors === 0);
  // After a crash the last sample is not the end of the run.
  row(
    `RSS growth after ${SETTLED_SECONDS.toFixed(0)} s`,
    live ? `${growth.toFixed(1)} MB` : 'n/a (crashed)',
    '< 10 MB',
    live && growth < 10,
  );
  row('peak RSS', `${peak.toFixed(1)} MB`, '< 200 MB', peak < 200);
  const atSettled = samples.find((s) => s.at >= SETTLED_SECONDS);
  if (live && atSettled) {
    console.log(
      `(info) RSS of the last sample less the one at ${SETTLED_SECONDS.toFixed(0)} s, one sample each: ${(samples[samples.length - 1].rss - atSettled.rss).toFixed(1)} MB`,
    );
  }
  row(
    'legitimate requests refused',
    `${legit.refused} of ${legit.served + legit.refused}`,
    '0',
    legit.refused === 0 && legit.served > 0,
  );
}

await main();

/**
 * RSS growth over the run once settled: the median of the samples of the
 * last GROWTH_WINDOW_SECONDS of load less the median of the first such
 * window after SETTLED_SECONDS. The sample taken once the load has
 * stopped counts for the peak only.
 */
function rssGrowth(samples: readonly { at: number; rss: number }[]): number {
  const median = (from: number, to: number): number => {
    const values = samples
      .filter((s) => s.at >= from && s.at < to)
      .map((s) => s.rss)
      .sort((a, b) => a - b);
    if (values.length === 0) return Number.NaN;
    const middle = Math.floor(values.length / 2);
    return values.length % 2
      ? values[middle]
      : (values[middle - 1] + values[middle]) / 2;
  };
  return (
    median(SECONDS - GROWTH_WINDOW_SECONDS, SECONDS) -
    median(SETTLED_SECONDS, SETTLED_SECONDS + GROWTH_WINDOW_SECONDS)
  );
}
