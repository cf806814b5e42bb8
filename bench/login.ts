import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedCognito } from '../src/cognito/emulator/embedded-cognito.js';
import {
  LOAD_CORE,
  moveChildrenToCore,
  moveToCore,
  startServer,
  stop,
} from './lib.js';
import { load, type LoadResult } from './loadgen.js';
import { prepareFlows, runFlows, type FlowKind } from './sign-in-flows.js';

const CONNECTIONS = 10;
const PASSWORD = 'Passw0rd!';

export interface LoginBench {
  direct: LoadResult;
  api: LoadResult;
  /** CPU time of the API process per login, in ms. */
  apiCpuMsPerLogin: number;
  /** Passkey sign-ins through the API: options, then the assertion. */
  passkey: LoadResult;
  /** Email-code sign-ins: the code sent, read from the dev outbox, answered. */
  emailCode: LoadResult;
}

/** CPU time of the API process per request (or per sign-in of several), in ms. */
export const cpuMsPerRequest = (result: LoadResult): number =>
  (result.serverCpuPercent * 10 * result.elapsedSeconds) /
  Math.max(1, result.total);

/**
 * Logins through the API against direct InitiateAuth (USER_PASSWORD_AUTH)
 * calls to the same kind of emulator, at the same concurrency; then, each
 * in an app of its own, passkey and email-code sign-ins through the API
 * (sign-in-flows.ts), to set beside the password login. The API runs
 * as `npm start` runs it: embedded mode, its own emulator (a child process)
 * in a fresh folder; the direct calls go to a fresh emulator too.
 * cognito-local appends a refresh token to the user at every login and
 * rewrites its whole pool file, so it slows as a run goes on, and the two
 * runs must start from the same state. The app is pinned like every server
 * under test; the emulators, which stand for Cognito (other machines), run
 * on the load generator's core (wrk takes ~1% of it here), both of them, so
 * that the API's work never takes the emulator's CPU and the comparison
 * is of what the API adds to a login. The app's emulator is moved there
 * once started (a child starts on its parent's core).
 */
export async function loginBench(
  appScript: string,
  flags: string[],
  seconds: number,
): Promise<LoginBench> {
  const direct = await withEmulator(async (pool, email) =>
    load(`${pool.endpoint}/`, pool.pid, {
      connections: CONNECTIONS,
      seconds,
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
      },
      body: JSON.stringify({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: pool.clientId,
        AuthParameters: { USERNAME: email, PASSWORD },
      }),
    }),
  );
  const api = await withApp(appScript, flags, async (base, pid) => {
    const email = 'login-bench@example.com';
    await confirmedThroughApi(base, email);
    return load(`${base}/api/v1/auth/login`, pid, {
      connections: CONNECTIONS,
      seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
  });
  const passwordless = (kind: FlowKind): Promise<LoadResult> =>
    withApp(appScript, flags, async (base, pid) => {
      const flows = await prepareFlows(base, kind, CONNECTIONS);
      const result = await runFlows(flows, pid, seconds);
      if (result.firstRefusal) {
        console.log(`note: ${kind} sign-in refused: ${result.firstRefusal}`);
      }
      return result;
    });
  const passkey = await passwordless('passkey');
  const emailCode = await passwordless('emailCode');
  return {
    direct,
    api,
    apiCpuMsPerLogin: cpuMsPerRequest(api),
    passkey,
    emailCode,
  };
}

/**
 * The API as `npm start` runs it (embedded mode, its own emulator in a
 * fresh folder, moved to the load generator's core) for the duration of
 * `run`: every row starts from the same empty pool.
 */
async function withApp<T>(
  appScript: string,
  flags: string[],
  run: (base: string, pid: number) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-login-app-'));
  const app = await startServer(
    appScript,
    [],
    {
      NODE_ENV: 'development',
      LOG_FORMAT: 'json',
      // One client, a few emails, thousands of sign-ins: the rate limits
      // would be what is measured. The limiter's own cost stays on the path.
      RATE_LIMIT_IP_PER_MINUTE: '1000000',
      RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL: '1000000',
      RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: '1000000',
      RATE_LIMIT_REQUESTS_PER_EMAIL: '1000000',
      COGNITO_LOCAL_DIR: join(dir, 'cognito'),
      // Embedded mode: no pool of the caller's environment.
      AWS_COGNITO_USER_POOL_ID: undefined,
      AWS_COGNITO_CLIENT_ID: undefined,
      AWS_COGNITO_CLIENT_SECRET: undefined,
      AWS_COGNITO_ENDPOINT: undefined,
      AWS_COGNITO_AUTHORITY: undefined,
    },
    flags,
  );
  try {
    moveChildrenToCore(app.child.pid!, LOAD_CORE);
    return await run(`http://127.0.0.1:${app.port}`, app.child.pid!);
  } finally {
    await stop(app.child);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Signs a user up through the API, with the code from its dev outbox. */
async function confirmedThroughApi(base: string, email: string): Promise<void> {
  const post = async (path: string, json: unknown): Promise<void> => {
    const answer = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(json),
    });
    if (!answer.ok) {
      throw new Error(`${path}: ${answer.status} ${await answer.text()}`);
    }
  };
  await post('/api/v1/auth/register', {
    name: 'Bench',
    email,
    password: PASSWORD,
  });
  const outbox = await fetch(
    `${base}/api/v1/dev/outbox?email=${encodeURIComponent(email)}`,
  );
  const [message] = (await outbox.json()) as { code: string }[];
  await post('/api/v1/auth/confirm-registration', {
    email,
    code: message.code,
  });
}

interface Pool {
  endpoint: string;
  userPoolId: string;
  clientId: string;
  pid: number;
}

/** A fresh emulator with one confirmed user, for the duration of `run`. */
async function withEmulator<T>(
  run: (pool: Pool, email: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-login-'));
  const emulator = new EmbeddedCognito(dir, () => undefined, process.env.PATH);
  const started = await emulator.start();
  try {
    const pool = { ...started, pid: emulator.pid! };
    moveToCore(pool.pid, LOAD_CORE);
    const email = 'login-bench@example.com';
    await cognito(pool.endpoint, 'SignUp', {
      ClientId: pool.clientId,
      Username: email,
      Password: PASSWORD,
      UserAttributes: [{ Name: 'email', Value: email }],
    });
    await cognito(pool.endpoint, 'AdminConfirmSignUp', {
      UserPoolId: pool.userPoolId,
      Username: email,
    });
    return await run(pool, email);
  } finally {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function cognito(
  endpoint: string,
  operation: string,
  body: unknown,
): Promise<unknown> {
  const response = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(
      `${operation}: ${response.status} ${await response.text()}`,
    );
  }
  return response.json();
}
