import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import type { Answer, Http } from './http.js';

export const PASSWORD = 'Passw0rd!';

export function newEmail(tag = 'user'): string {
  return `${tag}-${randomUUID().slice(0, 8)}@example.com`;
}

/** The latest code the embedded emulator "sent" to this address. */
export async function lastCode(
  http: Http,
  email: string,
  kind?: string,
): Promise<string> {
  const { status, body } = await http.get<{ kind: string; code: string }[]>(
    `/api/v1/dev/outbox?email=${encodeURIComponent(email)}`,
  );
  expect(status).toBe(200);
  const messages = kind ? body.filter((m) => m.kind === kind) : body;
  expect(messages.length).toBeGreaterThan(0);
  return messages[messages.length - 1].code;
}

/** Where a test reads the sign-up code the pool sent to an address. */
export type CodeSource = (email: string) => Promise<string>;

/**
 * Register + confirm through the API; returns the email. The code comes from
 * the dev outbox (embedded emulator) unless `codeOf` reads it elsewhere (an
 * emulator the test started: ExternalEmulator.codeFor).
 */
export async function confirmedUser(
  http: Http,
  email = newEmail(),
  password = PASSWORD,
  {
    name = 'Ash',
    codeOf = (address: string) => lastCode(http, address, 'SignUp'),
  }: { name?: string; codeOf?: CodeSource } = {},
): Promise<string> {
  const registered = await http.post('/api/v1/auth/register', {
    name,
    email,
    password,
  });
  expect(registered.status).toBe(201);
  const code = await codeOf(email);
  const confirmed = await http.post('/api/v1/auth/confirm-registration', {
    email,
    code,
  });
  expect(confirmed.status).toBe(200);
  return email;
}

export interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

export async function login(
  http: Http,
  email: string,
  password = PASSWORD,
): Promise<Tokens> {
  const answer = await http.post<Tokens>('/api/v1/auth/login', {
    email,
    password,
  });
  expect(answer.status).toBe(200);
  return answer.body;
}

/**
 * A confirmed user who has turned TOTP on through the API (setup, then a
 * first code); its email and the authenticator's secret.
 */
export async function totpUser(
  http: Http,
  email = newEmail('totp'),
): Promise<{ email: string; secret: string }> {
  await confirmedUser(http, email);
  const { accessToken } = await login(http, email);
  const setup = await http.post(
    '/api/v1/auth/mfa/totp/setup',
    undefined,
    accessToken,
  );
  expect(setup.status).toBe(200);
  const secret = setup.body.secretCode as string;
  const verified = await http.post(
    '/api/v1/auth/mfa/totp/verify',
    { code: await generate({ secret }) },
    accessToken,
  );
  expect(verified.status).toBe(200);
  return { email, secret };
}

/**
 * `call(method, path, body, token)` on the signed-in user's own routes
 * (/api/v1/auth...), with their token, and JSON when there is a body. Reads
 * `app.http` at each call: useApp's is set only in beforeAll.
 */
export function accountCalls(app: {
  readonly http: Http;
}): (
  method: string,
  path: string,
  body: unknown,
  token: string,
) => Promise<Answer> {
  return (method, path, body, token) =>
    app.http.raw(
      method,
      `/api/v1/auth${path}`,
      body === undefined ? undefined : JSON.stringify(body),
      {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    );
}
