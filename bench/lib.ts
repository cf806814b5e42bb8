import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { childPids } from '../test/support/process.js';
import type { ServerMessage } from './servers/protocol.js';

/**
 * Processes of the benchmark: servers under test on one core, the load
 * generator on the other (when `taskset` exists), and what /proc says about
 * their memory and CPU time.
 */
export const SERVER_CORE = '0';
export const LOAD_CORE = '1';
const TASKSET = '/usr/bin/taskset';
export const canPin = existsSync(TASKSET);

/** `command` run on `core` when taskset exists (taskset execs it: same pid). */
export function pinned(core: string, command: string[]): string[] {
  return canPin ? [TASKSET, '-c', core, ...command] : command;
}

/** Moves a running process, every thread of it, to `core` (when taskset exists). */
export function moveToCore(pid: number, core: string): void {
  if (!canPin) return;
  execFileSync(TASKSET, ['-a', '-p', '-c', core, String(pid)], {
    stdio: 'ignore',
  });
}

/** Moves the child processes of `pid` to `core`: a child starts on its parent's. */
export function moveChildrenToCore(pid: number, core: string): void {
  const children = childPids(pid);
  if (canPin && children.length === 0) {
    console.log(
      `note: no child process of ${pid} found in /proc: its emulator stays on the app's core`,
    );
  }
  for (const child of children) moveToCore(child, core);
}

export interface Started {
  child: ChildProcess;
  port: number;
}

/** Starts a benchmark server on the servers' core and waits for its port. */
export function startServer(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  execArgv: string[] = [],
): Promise<Started> {
  // BENCH_CPU_PROF=<dir>: every server writes a V8 CPU profile there when
  // it stops (`node dist-bench/bench/profile-summary.js <file>` reads it).
  const profileDir = process.env.BENCH_CPU_PROF;
  const profile = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]
    : [];
  const [command, ...rest] = pinned(SERVER_CORE, [
    process.execPath,
    ...execArgv,
    ...profile,
    script,
    ...args,
  ]);
  const child = spawn(command, rest, {
    env: { ...process.env, ...env },
    // The app's access log (JSON on stdout) is written, as in production, but not shown.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`${script} exited with ${code}`)),
    );
    child.on('message', (message: ServerMessage) => {
      if (message.type === 'ready') resolve({ child, port: message.port });
    });
  });
}

/** JWKS fetches a benchmark server has made so far. */
export function jwksFetches(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: ServerMessage): void => {
      if (message.type !== 'stats') return;
      child.off('message', onMessage);
      resolve(message.jwksFetches);
    };
    child.on('message', onMessage);
    child.send({ type: 'stats' });
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  if (child.connected) child.disconnect();
  else child.kill('SIGTERM');
  await exited;
}

/** Resident set size of a process, in MB (Linux /proc); 0 once it is gone. */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

const TICKS_PER_SECOND = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
  } catch {
    return 100;
  }
}

/** Fields of /proc/<pid>/stat after the command name (field 3 onward). */
function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU time (user + system, all threads) of a running process, in seconds. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = statFields(pid);
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * CPU time of this process's children that have exited and been waited
 * for, in seconds: a load generator's own CPU use, read after it exits.
 */
export function reapedChildrenCpuSeconds(): number {
  const fields = statFields('self');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

/** The node flags of `npm run start:prod`, so the app is measured as it runs. */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as {
    scripts: Record<string, string>;
  };
  const words = pkg.scripts['start:prod'].split(/\s+/);
  return words.slice(words.indexOf('node') + 1, -1);
}
