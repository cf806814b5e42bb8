import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ServerMessage } from './servers/protocol.js';

export interface Started {
  child: ChildProcess;
  port: number;
}

/** Forks a benchmark server and waits for its port. */
export function startServer(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  execArgv: string[] = [],
): Promise<Started> {
  const child = fork(script, args, {
    env: { ...process.env, ...env },
    execArgv,
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

export function stats(
  child: ChildProcess,
): Promise<{ jwksFetches: number; cpuMicros: number }> {
  return new Promise((resolve) => {
    const onMessage = (message: ServerMessage): void => {
      if (message.type !== 'stats') return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ type: 'stats' });
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.disconnect();
  await exited;
}

/** Resident set size of a process, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export interface LoadResult {
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
  peakRssMb: number;
}

/** Drives one URL with autocannon, bounded in time, sampling the server's RSS. */
export async function load(
  url: string,
  pid: number,
  options: {
    connections: number;
    seconds: number;
    headers?: Record<string, string>;
    method?: 'GET' | 'POST';
    body?: string;
  },
): Promise<LoadResult> {
  let peak = rssMb(pid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 100);
  try {
    const result = await autocannon({
      url,
      connections: options.connections,
      duration: options.seconds,
      headers: options.headers,
      method: options.method ?? 'GET',
      body: options.body,
    });
    return {
      rps: result.requests.average,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      total: result.requests.total,
      peakRssMb: Math.max(peak, rssMb(pid)),
    };
  } finally {
    clearInterval(sampler);
  }
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
