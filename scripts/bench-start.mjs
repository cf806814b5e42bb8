// npm run bench:start: how long `npm start` takes on this machine, as a new
// user runs it after `npm ci` (README, "Benchmarks", start time).
//
// For each way of starting (npm start with no dist/ yet, as on a fresh clone;
// npm start again, its build up to date; and the start it replaced, the Nest
// CLI compiling with tsc each time), five starts each, interleaved:
//   - seconds from the command to the first 200 on GET /health;
//   - CPU-seconds the whole process tree spent until then (npm, the build
//     or the Nest CLI and its compiler, the app and its emulator), read from
//     /proc: user + system time of every live process of the tree, plus the
//     time of the children they have already reaped;
//   - seconds from the command to the configuration error on stderr, with
//     AWS_COGNITO_USER_POOL_ID set to a value that is not a pool id.
// Prints the median of each. Run from the repository's root. Each start gets its own port and emulator data
// folder, so the first start of the emulator (pool creation) is measured too.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const ROUNDS = Number(process.env.BENCH_START_ROUNDS ?? 5);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const NODE_FLAGS = 'node --max-semi-space-size=4 --max-old-space-size=128';

const removeBuild = () => rm('dist', { recursive: true, force: true });
const ways = [
  // A fresh clone after npm ci: no dist/ yet, so npm start builds it first.
  { name: 'after: npm start, no build', command: ['npm', 'start'], before: removeBuild },
  // Every later start: the build is up to date and is not redone.
  { name: 'after: npm start, built', command: ['npm', 'start'], before: async () => {} },
  // The old npm start: the Nest CLI compiling with tsc on every start.
  {
    name: 'before: nest start (tsc)',
    command: ['npx', 'nest', 'start', '-b', 'tsc', '--exec', NODE_FLAGS],
    before: async () => {},
  },
];

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The environment of a fresh clone: no COGNITO or REDIS settings inherited. */
function startEnv(extra) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|COGNITO_|REDIS_|PORT$|HOST$|NODE_ENV$|AUTH_|RATE_LIMIT_)/.test(key)) {
      env[key] = value;
    }
  }
  return { ...env, NODE_ENV: 'development', LOG_FORMAT: 'json', ...extra };
}

/** user + system + reaped children's CPU ticks of one process, or 0 once gone. */
async function cpuTicks(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14-17 (1-based), 11-14 here.
    return fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0);
  } catch {
    return 0;
  }
}

/** The pids of a process and all its live descendants. */
async function tree(rootPid) {
  const parents = new Map();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(entry));
      parents.set(ppid, list);
    } catch {
      // the process ended while the list was read
    }
  }
  const pids = [rootPid];
  for (let i = 0; i < pids.length; i++) pids.push(...(parents.get(pids[i]) ?? []));
  return pids;
}

async function treeCpuSeconds(rootPid) {
  let ticks = 0;
  for (const pid of await tree(rootPid)) ticks += await cpuTicks(pid);
  return ticks / TICKS_PER_SECOND;
}

function launch(command, env) {
  const child = spawn(command[0], command.slice(1), {
    env,
    detached: true, // its own process group, ended as a whole below
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.resume();
  return { child, exited, stderr: () => stderr };
}

async function stop(started) {
  try {
    process.kill(-started.child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  const ended = await Promise.race([started.exited.then(() => true), delay(10_000, false)]);
  if (!ended) {
    try {
      process.kill(-started.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // Wait for the whole group (the emulator too) to be gone before the next round.
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-started.child.pid, 0);
      await delay(100);
    } catch {
      return;
    }
  }
}

async function healthy(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, {
      signal: AbortSignal.timeout(1000),
    });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Seconds to the first /health 200, and the CPU-seconds spent until then. */
async function startToHealth(command) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-start-'));
  const port = await freePort();
  const t0 = performance.now();
  const started = launch(command, startEnv({ PORT: String(port), COGNITO_LOCAL_DIR: dataDir }));
  try {
    for (;;) {
      if (await healthy(port)) break;
      if (started.child.exitCode !== null) {
        throw new Error(`${command.join(' ')} exited: ${started.stderr()}`);
      }
      if (performance.now() - t0 > 180_000) throw new Error('no /health 200 within 180 s');
      await delay(20);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = await treeCpuSeconds(started.child.pid);
    return { seconds, cpu };
  } finally {
    await stop(started);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Seconds to the configuration error on stderr. */
async function startToConfigError(command) {
  const t0 = performance.now();
  const started = launch(command, startEnv({ AWS_COGNITO_USER_POOL_ID: 'not a pool' }));
  try {
    for (;;) {
      if (started.stderr().includes('Invalid configuration:')) break;
      if (started.child.exitCode !== null && !started.stderr().includes('Invalid configuration:')) {
        throw new Error(`exited without the configuration error: ${started.stderr()}`);
      }
      if (performance.now() - t0 > 180_000) throw new Error('no configuration error within 180 s');
      await delay(10);
    }
    return (performance.now() - t0) / 1000;
  } finally {
    await stop(started);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const results = new Map(ways.map((w) => [w.name, { health: [], cpu: [], configError: [] }]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const way of ways) {
    const r = results.get(way.name);
    await way.before();
    const { seconds, cpu } = await startToHealth(way.command);
    await way.before();
    const configError = await startToConfigError(way.command);
    r.health.push(seconds);
    r.cpu.push(cpu);
    r.configError.push(configError);
    console.log(
      `round ${round}/${ROUNDS} ${way.name}: /health 200 in ${seconds.toFixed(2)} s, ` +
        `${cpu.toFixed(2)} CPU-s; config error in ${configError.toFixed(2)} s`,
    );
  }
}

console.log(`\nNode ${process.versions.node}, median of ${ROUNDS} starts:`);
for (const way of ways) {
  const r = results.get(way.name);
  console.log(
    `${way.name.padEnd(32)} /health 200 in ${median(r.health).toFixed(2)} s, ` +
      `${median(r.cpu).toFixed(2)} CPU-s; config error in ${median(r.configError).toFixed(2)} s`,
  );
}
