import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { resolve } from 'node:path';
import { START_WITHIN_MS, waitFor } from './timing.js';

/** The project root (where dist/main.js is built). */
export const ROOT = resolve(import.meta.dirname, '..', '..');

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        done(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}

/** Whether something accepts TCP connections on this loopback port. */
export function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const finish = (answer: boolean): void => {
      socket.destroy();
      done(answer);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** Whether a process with this id exists (and is not a zombie). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The ids of the direct children of a process (Linux /proc), [] elsewhere. */
export function childPids(parent: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/** The built app (`node dist/main.js`) running as a child process. */
export interface AppProcess {
  child: ChildProcess;
  /** stdout, line by line, as written so far. */
  stdout: string[];
  stderr: string[];
  /** Resolves with the exit code (or the signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node dist/main.js` in the project root (or in `cwd`, e.g. a copy
 * of the build) with exactly this environment; `args` replaces what follows
 * `node` (e.g. the flags of `npm run start:prod`).
 */
export function spawnBuiltApp(
  env: Record<string, string>,
  cwd: string = ROOT,
  args: readonly string[] = ['dist/main.js'],
): AppProcess {
  const child = spawn(process.execPath, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  collectLines(child.stdout!, stdout);
  collectLines(child.stderr!, stderr);
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return { child, stdout, stderr, exited };
}

/** The built app once it serves, with the port it was given. */
export interface StartedApp extends AppProcess {
  port: number;
}

/**
 * spawnBuiltApp with PORT set to a free port, answered once GET /health/live
 * is 200. A start that exits or does not serve within START_WITHIN_MS
 * throws with the app's output, which says why; the app is stopped first,
 * so that a failed beforeAll leaves no process behind for afterAll.
 */
export async function startBuiltApp(
  env: Record<string, string>,
  { cwd, args }: { cwd?: string; args?: readonly string[] } = {},
): Promise<StartedApp> {
  const port = await freePort();
  const app = spawnBuiltApp({ ...env, PORT: String(port) }, cwd, args);
  // After the exit, once its output is read to the end.
  const closed = new Promise((done) => app.child.once('close', done));
  let exit: string | undefined;
  void app.exited.then(({ code, signal }) => (exit = signal ?? `code ${code}`));
  try {
    const served = await waitFor(
      'the app to serve',
      async () =>
        // An exit ends the wait at once: it will not serve any more.
        exit !== undefined
          ? false
          : (await fetch(`http://localhost:${port}/health/live`)).ok ||
            undefined,
      { timeoutMs: START_WITHIN_MS },
    );
    if (!served) throw new Error(`the app exited (${exit}) before it served`);
  } catch (error) {
    if (exit === undefined) app.child.kill('SIGTERM');
    await closed;
    throw new Error(
      `${(error as Error).message}\n${[...app.stdout, ...app.stderr].join('\n')}`,
    );
  }
  return { ...app, port };
}

function collectLines(stream: NodeJS.ReadableStream, into: string[]): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    into.push(...parts.filter((line) => line.length > 0));
  });
  stream.on('end', () => {
    if (rest) into.push(rest);
  });
}

/** The environment of this process without anything that would point the app at a pool. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(AWS_|COGNITO_|RATE_LIMIT_|AUTH_|JWKS_|LOG_|SHUTDOWN_)/.test(name))
      continue;
    if (['PORT', 'HOST', 'NODE_OPTIONS', 'VITEST'].includes(name)) continue;
    if (name.startsWith('VITEST_')) continue;
    env[name] = value;
  }
  return env;
}
