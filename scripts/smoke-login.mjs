// node scripts/smoke-login.mjs: boots the built app (dist/, as npm run
// start:prod does) on the node that runs this script, against the embedded
// emulator, and walks register -> confirm -> login -> GET /auth/me over HTTP.
// .ci/run runs it on the oldest Node the README supports. Exit code 0 when
// every answer has the status the README shows, 1 otherwise.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';

const root = fileURLToPath(new URL('..', import.meta.url));
/** A start on a busy machine can take a while; the walk itself is quick. */
const BOOT_DEADLINE_MS = 120_000;

const port = await new Promise((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port: free } = server.address();
    server.close(() => resolve(free));
  });
});
const dataDir = await mkdtemp(join(tmpdir(), 'smoke-login-'));
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^(AWS_|COGNITO_|REDIS_|AUTH_|RATE_LIMIT_)/.test(key),
  ),
);
const app = spawn(process.execPath, [join(root, 'dist/main.js')], {
  cwd: root,
  env: {
    ...env,
    NODE_ENV: 'development',
    PORT: String(port),
    COGNITO_LOCAL_DIR: dataDir,
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const exited = new Promise((resolve) => app.once('exit', (code) => resolve(code)));

const base = `http://127.0.0.1:${port}`;
async function call(method, path, body, token) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
function expectStatus(step, answer, status) {
  if (answer.status !== status) {
    throw new Error(`${step}: ${answer.status} (expected ${status}) ${JSON.stringify(answer.body)}`);
  }
  console.log(`smoke: ${step} ${answer.status}`);
}

let failed = false;
try {
  const start = performance.now();
  for (;;) {
    if (app.exitCode !== null) throw new Error(`the app exited with ${app.exitCode}`);
    try {
      if ((await call('GET', '/health')).status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - start > BOOT_DEADLINE_MS) {
      throw new Error(`no /health 200 within ${BOOT_DEADLINE_MS} ms`);
    }
    await delay(100);
  }
  console.log(`smoke: Node ${process.versions.node}, /health 200`);

  const email = `smoke-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'Passw0rd!';
  expectStatus(
    'POST /api/v1/auth/register',
    await call('POST', '/api/v1/auth/register', { name: 'Ash', email, password }),
    201,
  );
  const outbox = await call('GET', `/api/v1/dev/outbox?email=${encodeURIComponent(email)}`);
  expectStatus('GET /api/v1/dev/outbox', outbox, 200);
  const code = outbox.body.filter((m) => m.kind === 'SignUp').at(-1)?.code;
  if (!code) throw new Error('no sign-up code in the dev outbox');
  expectStatus(
    'POST /api/v1/auth/confirm-registration',
    await call('POST', '/api/v1/auth/confirm-registration', { email, code }),
    200,
  );
  const login = await call('POST', '/api/v1/auth/login', { email, password });
  expectStatus('POST /api/v1/auth/login', login, 200);
  const me = await call('GET', '/api/v1/auth/me', undefined, login.body.accessToken);
  expectStatus('GET /api/v1/auth/me', me, 200);
  if (me.body.email !== email) throw new Error(`GET /api/v1/auth/me: email ${me.body.email}`);
} catch (error) {
  console.error(`smoke: ${error instanceof Error ? error.message : String(error)}`);
  failed = true;
} finally {
  app.kill('SIGTERM');
  const code = await Promise.race([exited, delay(30_000, 'still running')]);
  if (code !== 0) {
    console.error(`smoke: the app's exit after SIGTERM: ${code} (expected 0)`);
    app.kill('SIGKILL');
    failed = true;
  }
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
