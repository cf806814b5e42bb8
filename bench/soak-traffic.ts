import { randomBytes, randomInt } from 'node:crypto';
import { Agent, request } from 'node:http';

/**
 * The soak's requests: hostile ones from random client addresses (huge
 * emails, forged bearer tokens, fuzzed and oversize bodies) and a sender
 * that never throws (a transport failure is status 0).
 */
export interface Req {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Sent on a connection of its own (the server may close it early). */
  ownConnection?: boolean;
  /** What kind of request it is, to say which kinds got 5xx. */
  kind?: string;
}

export interface Answer {
  status: number;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const TIMEOUT_MS = 15_000;

export function send(port: number, req: Req): Promise<Answer> {
  return new Promise((resolve) => {
    const body = req.body ?? '';
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.path,
        headers: { ...req.headers, 'content-length': Buffer.byteLength(body) },
        agent: req.ownConnection ? false : agent,
        timeout: TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        response.on('error', () => resolve({ status: 0, body: '' }));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', () => resolve({ status: 0, body: '' }));
    outgoing.end(body);
  });
}

export function closeConnections(): void {
  agent.destroy();
}

const AUTH = '/api/v1/auth';
/** Every auth route and the body fields it takes besides `email`. */
const AUTH_ROUTES: [string, () => Record<string, unknown>][] = [
  ['register', () => ({ name: 'Soak', password: 'Passw0rd!' })],
  ['confirm-registration', () => ({ code: '123456' })],
  ['resend-confirmation', () => ({})],
  ['login', () => ({ password: randomText(12) })],
  [
    'challenge',
    () => ({ challenge: 'SOFTWARE_TOKEN_MFA', session: randomText(40) }),
  ],
  ['refresh', () => ({ refreshToken: randomText(80) })],
  [
    'change-password',
    () => ({ currentPassword: randomText(12), newPassword: 'Passw0rd!2' }),
  ],
  ['forgot-password', () => ({})],
  [
    'confirm-password',
    () => ({ confirmationCode: '123456', newPassword: 'Passw0rd!2' }),
  ],
];
/** Auth routes the hostile traffic goes to, `SOAK_ROUTES=login,refresh` (default: all). */
const ROUTES = AUTH_ROUTES.filter(
  ([route]) =>
    !process.env.SOAK_ROUTES ||
    process.env.SOAK_ROUTES.split(',').includes(route),
);
/** Routes behind the JWT guard. */
const GUARDED: [Req['method'], string][] = [
  ['GET', '/api/v1/pokemons?limit=20'],
  ['GET', '/api/v1/pokemons/25'],
  ['GET', `${AUTH}/me`],
  ['POST', `${AUTH}/logout`],
  ['POST', `${AUTH}/mfa/totp/setup`],
  ['GET', '/api/v1/admin/users'],
];
const HUGE_EMAIL_CHARS = 60 * 1024;
const OVERSIZE = Buffer.alloc(2 * 1024 * 1024, '{"a":"');
const JSON_TYPE = { 'content-type': 'application/json' };

const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)];

function randomText(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4))
    .toString('base64url')
    .slice(0, length);
}

/** A random public-looking IPv4 address (never 10.x, the real users' range). */
export function randomAddress(): string {
  return [randomInt(11, 224), randomInt(256), randomInt(256), randomInt(1, 255)]
    .map(String)
    .join('.');
}

const b64 = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT-shaped token: RS256 header with a random `kid`, random claims and signature. */
function forgedToken(): string {
  const header = {
    alg: pick(['RS256', 'RS256', 'none', 'HS256']),
    kid: randomText(randomInt(1, 64)),
  };
  const payload = {
    sub: randomText(36),
    token_use: pick(['access', 'id']),
    iss: pick([
      'https://cognito-idp.local/x',
      `http://127.0.0.1/${randomText(8)}`,
    ]),
    exp: Math.floor(Date.now() / 1000) + randomInt(-3600, 3600),
    client_id: randomText(26),
  };
  return `${b64(header)}.${b64(payload)}.${randomText(342)}`;
}

function hugeEmail(): string {
  return pick([
    () => `${randomText(HUGE_EMAIL_CHARS)}@example.com`,
    () => `user@${randomText(HUGE_EMAIL_CHARS)}.com`,
    () => randomText(HUGE_EMAIL_CHARS),
  ])();
}

function authPost(
  route: string,
  body: string | Buffer,
  headers: Record<string, string> = JSON_TYPE,
): Req {
  return {
    method: 'POST',
    path: `${AUTH}/${route}`,
    headers: { ...headers },
    body,
  };
}

/** A fuzzed body for an auth route: broken JSON, wrong types, odd shapes. */
function fuzzed(route: string, fields: Record<string, unknown>): Req {
  const email = `${randomText(10)}@example.com`;
  const json = (value: unknown): string => JSON.stringify(value);
  const variants: [string, () => Req][] = [
    ['cut JSON', () => authPost(route, `{"email":"${email}",`)],
    ['random bytes', () => authPost(route, randomBytes(randomInt(1, 2048)))],
    ['number email', () => authPost(route, json({ ...fields, email: 7 }))],
    ['array email', () => authPost(route, json({ ...fields, email: [email] }))],
    [
      'object email',
      () => authPost(route, json({ ...fields, email: { $ne: null } })),
    ],
    [
      '__proto__ keys',
      () =>
        authPost(
          route,
          `{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"email":"${email}"}`,
        ),
    ],
    [
      'deep nesting',
      () => authPost(route, '['.repeat(20_000) + ']'.repeat(20_000)),
    ],
    [
      'extra field',
      () =>
        authPost(route, json({ ...fields, email, extra: 'x'.repeat(1000) })),
    ],
    [
      'control chars',
      () => authPost(route, json({ ...fields, email: `${email}\u0000\u202e` })),
    ],
    [
      'text/plain',
      () =>
        authPost(route, json({ ...fields, email }), {
          'content-type': 'text/plain',
        }),
    ],
    [
      'form-encoded',
      () =>
        authPost(route, `email=${email}`, {
          'content-type': 'application/x-www-form-urlencoded',
        }),
    ],
    // Well formed, with an unknown address: reaches the identity provider.
    ['well formed', () => authPost(route, json({ ...fields, email }))],
  ];
  const [name, make] = pick(variants);
  return { ...make(), kind: `fuzz (${name}) ${route}` };
}

/**
 * Shares of the hostile kinds, `SOAK_MIX=email:35,token:28,fuzz:35,oversize:2`
 * by default; a kind left out is not sent.
 */
export const MIX = parseMix(
  process.env.SOAK_MIX ?? 'email:35,token:28,fuzz:35,oversize:2',
);

function parseMix(text: string): Record<string, number> {
  const mix: Record<string, number> = {
    email: 0,
    token: 0,
    fuzz: 0,
    oversize: 0,
  };
  for (const part of text.split(',')) {
    const [kind, share] = part.split(':');
    if (!(kind in mix) || !(Number(share) >= 0)) {
      throw new Error(
        `SOAK_MIX: "${part}" is not kind:share (${Object.keys(mix).join(', ')})`,
      );
    }
    mix[kind] = Number(share);
  }
  return mix;
}

function pickKind(): string {
  const total = Object.values(MIX).reduce((sum, share) => sum + share, 0);
  let roll = Math.random() * total;
  for (const [kind, share] of Object.entries(MIX)) {
    roll -= share;
    if (roll < 0) return kind;
  }
  return 'fuzz';
}

/** One hostile request, from a random client address. */
export function hostile(): Req {
  const kind = pickKind();
  const [route, fields] = pick(ROUTES);
  let req: Req;
  if (kind === 'email') {
    req = {
      ...authPost(route, JSON.stringify({ ...fields(), email: hugeEmail() })),
      kind: `60 KB email ${route}`,
    };
  } else if (kind === 'token') {
    const [method, path] = pick(GUARDED);
    req = {
      method,
      path,
      headers: {
        authorization: `Bearer ${forgedToken()}`,
        ...(method === 'POST' ? JSON_TYPE : {}),
      },
      body: method === 'POST' ? '{}' : undefined,
      kind: `forged token ${method} ${path}`,
    };
  } else if (kind === 'fuzz') {
    req = fuzzed(route, fields());
  } else {
    req = {
      ...authPost(route, OVERSIZE),
      ownConnection: true,
      kind: `2 MB body ${route}`,
    };
  }
  req.headers['x-forwarded-for'] = randomAddress();
  return req;
}
