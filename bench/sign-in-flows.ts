import { SoftwareAuthenticator } from '../test/support/software-authenticator.js';
import { cpuSeconds, LOAD_CORE, moveToCore, rssMb } from './lib.js';
import type { LoadResult } from './loadgen.js';

/**
 * Sign-ins of several steps, which a load generator replaying one request
 * cannot send: a passkey sign-in (the options, then the assertion a
 * software authenticator signs) and an email-code sign-in (the code sent,
 * read back from the dev outbox, answered). Each connection is one user
 * of its own, signing in again and again, one sign-in at a time: a
 * passkey's sign counter must grow, and the outbox's last code must be
 * the one just sent. The driver runs in this process, moved to the load
 * generator's core for the run (wrk's place in the password login row).
 */

const PASSWORD = 'Passw0rd!';

type Json = Record<string, any>;

/** An answer of 400 or more, or an answer of the wrong shape. */
class Refused extends Error {}

async function send(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  accessToken?: string,
): Promise<Json> {
  const init: RequestInit = { method, headers: {} };
  const headers = init.headers as Record<string, string>;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const response = await fetch(base + path, init);
  const text = await response.text();
  if (response.status >= 400) {
    throw new Refused(`${method} ${path}: ${response.status} ${text}`);
  }
  return text === '' ? {} : (JSON.parse(text) as Json);
}

/** The latest code of `kind` the dev outbox holds for `email`. */
async function outboxCode(
  base: string,
  email: string,
  kind: string,
): Promise<string> {
  const messages = (await send(
    base,
    'GET',
    `/api/v1/dev/outbox?email=${encodeURIComponent(email)}`,
  )) as unknown as { kind: string; code: string }[];
  const code = messages.filter((m) => m.kind === kind).pop()?.code;
  if (!code) throw new Refused(`no ${kind} code for ${email} in the outbox`);
  return code;
}

/** Signs a user up through the API (the code from the dev outbox); its tokens. */
async function signedUp(base: string, email: string): Promise<Json> {
  await send(base, 'POST', '/api/v1/auth/register', {
    name: 'Bench',
    email,
    password: PASSWORD,
  });
  await send(base, 'POST', '/api/v1/auth/confirm-registration', {
    email,
    code: await outboxCode(base, email, 'SignUp'),
  });
  return send(base, 'POST', '/api/v1/auth/login', {
    email,
    password: PASSWORD,
  });
}

export type FlowKind = 'passkey' | 'emailCode';

/** One sign-in of a user, start to tokens. */
type SignIn = () => Promise<void>;

/**
 * Sets up `users` users on the app at `base` for `kind`: signed up, and
 * for passkeys one passkey each (registered as a page registers one, with
 * the page's origin on `localhost`, the emulator's relying party). Gives
 * one sign-in function per user.
 */
export async function prepareFlows(
  base: string,
  kind: FlowKind,
  users: number,
): Promise<SignIn[]> {
  const port = new URL(base).port;
  const origin = `http://localhost:${port}`;
  /** A sign-in: start it, answer its challenge with `answer`'s fields, tokens or Refused. */
  const signIn =
    (
      email: string,
      method: 'EMAIL_OTP' | 'WEB_AUTHN',
      answer: (started: Json) => Promise<Json> | Json,
    ): SignIn =>
    async () => {
      const started = await send(
        base,
        'POST',
        '/api/v1/auth/login/passwordless',
        { email, method },
      );
      const answered = await send(base, 'POST', '/api/v1/auth/challenge', {
        email,
        challenge: method,
        session: started.session,
        ...(await answer(started)),
      });
      if (typeof answered.accessToken !== 'string') {
        throw new Refused(`no tokens: ${JSON.stringify(answered)}`);
      }
    };
  const flows: SignIn[] = [];
  for (let i = 0; i < users; i++) {
    const email = `${kind.toLowerCase()}-bench-${i}@example.com`;
    const tokens = await signedUp(base, email);
    if (kind === 'emailCode') {
      flows.push(
        signIn(email, 'EMAIL_OTP', async () => ({
          code: await outboxCode(base, email, 'EMAIL_OTP'),
        })),
      );
      continue;
    }
    const authenticator = new SoftwareAuthenticator();
    const { options } = await send(
      base,
      'POST',
      '/api/v1/auth/passkeys/options',
      {},
      tokens.accessToken as string,
    );
    await send(
      base,
      'POST',
      '/api/v1/auth/passkeys',
      { credential: authenticator.register(options as Json, { origin }) },
      tokens.accessToken as string,
    );
    flows.push(
      signIn(email, 'WEB_AUTHN', (started) => ({
        credential: authenticator.authenticate(started.options as Json, {
          origin,
        }),
      })),
    );
  }
  return flows;
}

/**
 * Runs every flow in a loop of its own for `seconds`, and counts what
 * wrk would: completed sign-ins (a flow is one "request" here), the p99 of
 * their durations, refusals, and the server's and the driver's CPU.
 */
export async function runFlows(
  flows: SignIn[],
  serverPid: number,
  seconds: number,
): Promise<LoadResult & { firstRefusal?: string }> {
  moveToCore(process.pid, LOAD_CORE);
  const durations: number[] = [];
  let refused = 0;
  let errors = 0;
  let firstRefusal: string | undefined;
  let peak = rssMb(serverPid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(serverPid));
  }, 100);
  const serverBefore = cpuSeconds(serverPid);
  const selfBefore = cpuSeconds(process.pid);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  try {
    await Promise.all(
      flows.map(async (flow) => {
        while (performance.now() < deadline) {
          const begun = performance.now();
          try {
            await flow();
            durations.push(performance.now() - begun);
          } catch (error) {
            firstRefusal ??= String(error);
            if (error instanceof Refused) refused += 1;
            else errors += 1;
          }
        }
      }),
    );
  } finally {
    clearInterval(sampler);
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  durations.sort((a, b) => a - b);
  const total = durations.length;
  return {
    total,
    elapsedSeconds,
    rps: total / elapsedSeconds,
    p99: durations[Math.min(total - 1, Math.floor(total * 0.99))] ?? 0,
    non2xx: refused,
    errors,
    peakRssMb: Math.max(peak, rssMb(serverPid)),
    serverCpuPercent:
      ((cpuSeconds(serverPid) - serverBefore) / elapsedSeconds) * 100,
    loadCpuPercent:
      ((cpuSeconds(process.pid) - selfBefore) / elapsedSeconds) * 100,
    firstRefusal,
  };
}
