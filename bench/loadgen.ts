import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cpuSeconds,
  LOAD_CORE,
  pinned,
  reapedChildrenCpuSeconds,
  rssMb,
} from './lib.js';

/**
 * The load generator: wrk when it is installed (BENCH_LOADGEN=autocannon
 * forces the fallback), else autocannon in a child process of its own.
 * Either runs on the load generator's core, never in this process.
 */
const WRK = '/usr/bin/wrk';
export const generator: 'wrk' | 'autocannon' =
  process.env.BENCH_LOADGEN !== 'autocannon' && existsSync(WRK)
    ? 'wrk'
    : 'autocannon';
/** The load generator counts as saturated from this share of its core. */
export const SATURATED_CPU_PERCENT = 85;
const WORKER = fileURLToPath(
  new URL('./autocannon.worker.js', import.meta.url),
);

export interface LoadOptions {
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string;
}

/** What the generator itself counts. */
export interface GeneratorCounts {
  total: number;
  elapsedSeconds: number;
  /** Latency, 99th percentile, ms. */
  p99: number;
  /** Answers with a status of 400 or more (wrk counts those; autocannon its non-2xx). */
  non2xx: number;
  /** Connect, read, write errors and timeouts. */
  errors: number;
}

export interface LoadResult extends GeneratorCounts {
  rps: number;
  peakRssMb: number;
  /** Server CPU use over the run, % of one core. */
  serverCpuPercent: number;
  /** The load generator's own CPU use over the run, % of one core. */
  loadCpuPercent: number;
}

/** Drives one URL for a bounded time, sampling the server's RSS and CPU. */
export async function load(
  url: string,
  serverPid: number,
  options: LoadOptions,
): Promise<LoadResult> {
  let peak = rssMb(serverPid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(serverPid));
  }, 100);
  const serverBefore = cpuSeconds(serverPid);
  const loadBefore = reapedChildrenCpuSeconds();
  const started = process.hrtime.bigint();
  try {
    const counts =
      generator === 'wrk'
        ? await runWrk(url, options)
        : await runAutocannon(url, options);
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      ...counts,
      rps: counts.total / counts.elapsedSeconds,
      peakRssMb: Math.max(peak, rssMb(serverPid)),
      serverCpuPercent: ((cpuSeconds(serverPid) - serverBefore) / wall) * 100,
      loadCpuPercent:
        ((reapedChildrenCpuSeconds() - loadBefore) / counts.elapsedSeconds) *
        100,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** Runs a command to its end; its stdout, or an error with its stderr. */
function run(command: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = command;
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${file} ${args.join(' ')}: ${code}\n${err}`));
    });
  });
}

/** A Lua string literal that needs no escaping (long brackets). */
function lua(text: string): string {
  let level = '';
  while (text.includes(`]${level}]`)) level += '=';
  return `[${level}[${text}]${level}]`;
}

async function runWrk(
  url: string,
  options: LoadOptions,
): Promise<GeneratorCounts> {
  const lines = [`wrk.method = ${lua(options.method ?? 'GET')}`];
  if (options.body !== undefined) lines.push(`wrk.body = ${lua(options.body)}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    lines.push(`wrk.headers[ ${lua(name)} ] = ${lua(value)}`);
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("WRK %d %d %d %d %d\\n", summary.requests,',
    '    summary.duration, latency:percentile(99), e.status,',
    '    e.connect + e.read + e.write + e.timeout))',
    'end',
  );
  const dir = await mkdtemp(join(tmpdir(), 'bench-wrk-'));
  try {
    const script = join(dir, 'run.lua');
    await writeFile(script, lines.join('\n'));
    const out = await run(
      pinned(LOAD_CORE, [
        WRK,
        '-t1',
        `-c${options.connections}`,
        `-d${options.seconds}s`,
        '--timeout',
        '10s',
        '-s',
        script,
        url,
      ]),
    );
    const match = /^WRK (\d+) (\d+) (\d+) (\d+) (\d+)$/m.exec(out);
    if (!match) throw new Error(`wrk printed no summary for ${url}:\n${out}`);
    const [total, micros, p99Micros, status, errors] = match
      .slice(1)
      .map(Number);
    return {
      total,
      elapsedSeconds: micros / 1e6,
      p99: p99Micros / 1000,
      non2xx: status,
      errors,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runAutocannon(
  url: string,
  options: LoadOptions,
): Promise<GeneratorCounts> {
  const out = await run(
    pinned(LOAD_CORE, [
      process.execPath,
      WORKER,
      JSON.stringify({ url, ...options }),
    ]),
  );
  return JSON.parse(out) as GeneratorCounts;
}
