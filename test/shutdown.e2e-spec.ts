import { request as httpRequest } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cognitoCall } from './support/cognito-admin.js';
import { Http, expectError, type Answer } from './support/http.js';
import {
  childPids,
  cleanEnv,
  portAnswers,
  processAlive,
  startBuiltApp,
  type AppProcess,
} from './support/process.js';
import { START_WITHIN_MS, sleep, timed, waitFor } from './support/timing.js';
import { PASSWORD, confirmedUser, newEmail } from './support/users.js';

/**
 * SIGTERM to the built app (`node dist/main.js`, embedded emulator): it
 * stops taking connections, lets the requests in flight finish with their
 * normal answers, stops the emulator it started and exits 0, all within
 * SHUTDOWN_TIMEOUT_MS; past that timeout it gives up and exits 1.
 */

const IN_FLIGHT = 20;
/**
 * When SIGTERM goes out after the requests were sent: well inside their
 * failure floor (1500 ms and more), and long enough for all of them to reach
 * the app on a busy machine (at 300 ms some had not yet, and got 503).
 */
const SIGNAL_AFTER_MS = 800;

/** The answer to one request on a NEW connection (no keep-alive pool), or the connection error. */
function onNewConnection(
  port: number,
  path: string,
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((done) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'GET',
        agent: false,
        headers: { connection: 'close' },
        timeout: 5000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body }));
        res.on('error', (error) => done({ error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error: NodeJS.ErrnoException) =>
      done({ error: error.code ?? error.message }),
    );
    req.end();
  });
}

/** A started app, ready (GET /health 200), with its emulator's pid and port. */
interface Running {
  app: AppProcess;
  port: number;
  dataDir: string;
  http: Http;
  emulatorPort: number;
  userPoolId: string;
  emulatorPids: number[];
}

/**
 * Whether the emulator still serves this app's pool on its port. (Only
 * "the port answers" would do, but tests running beside this one may
 * bind the port once it is free.)
 */
async function emulatorServes(running: Running): Promise<boolean> {
  if (!(await portAnswers(running.emulatorPort))) return false;
  try {
    const answer = await cognitoCall(
      `http://127.0.0.1:${running.emulatorPort}`,
      'DescribeUserPool',
      { UserPoolId: running.userPoolId },
    );
    return answer.status === 200;
  } catch {
    return false;
  }
}

/**
 * The built app with its embedded emulator in a fresh folder, ready: GET
 * /health answers 200 once the emulator serves the pool.
 */
async function startWithEmulator(
  env: Record<string, string>,
): Promise<Running> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-local-shutdown-'));
  const app = await startBuiltApp({
    ...cleanEnv(),
    // Keeps a developer's .env out, as for every test; logs still on.
    NODE_ENV: 'test',
    COGNITO_LOCAL_DIR: dataDir,
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL: '1000',
    RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: '1000',
    ...env,
  });
  const { port } = app;
  const http = new Http(`http://127.0.0.1:${port}`);
  await waitFor(
    'GET /health 200 from the built app',
    async () => ((await http.get('/health')).status === 200 ? true : undefined),
    { timeoutMs: START_WITHIN_MS, intervalMs: 100 },
  );
  const state = JSON.parse(
    await readFile(join(dataDir, 'embedded.json'), 'utf8'),
  ) as { port: number; userPoolId: string };
  const running: Running = {
    app,
    port,
    dataDir,
    http,
    emulatorPort: state.port,
    userPoolId: state.userPoolId,
    emulatorPids: childPids(app.child.pid!),
  };
  expect(await emulatorServes(running)).toBe(true);
  return running;
}

async function cleanUp(running: Running | undefined): Promise<void> {
  if (!running) return;
  const { child } = running.app;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await running.app.exited;
  }
  for (const pid of running.emulatorPids) {
    if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  await rm(running.dataDir, { recursive: true, force: true });
}

/** Resolves with the exit once it happens, or undefined after `ms`. */
function exitWithin(
  app: AppProcess,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  return Promise.race([app.exited, sleep(ms).then(() => undefined)]);
}

describe.each<{ clients: string; headers: Record<string, string> }>([
  {
    clients: 'keep-alive clients (as fetch, browsers and load balancers)',
    headers: {},
  },
  {
    clients: 'clients that close their connections (Connection: close)',
    headers: { connection: 'close' },
  },
])('graceful shutdown of the built app on SIGTERM, $clients', ({ headers }) => {
  const SHUTDOWN_TIMEOUT_MS = 4000;
  const FAILURE_MIN_MS = 1500;
  let running: Running | undefined;
  let email: string;

  const inFlight: { answer?: Answer; error?: unknown; ms: number }[] = [];
  const afterSignal: ({ status: number; body: string } | { error: string })[] =
    [];
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let exitMs = 0;
  let stdout: { msg?: string; context?: string; [key: string]: unknown }[];

  beforeAll(async () => {
    running = await startWithEmulator({
      AUTH_FAILURE_MIN_MS: String(FAILURE_MIN_MS),
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    });
    email = await confirmedUser(running.http, newEmail('shutdown'));
    expect(running.emulatorPids.length).toBeGreaterThan(0);

    const { http, app, port } = running;
    const started = performance.now();
    const pending = Array.from({ length: IN_FLIGHT }, async (_, i) => {
      const begun = performance.now();
      try {
        const answer = await http.post(
          '/api/v1/auth/login',
          { email, password: `Wr0ng-Passw0rd!${i}` },
          undefined,
          headers,
        );
        inFlight[i] = { answer, ms: performance.now() - begun };
      } catch (error) {
        inFlight[i] = { error, ms: performance.now() - begun };
      }
    });
    await sleep(SIGNAL_AFTER_MS);
    const killedAt = performance.now();
    app.child.kill('SIGTERM');
    // New connections once the app has taken the signal (its log line; on a
    // loaded machine the signal can wait behind other work for longer than
    // the first probe's delay): refused, or 503 while closing.
    await waitFor(
      'the app to log that it took SIGTERM',
      async () =>
        app.stdout.some((line) => line.includes('SIGTERM: finishing'))
          ? true
          : undefined,
      { timeoutMs: 3000, intervalMs: 5 },
    );
    const signalledAt = performance.now();
    for (const delay of [100, 300, 600]) {
      await sleep(delay - (performance.now() - signalledAt));
      afterSignal.push(await onNewConnection(port, '/health'));
    }
    await Promise.all(pending);
    exit = await exitWithin(app, SHUTDOWN_TIMEOUT_MS + 2000);
    exitMs = performance.now() - killedAt;
    stdout = app.stdout.map((line) => {
      try {
        return JSON.parse(line) as { msg?: string; context?: string };
      } catch {
        throw new Error(`stdout line is not JSON: ${line}`);
      }
    });
    console.log(
      `[shutdown] ${JSON.stringify(headers)}: ${IN_FLIGHT} logins in flight, SIGTERM after ${(killedAt - started).toFixed(0)} ms; ` +
        `their times ${inFlight.map((r) => r.ms.toFixed(0)).join(', ')} ms; ` +
        `new connections after the signal: ${afterSignal.map((r) => ('status' in r ? r.status : r.error)).join(', ')}; ` +
        `exit ${JSON.stringify(exit)} ${exitMs.toFixed(0)} ms after SIGTERM`,
    );
  }, 60_000);

  afterAll(async () => {
    await cleanUp(running);
  });

  it(`lets all ${IN_FLIGHT} requests in flight finish with their normal answer (401 INVALID_CREDENTIALS after the ${FAILURE_MIN_MS} ms floor)`, () => {
    expect(inFlight).toHaveLength(IN_FLIGHT);
    for (const result of inFlight) {
      expect(result.error).toBeUndefined();
      expectError(result.answer!, 401, 'INVALID_CREDENTIALS');
      expect(result.ms).toBeGreaterThanOrEqual(FAILURE_MIN_MS - 5);
    }
  });

  it('refuses new connections after the signal, or answers them 503', () => {
    expect(afterSignal.length).toBe(3);
    for (const result of afterSignal) {
      if ('status' in result) {
        expect(result.status).toBe(503);
      } else {
        expect(result.error).toBe('ECONNREFUSED');
      }
    }
  });

  it(`exits with code 0 within SHUTDOWN_TIMEOUT_MS (${SHUTDOWN_TIMEOUT_MS} ms), once the requests in flight are done, logging "Stopped"`, () => {
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    const shutdown = stdout.filter((line) => line.context === 'Shutdown');
    expect(shutdown.map((line) => line.msg)).toEqual([
      `SIGTERM: finishing in-flight requests (at most ${SHUTDOWN_TIMEOUT_MS} ms)`,
      'Stopped',
    ]);
    expect(stdout.map((line) => line.msg)).toContain(
      'Embedded Cognito emulator stopped',
    );
  });

  it('leaves no emulator behind: its process is gone and its port serves the pool no more', async () => {
    const pids = running!.emulatorPids;
    await waitFor(
      'the emulator process gone',
      async () => (pids.every((pid) => !processAlive(pid)) ? true : undefined),
      { timeoutMs: 3000, intervalMs: 50 },
    );
    expect(await emulatorServes(running!)).toBe(false);
  });

  it('logs as JSON lines throughout (every stdout line parsed), with one access line per login in flight', () => {
    expect(stdout.length).toBeGreaterThan(IN_FLIGHT);
    const logins = stdout.filter(
      (line) =>
        line.msg === 'request' &&
        line.path === '/api/v1/auth/login' &&
        line.status === 401,
    );
    expect(logins).toHaveLength(IN_FLIGHT);
  });
});

describe('shutdown past SHUTDOWN_TIMEOUT_MS', () => {
  const SHUTDOWN_TIMEOUT_MS = 500;
  let running: Running | undefined;

  afterAll(async () => {
    await cleanUp(running);
  });

  it('gives up on requests that outlast the timeout: exits 1 soon after it, and the emulator goes too', async () => {
    running = await startWithEmulator({
      AUTH_FAILURE_MIN_MS: '4000',
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    });
    const { http, app } = running;
    const slow = http
      .post('/api/v1/auth/login', {
        email: newEmail('slow'),
        password: PASSWORD,
      })
      .then(
        (answer) => ({ answer }),
        (error: unknown) => ({ error }),
      );
    await sleep(SIGNAL_AFTER_MS);
    app.child.kill('SIGTERM');
    const { result: exit, ms } = await timed(() => exitWithin(app, 5000));
    console.log(
      `[shutdown] forced: exit ${JSON.stringify(exit)} ${ms.toFixed(0)} ms after SIGTERM (timeout ${SHUTDOWN_TIMEOUT_MS} ms)`,
    );
    expect(exit).toEqual({ code: 1, signal: null });
    expect(ms).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 1500);
    // The request cut off gets no normal answer.
    expect(await slow).toHaveProperty('error');
    const pids = running.emulatorPids;
    expect(pids.length).toBeGreaterThan(0);
    await waitFor(
      'the emulator process gone',
      async () => (pids.every((pid) => !processAlive(pid)) ? true : undefined),
      { timeoutMs: 3000, intervalMs: 50 },
    );
    expect(await emulatorServes(running)).toBe(false);
  }, 40_000);
});
