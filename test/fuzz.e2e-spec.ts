import fc from 'fast-check';
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { startApp, type TestApp } from './support/app.js';
import { b64url, decodeJwt, forge, rs256Header } from './support/forge.js';
import { Http } from './support/http.js';
import {
  PASSWORD,
  confirmedUser,
  lastCode,
  login,
  newEmail,
  type Tokens,
} from './support/users.js';

/**
 * A property-based fuzz of the whole HTTP surface, over real HTTP, against
 * one app on the embedded emulator: every route (and unknown ones, and wrong
 * methods) with generated bodies, content types, request ids, bearer values
 * and query strings. Whatever a client sends:
 *  1. the answer is never a 5xx (no client mistake ever produces a 500);
 *  2. every error answer (4xx, 404 for unknown routes included) is JSON
 *     `{statusCode, error, message, requestId}`, with nothing else, a code
 *     of the contract and the request id of the header;
 *  3. the x-request-id header is set (to a safe value: the one sent if it
 *     was safe, else a fresh one).
 * Then the server must still be healthy: /health, and a full sign-up,
 * login and Pokemon list.
 *
 * Four broad properties (POST routes, GET routes, unknown paths and wrong
 * methods, bearer values) and four narrow ones for inputs that each found a
 * bug of their own (deep nesting, lone surrogates, malformed escapes in the
 * path, over-long path parameters): kept apart, one failure does not hide
 * the others. Request heads stay under the 16 KB limit (Node's own 431).
 *
 * The rate limits are raised so that the fuzz itself is not throttled.
 * fast-check picks the seed and prints it with the shrunk counterexample on
 * failure; replay one property with FUZZ_SEED=<seed> FUZZ_PATH=<path> and
 * `-t '<its name>'`. FUZZ_RUNS=<n> runs longer; FUZZ_STATS=1 prints how the
 * answers were spread.
 */

const ENV = {
  RATE_LIMIT_IP_PER_MINUTE: '1000000',
  RATE_LIMIT_REQUESTS_PER_EMAIL: '1000000',
  RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL: '1000000',
  AUTH_FAILURE_MIN_MS: '0',
};

/** Runs per property; FUZZ_RUNS=n for a longer local hunt. */
const NUM_RUNS = Number(process.env.FUZZ_RUNS || 300);
/** An answer slower than this is a hang. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Room for fast-check to shrink a counterexample (HTTP per step). */
const PROPERTY_TIMEOUT_MS = 240_000;

/** The request ids the app keeps as sent (see app.factory.ts). */
const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The error codes of the contract (ErrorCode, README.md "Errors"). */
const ERROR_CODES = [
  'VALIDATION_FAILED',
  'PASSWORD_POLICY',
  'CODE_MISMATCH',
  'CODE_EXPIRED',
  'INVALID_CREDENTIALS',
  'UNAUTHORIZED',
  'USER_NOT_CONFIRMED',
  'PASSWORD_RESET_REQUIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'USER_EXISTS',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'TOO_MANY_REQUESTS',
];

// ---------------------------------------------------------------------------
// Requests and the properties every answer must hold
// ---------------------------------------------------------------------------

type Body = string | Uint8Array;

/** One generated request, as fast-check prints it in a counterexample. */
interface FuzzRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body?: Body;
}

interface FuzzAnswer {
  status: number;
  headers: Headers;
  text: string;
}

function headersOf(
  entries: Record<string, string | undefined>,
): [string, string][] {
  return Object.entries(entries).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
}

async function send(
  baseUrl: string,
  request: FuzzRequest,
): Promise<FuzzAnswer> {
  const response = await fetch(baseUrl + request.path, {
    method: request.method,
    headers: request.headers,
    // Bytes, so that fetch adds no content-type of its own.
    body:
      request.body === undefined
        ? undefined
        : typeof request.body === 'string'
          ? Buffer.from(request.body, 'utf8')
          : Buffer.from(request.body),
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return {
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  };
}

/** A short account of the exchange, for assertion messages. */
function describeExchange(request: FuzzRequest, answer: FuzzAnswer): string {
  const cut = (text: string, max = 300): string =>
    text.length > max
      ? `${text.slice(0, max)}... (${text.length} chars)`
      : text;
  const body =
    request.body === undefined
      ? '(none)'
      : typeof request.body === 'string'
        ? JSON.stringify(cut(request.body))
        : `bytes ${Buffer.from(request.body).toString('hex').slice(0, 200)}`;
  const headers = request.headers
    .map(([name, value]) => `${name}: ${JSON.stringify(cut(value, 120))}`)
    .join('; ');
  return (
    `${request.method} ${cut(request.path, 400)} [${headers}] body ${body}` +
    ` -> ${answer.status} ${cut(answer.text, 500)}`
  );
}

/** The value the server receives for a header fetch sent (fetch trims it). */
function sentHeader(request: FuzzRequest, name: string): string | undefined {
  const values = request.headers
    .filter(([key]) => key.toLowerCase() === name)
    .map(([, value]) => value.replace(/^[\t ]+|[\t ]+$/g, ''));
  return values.length === 0 ? undefined : values.join(', ');
}

/** Properties (1), (2) and (3) for one exchange. */
function checkAnswer(request: FuzzRequest, answer: FuzzAnswer): void {
  const what = describeExchange(request, answer);
  // (1) never a 5xx (503 IDP_UNAVAILABLE cannot happen: the emulator is up)
  expect(answer.status, what).toBeLessThan(500);
  // (3) a request id, safe to log and to reflect
  const id = answer.headers.get('x-request-id');
  expect(id, `x-request-id missing: ${what}`).toBeTruthy();
  expect(id, what).toMatch(SAFE_REQUEST_ID);
  const sent = sentHeader(request, 'x-request-id');
  if (sent !== undefined && SAFE_REQUEST_ID.test(sent)) {
    expect(id, `the safe x-request-id sent is kept: ${what}`).toBe(sent);
  }
  // (2) every error in the one shape
  if (answer.status < 400 || request.method === 'HEAD') return;
  expect(answer.headers.get('content-type') ?? '', what).toMatch(
    /^application\/json/,
  );
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new Error(`error answer is not JSON: ${what}`);
  }
  expect(body, what).toBeTypeOf('object');
  expect(body, what).not.toBeNull();
  const error = body as Record<string, unknown>;
  expect(Object.keys(error).sort(), what).toEqual([
    'error',
    'message',
    'requestId',
    'statusCode',
  ]);
  expect(error.statusCode, what).toBe(answer.status);
  expect(ERROR_CODES, what).toContain(error.error);
  const message = error.message;
  const sentences = Array.isArray(message) ? message : [message];
  expect(sentences.length, what).toBeGreaterThan(0);
  for (const sentence of sentences) {
    expect(sentence, what).toBeTypeOf('string');
    expect((sentence as string).length, what).toBeGreaterThan(0);
  }
  expect(error.requestId, what).toBe(id);
}

// ---------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------

const json = (value: unknown): string => JSON.stringify(value);

/** Lone surrogates replaced (encodeURIComponent throws on them). */
function wellFormed(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

/** A character a header value may carry (tab, printable ASCII, Latin-1). */
const headerChar = fc
  .oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
    { weight: 1, arbitrary: fc.constant(0x09) },
  )
  .map((code) => String.fromCharCode(code));

function headerText(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: headerChar, maxLength });
}

const loneSurrogates = fc.string({
  unit: fc
    .integer({ min: 0xd800, max: 0xdfff })
    .map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 4,
});

/**
 * Strings of every kind: ASCII, any code point, graphemes, controls. (Lone
 * surrogates, which JSON can carry as `\ud800`, have their own property
 * below: they find a bug of their own.)
 */
const anyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 15 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e',
    '\ufeff',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    '${jndi:ldap://x}',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '../../etc/passwd',
  ),
);

/** A huge string: mostly under the 64 KB body limit, sometimes over it. */
const hugeString = fc
  .tuple(
    fc.constantFrom('a', 'é', '😀', '\u0000', ' ', '\\'),
    fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 257, max: 12_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 12_000, max: 70_000 }) },
    ),
  )
  .map(([unit, count]) => unit.repeat(count));

/** JSON text of `depth` nested arrays or objects (built as text). */
function nested(kind: 'array' | 'object', depth: number): string {
  return kind === 'array'
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/**
 * Nested JSON as deep as a real client might send. Deeper nesting, up to the
 * body limit, has its own property below (it finds a bug of its own).
 */
const nestedJson = fc
  .tuple(
    fc.constantFrom('array' as const, 'object' as const),
    fc.integer({ min: 2, max: 64 }),
  )
  .map(([kind, depth]) => nested(kind, depth));

/** JSON text of a value that is wrong for any field. */
const weirdJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'null',
    'true',
    'false',
    '0',
    '-0',
    '-1',
    '1e400',
    '-1e400',
    '1e-400',
    '123456789012345678901234567890',
    '""',
    '" "',
    '[]',
    '{}',
    '[null]',
    '{"$ne":null}',
    '{"$gt":""}',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"admin":true}}}',
    '"\\u0000"',
  ),
  fc.integer().map(json),
  fc.double().map(json),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  anyString.map(json),
  fc.jsonValue({ maxDepth: 3 }).map(json),
  fc.array(anyString, { maxLength: 4 }).map(json),
  hugeString.map(json),
  nestedJson,
);

/** Random bytes (often invalid UTF-8) as base64url. */
const base64urlSegment = fc
  .uint8Array({ maxLength: 48 })
  .map((bytes) => Buffer.from(bytes).toString('base64url'));

/** Upper-cases the characters whose flip (cycling through `flips`) is set. */
function oddCasing(text: string, flips: boolean[]): string {
  let i = 0;
  return text.replace(/./gsu, (char) =>
    flips[i++ % Math.max(flips.length, 1)] ? char.toUpperCase() : char,
  );
}

const WHITESPACE = [' ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\ufeff', ''];

/** Emails: valid, odd casing and whitespace, unicode, broken, too long. */
function emails(known: string): fc.Arbitrary<string> {
  const base = fc.oneof(
    fc.emailAddress(),
    fc
      .stringMatching(/^[a-z0-9]{1,10}$/)
      .map((tag) => `fuzz-${tag}@example.com`),
    fc.constant(known),
  );
  return fc.oneof(
    { weight: 4, arbitrary: base },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          base,
          fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
          fc.constantFrom(...WHITESPACE),
          fc.constantFrom(...WHITESPACE),
        )
        .map(
          ([email, flips, before, after]) =>
            before + oddCasing(email, flips) + after,
        ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'a@b',
        'a@b.c',
        '@example.com',
        'ash@',
        'ash@@example.com',
        'ash@example..com',
        '"ash"@example.com',
        'ash+tag@example.com',
        'ÄSH@EXAMPLE.COM',
        'ash@exämple.com',
        'İ@example.com',
        'ß@example.com',
        'ash@example.com\u0000',
        'ash@[127.0.0.1]',
        `${'a'.repeat(64)}@${'b'.repeat(180)}.com`,
        `${'a'.repeat(300)}@example.com`,
      ),
    },
    { weight: 1, arbitrary: anyString },
  );
}

const STRONG_PASSWORD = 'N3w-Passw0rd!';

const newPasswords = fc.oneof(
  { weight: 3, arbitrary: fc.constant(STRONG_PASSWORD) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.stringMatching(/^[A-Z]{1,3}$/),
        fc.stringMatching(/^[a-z]{1,3}$/),
        fc.stringMatching(/^\d{1,3}$/),
        fc.constantFrom('!', '-', ' ', '^', '~', '`', '\\'),
        fc.string({ unit: 'binary', maxLength: 20 }),
      )
      .map((parts) => parts.join('').padEnd(8, 'x')),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'weak',
      'password',
      'Ab1!',
      `Aa1!${'x'.repeat(252)}`,
      `Aa1!${'x'.repeat(253)}`,
      'Пароль1!Aa',
      '😀😀😀😀Aa1!',
    ),
  },
  { weight: 1, arbitrary: anyString },
);

const codes = fc.oneof(
  fc.stringMatching(/^\d{6}$/),
  fc.constantFrom(
    '123456',
    '000000',
    '12 34',
    ' 123456',
    'x'.repeat(64),
    'x'.repeat(65),
    '١٢٣٤٥٦',
  ),
  anyString,
);

const opaqueTokens = (refreshToken: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc
      .array(base64urlSegment, { minLength: 1, maxLength: 5 })
      .map((parts) => parts.join('.')),
    fc.constantFrom(refreshToken, 'x'.repeat(8192), 'x'.repeat(8193)),
    anyString,
  );

// ---------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------

/** Extra keys: prototype pollution, near-miss spellings, random ones. */
const extraKeys = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'admin',
    'Email',
    'EMAIL',
    'email ',
    'password\u0000',
    'groups',
    'cognito:groups',
    '',
  ),
  anyString,
);

type Fields = Record<string, fc.Arbitrary<unknown>>;

/**
 * A JSON object as text, with the route's real field names (each good,
 * wrong, missing or given twice) and sometimes extra keys. Written by hand,
 * so that `__proto__` is a real key and keys may repeat.
 */
function objectBody(fields: Fields): fc.Arbitrary<string> {
  const entries = Object.entries(fields).map(([name, good]) =>
    fc.oneof(
      {
        weight: 12,
        arbitrary: good.map((value): [string, string][] => [
          [name, json(value)],
        ]),
      },
      {
        weight: 2,
        arbitrary: weirdJson.map((value): [string, string][] => [
          [name, value],
        ]),
      },
      { weight: 1, arbitrary: fc.constant<[string, string][]>([]) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(good, weirdJson)
          .map(([value, weird]): [string, string][] => [
            [name, weird],
            [name, json(value)],
          ]),
      },
    ),
  );
  const extras = fc.oneof(
    { weight: 4, arbitrary: fc.constant<[string, string][]>([]) },
    {
      weight: 1,
      arbitrary: fc.array(fc.tuple(extraKeys, weirdJson), {
        minLength: 1,
        maxLength: 3,
      }),
    },
  );
  return fc
    .tuple(fc.tuple(...entries), extras)
    .map(([pairs, more]) =>
      [...pairs.flat(), ...more]
        .map(([key, value]) => `${json(key)}:${value}`)
        .join(','),
    )
    .map((inner) => `{${inner}}`);
}

/** A syntactically broken variant of a JSON text. */
function broken(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(
      text,
      fc.nat(),
      fc.constantFrom(
        'truncate',
        'insert',
        'delete',
        'trailing comma',
        'single quotes',
        'append',
        'bom',
        'comment',
      ),
      fc.constantFrom(
        '{',
        '}',
        '[',
        ']',
        ':',
        ',',
        '"',
        '\\',
        '\u0000',
        ' ',
        'x',
        '\n',
      ),
    )
    .map(([source, at, how, char]) => {
      const i = source.length === 0 ? 0 : at % source.length;
      switch (how) {
        case 'truncate':
          return source.slice(0, i);
        case 'insert':
          return source.slice(0, i) + char + source.slice(i);
        case 'delete':
          return source.slice(0, i) + source.slice(i + 1);
        case 'trailing comma':
          return source.replace(/}$/, ',}');
        case 'single quotes':
          return source.replaceAll('"', "'");
        case 'append':
          return source + char + source;
        case 'bom':
          return `\ufeff${source}`;
        default:
          return `/* ${char} */${source}`;
      }
    });
}

/** Any body for a route: mostly objects, sometimes anything else. */
function bodies(fields: Fields): fc.Arbitrary<Body | undefined> {
  const object = objectBody(fields);
  return fc.oneof(
    { weight: 12, arbitrary: object },
    { weight: 2, arbitrary: weirdJson },
    { weight: 3, arbitrary: broken(object) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        '\n',
        '{}',
        '[]',
        'null',
        'undefined',
        "{'email':'a@b.c'}",
        '{"a":1}{"b":2}',
        '{"a":NaN}',
        '{"a":Infinity}',
        '{"__proto__":{"polluted":true}}',
        '{"constructor":{"prototype":{"polluted":true}}}',
      ),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

// ---------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------

const contentTypes = fc.oneof(
  { weight: 24, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'Application/JSON',
      'APPLICATION/JSON; CHARSET=UTF-8',
      'application/json; charset="utf-8"',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset=',
      'application/json;',
      'application/json ; foo=bar',
      'application/json, text/plain',
      'application/vnd.api+json',
      'application/problem+json',
      'application/jsonx',
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'text/plain',
      'text/plain; charset=utf-8',
      'text/json',
      'multipart/form-data',
      'multipart/form-data; boundary=----fuzz',
      'application/x-www-form-urlencoded',
      'application/xml',
      'text/html',
      'application/octet-stream',
      '*/*',
      'json',
      ';',
      '',
      'application/',
      '/json',
    ),
  },
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: headerText(60) },
);

const requestIds = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.stringMatching(SAFE_REQUEST_ID) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'a'.repeat(128),
      'a'.repeat(129),
      '../../etc/passwd',
      '<script>alert(1)</script>',
      '"quoted"',
      'id with spaces',
      'x\ty',
      '%0d%0aSet-Cookie: x=1',
      'caf\u00e9-1',
      '\u00ff\u00fe\u00fd',
      '${jndi:ldap://x}',
    ),
  },
  { weight: 2, arbitrary: headerText(64) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 129, max: 4_000 }).map((n) => 'r'.repeat(n)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(headerText(40), fc.integer({ min: 1, max: 100 }))
      .map(([text, n]) => text.repeat(n).slice(0, 4_000)),
  },
);

/** Other headers a client (or a proxy, or an attacker) may add. */
const extraHeaders = fc.array(
  fc.tuple(
    fc.constantFrom(
      'content-encoding',
      'accept',
      'accept-encoding',
      'accept-language',
      'origin',
      'x-forwarded-for',
      'x-forwarded-host',
      'x-forwarded-proto',
      'x-real-ip',
      'x-http-method-override',
      'cookie',
      'range',
      'if-none-match',
      'x-amz-target',
      'authorization',
      'x-request-id',
    ),
    fc.oneof(
      fc.constantFrom(
        'gzip',
        'deflate, br',
        'identity',
        '*/*',
        'text/html',
        'application/json;q=0',
        'https://evil.example',
        'null',
        '127.0.0.1, 10.0.0.1',
        'not-an-ip',
        'DELETE',
        'bytes=0-1',
        '"etag"',
        'AWSCognitoIdentityProviderService.AdminDeleteUser',
      ),
      headerText(60),
    ),
  ),
  { maxLength: 2 },
);

/** What the fuzz knows of the running app and its signed-in user. */
interface Context {
  /** The fuzz user's email (the fuzz may sign in with it, never change it). */
  email: string;
  issuer: string;
  clientId: string;
  tokens: Tokens;
  sub: string;
}

/** Claims of a token of this pool, with some of them replaced by anything. */
function claims(context: Context): fc.Arbitrary<Record<string, unknown>> {
  const claimNames = fc.oneof(
    fc.constantFrom(
      'exp',
      'nbf',
      'iat',
      'iss',
      'sub',
      'token_use',
      'client_id',
      'aud',
      'username',
      'cognito:username',
      'cognito:groups',
      'email',
      'name',
      'email_verified',
      'jti',
      'origin_jti',
      'event_id',
      'auth_time',
      'scope',
      '__proto__',
      'constructor',
    ),
    anyString,
  );
  const claimValues = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(1e308, -1, 0, 1e20, 2 ** 53, '1', 'access', 'id', [], {}),
  );
  return fc
    .record({
      use: fc.constantFrom('access', 'id', 'refresh'),
      sub: fc.oneof(fc.uuid(), fc.constant(context.sub), anyString),
      username: fc.oneof(fc.uuid(), anyString),
      groups: fc.option(fc.array(anyString, { maxLength: 3 })),
      overrides: fc.oneof(
        { weight: 1, arbitrary: fc.constant<[string, unknown][]>([]) },
        {
          weight: 2,
          arbitrary: fc.array(fc.tuple(claimNames, claimValues), {
            minLength: 1,
            maxLength: 3,
          }),
        },
      ),
    })
    .map(({ use, sub, username, groups, overrides }) => {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        iss: context.issuer,
        sub,
        token_use: use,
        ...(use === 'access'
          ? { client_id: context.clientId, username }
          : { aud: context.clientId, 'cognito:username': username }),
        ...(groups ? { 'cognito:groups': groups } : {}),
        event_id: randomUUID(),
        jti: randomUUID(),
        auth_time: now,
        iat: now,
        exp: now + 3600,
      };
      for (const [name, value] of overrides) {
        // defineProperty: `__proto__` becomes a real claim, as JSON can carry it
        Object.defineProperty(payload, name, {
          value,
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      return payload;
    });
}

/**
 * A well-signed access token of nobody (a random sub): guarded routes get as
 * far as the validation pipe, and no real session is touched.
 */
function nobodyToken(context: Context): string {
  return forge(rs256Header(), {
    iss: context.issuer,
    sub: randomUUID(),
    token_use: 'access',
    client_id: context.clientId,
    username: 'fuzz-nobody',
    event_id: randomUUID(),
    jti: randomUUID(),
    exp: Math.floor(Date.now() / 1000) + 3600,
  });
}

/** A header that looks like Cognito's, or a little off. */
const jwtHeaders = fc.record(
  {
    alg: fc.constantFrom('RS256', 'none', 'HS256', 'RS512', 'rs256', ''),
    typ: fc.constantFrom('JWT', 'jwt', 'at+jwt'),
    kid: fc.oneof(
      fc.constant('CognitoLocal'),
      anyString,
      fc.constant('x'.repeat(300)),
    ),
    jku: fc.constant('http://127.0.0.1:1/jwks.json'),
    crit: fc.constant(['b64']),
  },
  { requiredKeys: ['alg'] },
);

function tampered(token: string, at: number): string {
  const i = at % token.length;
  const swap = token[i] === 'A' ? 'B' : 'A';
  return token.slice(0, i) + swap + token.slice(i + 1);
}

/** Authorization values; `real` allows the fuzz user's own tokens. */
function authorizations(
  context: Context,
  { real }: { real: boolean },
): fc.Arbitrary<string | undefined> {
  const schemes = fc.constantFrom(
    'Bearer ',
    'bearer ',
    'BEARER ',
    'Bearer  ',
    'Bearer\t',
  );
  const variants: fc.Arbitrary<string | undefined>[] = [
    fc.constant(undefined),
    fc.constantFrom(
      '',
      'Bearer',
      'Bearer ',
      'bearer',
      'Basic YWxhZGRpbjpvcGVuc2VzYW1l',
      'Bearer null',
      'Bearer undefined',
      'Bearer ..',
      'Bearer a.b.c',
      'Bearer a.b.c d.e.f',
      'Token abc',
      `Bearer ${'a'.repeat(8193)}`,
    ),
    headerText(200),
    headerText(120).map((text) => `Bearer ${text}`),
    fc
      .tuple(
        schemes,
        fc.array(base64urlSegment, { minLength: 1, maxLength: 5 }),
      )
      .map(([scheme, parts]) => scheme + parts.join('.')),
    fc
      .tuple(base64urlSegment, base64urlSegment, base64urlSegment)
      .map((parts) => `Bearer${parts.join('.')}`),
    fc
      .tuple(schemes, base64urlSegment, base64urlSegment, base64urlSegment)
      .map(([scheme, ...parts]) => scheme + parts.join('.')),
    fc
      .tuple(
        schemes,
        jwtHeaders,
        fc.jsonValue({ maxDepth: 2 }),
        base64urlSegment,
      )
      .map(
        ([scheme, header, payload, signature]) =>
          `${scheme}${b64url(header)}.${b64url(json(payload))}.${signature}`,
      ),
    // Signed with the emulator's published key: well signed, claims fuzzed.
    fc
      .tuple(
        schemes,
        claims(context),
        fc.option(jwtHeaders.map((h) => ({ ...h, alg: 'RS256' }))),
      )
      .map(
        ([scheme, payload, header]) =>
          scheme + forge(header ?? rs256Header(), payload),
      ),
  ];
  if (real) {
    const { accessToken, idToken } = context.tokens;
    variants.push(
      fc
        .tuple(schemes, fc.constantFrom(accessToken, idToken))
        .map(([scheme, token]) => scheme + token),
      fc
        .tuple(fc.constantFrom(accessToken, idToken), fc.nat())
        .map(([token, at]) => `Bearer ${tampered(token, at)}`),
    );
  }
  return fc.oneof(...variants);
}

// ---------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------

const AUTH = '/api/v1/auth';

/** Every POST route under /api/v1/auth, with its real fields. */
function postRoutes(context: Context): Record<string, Fields> {
  const email = emails(context.email);
  const name = fc.oneof(
    fc.constantFrom('Ash', 'Ash Ketchum', 'x'.repeat(256), 'x'.repeat(257)),
    anyString,
  );
  const existingPassword = fc.oneof(
    fc.constantFrom(
      PASSWORD,
      STRONG_PASSWORD,
      'x'.repeat(256),
      'x'.repeat(257),
    ),
    anyString,
  );
  const tokens = opaqueTokens(context.tokens.refreshToken);
  return {
    register: { name, email, password: newPasswords },
    'confirm-registration': { email, code: codes },
    'resend-confirmation': { email },
    login: { email, password: existingPassword },
    challenge: {
      email,
      challenge: fc.oneof(
        fc.constantFrom(
          'NEW_PASSWORD_REQUIRED',
          'SOFTWARE_TOKEN_MFA',
          'SMS_MFA',
          'new_password_required',
        ),
        anyString,
      ),
      session: tokens,
      newPassword: newPasswords,
      code: codes,
    },
    refresh: { refreshToken: tokens, email },
    logout: { refreshToken: tokens },
    'mfa/totp/setup': {},
    'mfa/totp/verify': { code: codes },
    // Never the fuzz user's password as currentPassword: the fuzz must not
    // change it (login may use it, and succeed).
    'change-password': {
      email,
      currentPassword: fc.oneof(fc.constant(STRONG_PASSWORD), anyString),
      newPassword: newPasswords,
    },
    'forgot-password': { email },
    'confirm-password': {
      email,
      confirmationCode: codes,
      newPassword: newPasswords,
    },
  };
}

/** Every byte of the UTF-8 of a text as a percent escape, in either case. */
function escapeAll(text: string, upper: boolean): string {
  return [...Buffer.from(wellFormed(text), 'utf8')]
    .map((byte) => {
      const hex = byte.toString(16).padStart(2, '0');
      return `%${upper ? hex.toUpperCase() : hex}`;
    })
    .join('');
}

/** Fastify's (find-my-way's) default longest path parameter. */
const MAX_PARAM_LENGTH = 100;

/**
 * A path segment that decodes, at most 100 characters as sent: names,
 * numbers, any text, odd escapes. Longer ones have their own property.
 */
const pathSegments = fc
  .oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '25',
        'pikachu',
        'Pikachu',
        'mr-mime',
        'Mr.%20Mime',
        'mrmime',
        'nidoran-f',
        encodeURIComponent('Nidoran♀'),
        encodeURIComponent('Farfetch’d'),
        'type%3A%20null',
        encodeURIComponent('Flabébé'),
        'ho-oh',
        '0',
        '0025',
        '1025',
        '1026',
        '-1',
        '%2025%20',
        '25.0',
        '1e3',
        '9'.repeat(30),
        '9'.repeat(51),
        'Infinity',
        'NaN',
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'hasOwnProperty',
        'valueOf',
        '__defineGetter__',
        'x'.repeat(50),
        'x'.repeat(51),
        'x'.repeat(100),
        '%00',
        '%2F',
        '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
        '..%2F..%2F',
        '%5C',
        ';',
        '%3B',
        '*',
        '~',
        '%EF%BB%BF25',
        '%E2%80%AE',
      ),
    },
    {
      weight: 3,
      arbitrary: anyString.map((text) => encodeURIComponent(wellFormed(text))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(anyString, fc.boolean())
        .map(([text, upper]) => escapeAll(text, upper)),
    },
  )
  .filter((segment) => segment.length <= MAX_PARAM_LENGTH);

/**
 * A path segment whose escapes do not decode: bytes that are not UTF-8
 * (`%80`, `%FF`, overlong `%C0%AF`), truncated sequences, broken escapes.
 */
const malformedSegments = fc.oneof(
  fc.constantFrom(
    '%',
    '%%',
    '%G1',
    '%1',
    '%80',
    '%FF',
    '%E2%82',
    '%C0%AF',
    '%ED%A0%80',
    'pikachu%',
    '25%zz',
  ),
  fc
    .uint8Array({ minLength: 1, maxLength: 8 })
    .filter((bytes) => !isUtf8(bytes))
    .map((bytes) =>
      [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
    ),
  fc
    .tuple(pathSegments, fc.constantFrom('%', '%8', '%C3', '%F0%9F%98'))
    .map(([segment, broken]) => segment + broken),
);

/** Query strings: real and random keys, repeated keys, odd numbers. */
const queryStrings = fc
  .array(
    fc.tuple(
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc.constantFrom(
            'limit',
            'offset',
            'type',
            'name',
            'generation',
          ),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '__proto__',
            'constructor',
            'toString',
            'limit[]',
            'limit[0]',
            '__proto__[limit]',
            'email',
            'LIMIT',
            '',
          ),
        },
        { weight: 1, arbitrary: anyString },
      ),
      fc.oneof(
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            '1',
            '20',
            '200',
            '201',
            '0',
            '-1',
            '-0',
            '1.5',
            '1e2',
            '1e400',
            '0x10',
            '0b1',
            '+5',
            ' 5',
            '5 ',
            '007',
            '20abc',
            '١٢',
            'NaN',
            'Infinity',
            '9'.repeat(400),
            '',
            'fire',
            'FIRE',
            'char',
            'x'.repeat(51),
            'true',
            'null',
          ),
        },
        { weight: 2, arbitrary: fc.integer().map(String) },
        { weight: 1, arbitrary: fc.double().map(String) },
        { weight: 2, arbitrary: anyString },
      ),
      fc.boolean(),
    ),
    { maxLength: 6 },
  )
  .map((pairs) => {
    const encode = (text: string, raw: boolean): string =>
      raw ? text.replace(/[#\s]/g, '') : encodeURIComponent(wellFormed(text));
    const query = pairs
      .map(([key, value, raw]) => `${encode(key, raw)}=${encode(value, raw)}`)
      .join('&');
    return query ? `?${query}` : '';
  });

// ---------------------------------------------------------------------------
// The fuzz
// ---------------------------------------------------------------------------

describe('fuzz: every route, any input (embedded Cognito)', () => {
  let server: TestApp;
  let http: Http;
  let context: Context;

  beforeAll(async () => {
    server = await startApp(ENV);
    http = new Http(server.url);
    const email = await confirmedUser(http, newEmail('fuzz'));
    const tokens = await login(http, email);
    context = {
      email,
      issuer: server.connection.issuer,
      clientId: server.connection.clientId,
      tokens,
      sub: String(decodeJwt(tokens.accessToken).payload.sub),
    };
  });

  afterAll(async () => {
    await server?.close();
    for (const name of Object.keys(ENV)) delete process.env[name];
  });

  /**
   * Checks every generated request. With FUZZ_STATS=1, prints how the
   * answers were spread (status and error code), to see what the fuzz
   * reached. FUZZ_SEED and FUZZ_PATH replay a reported failure.
   */
  async function property(
    requests: fc.Arbitrary<FuzzRequest>,
    numRuns = NUM_RUNS,
  ): Promise<void> {
    const tally = new Map<string, number>();
    try {
      await fc.assert(
        fc.asyncProperty(requests, async (request) => {
          const answer = await send(server.url, request);
          const key = `${answer.status} ${answer.status >= 400 ? (/"error":"(\w+)"/.exec(answer.text)?.[1] ?? '?') : ''}`;
          tally.set(key, (tally.get(key) ?? 0) + 1);
          checkAnswer(request, answer);
        }),
        {
          numRuns,
          seed: process.env.FUZZ_SEED
            ? Number(process.env.FUZZ_SEED)
            : undefined,
          path: process.env.FUZZ_PATH || undefined,
        },
      );
    } finally {
      if (process.env.FUZZ_STATS) {
        const name = expect.getState().currentTestName ?? '';
        console.log(
          `${name.slice(0, 80)}\n${[...tally]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([key, n]) => `  ${key}: ${n}`)
            .join('\n')}`,
        );
      }
    }
  }

  it(
    'POST /api/v1/auth/*: any body, content type, request id and Authorization answers < 500, errors in the one shape',
    async () => {
      const routes = postRoutes(context);
      const requests = fc
        .constantFrom(...Object.keys(routes))
        .chain((route) =>
          fc.record({
            route: fc.constant(route),
            body: bodies(routes[route]),
            contentType: contentTypes,
            requestId: requestIds,
            // Never the fuzz user's token on logout: it would be revoked.
            authorization: authorizations(context, {
              real: route !== 'logout',
            }),
            extra: extraHeaders,
          }),
        )
        .map(
          ({
            route,
            body,
            contentType,
            requestId,
            authorization,
            extra,
          }): FuzzRequest => ({
            method: 'POST',
            path: `${AUTH}/${route}`,
            headers: [
              ...headersOf({
                'content-type': contentType,
                'x-request-id': requestId,
                authorization,
              }),
              ...extra,
            ],
            body,
          }),
        );
      await property(requests);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'GET routes: any path parameter, query string, request id and Authorization answers < 500, errors in the one shape',
    async () => {
      const auth = authorizations(context, { real: true });
      const withReal = fc.oneof(
        { weight: 1, arbitrary: auth },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            `Bearer ${context.tokens.accessToken}`,
            `Bearer ${context.tokens.idToken}`,
          ),
        },
      );
      const paths = fc.oneof(
        queryStrings.map((query) => `/api/v1/pokemons${query}`),
        fc
          .tuple(pathSegments, queryStrings)
          .map(([segment, query]) => `/api/v1/pokemons/${segment}${query}`),
        queryStrings.map((query) => `${AUTH}/me${query}`),
        emails(context.email).map(
          (email) =>
            `/api/v1/dev/outbox?email=${encodeURIComponent(wellFormed(email))}`,
        ),
        queryStrings.map((query) => `/api/v1/dev/outbox${query}`),
        queryStrings.map((query) => `/health${query}`),
        fc.constantFrom('/docs-json', '/docs', '/docs/'),
      );
      const requests = fc
        .record({
          path: paths,
          requestId: requestIds,
          authorization: withReal,
          contentType: fc.option(contentTypes, { nil: undefined }),
          extra: extraHeaders,
        })
        .map(
          ({
            path,
            requestId,
            authorization,
            contentType,
            extra,
          }): FuzzRequest => ({
            method: 'GET',
            path,
            headers: [
              ...headersOf({
                'x-request-id': requestId,
                authorization,
                'content-type': contentType,
              }),
              ...extra,
            ],
          }),
        );
      await property(requests);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'unknown paths and wrong methods answer < 500, errors (404 included) in the one shape',
    async () => {
      const known = [
        ...Object.keys(postRoutes(context)).map((route) => `${AUTH}/${route}`),
        `${AUTH}/me`,
        '/api/v1/pokemons',
        '/api/v1/pokemons/25',
        '/api/v1/dev/outbox',
        '/health',
        '/docs-json',
      ];
      const paths = fc.oneof(
        fc.constantFrom(...known),
        fc.constantFrom(...known).map((path) => `${path}/`),
        fc.constantFrom(...known).map((path) => path.toUpperCase()),
        fc.constantFrom(
          '/',
          '/api',
          '/api/v1',
          '/api/v1/',
          '/api/v2/pokemons',
          '/api/v1/pokemons//25',
          '/api/v1/auth',
          '/api/v1//auth/login',
          '/favicon.ico',
          '/robots.txt',
          '/.env',
          '/docs/swagger-ui.css',
          '/docs/index.html',
          '/health/',
        ),
        fc
          .tuple(
            fc.constantFrom(
              '',
              '/api/v1',
              '/api/v1/auth',
              '/api/v1/pokemons/25',
              '/docs',
              '/health',
            ),
            fc.array(pathSegments, { minLength: 1, maxLength: 3 }),
          )
          .map(([prefix, segments]) => `${prefix}/${segments.join('/')}`),
      );
      const requests = fc
        .record({
          method: fc.constantFrom(
            'GET',
            'POST',
            'PUT',
            'DELETE',
            'PATCH',
            'OPTIONS',
            'HEAD',
          ),
          path: paths,
          body: fc.option(bodies({ email: emails(context.email) }), {
            nil: undefined,
          }),
          contentType: contentTypes,
          requestId: requestIds,
          authorization: authorizations(context, { real: false }),
          extra: extraHeaders,
        })
        .map(
          ({
            method,
            path,
            body,
            contentType,
            requestId,
            authorization,
            extra,
          }): FuzzRequest => ({
            method,
            path,
            headers: [
              ...headersOf({
                'content-type': contentType,
                'x-request-id': requestId,
                authorization,
              }),
              ...extra,
            ],
            body: method === 'GET' || method === 'HEAD' ? undefined : body,
          }),
        );
      await property(requests);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'guarded routes: any bearer value (random, forged and signed with fuzzed claims, tampered) answers < 500, errors in the one shape',
    async () => {
      const guarded: [string, string, fc.Arbitrary<Body | undefined>][] = [
        ['GET', `${AUTH}/me`, fc.constant(undefined)],
        ['GET', '/api/v1/pokemons', fc.constant(undefined)],
        ['GET', '/api/v1/pokemons/25', fc.constant(undefined)],
        ['POST', `${AUTH}/mfa/totp/setup`, fc.constant(undefined)],
        ['POST', `${AUTH}/mfa/totp/verify`, bodies({ code: codes })],
        [
          'POST',
          `${AUTH}/logout`,
          bodies({ refreshToken: opaqueTokens(context.tokens.refreshToken) }),
        ],
      ];
      const requests = fc
        .constantFrom(...guarded)
        .chain(([method, path, body]) =>
          fc.record({
            method: fc.constant(method),
            path: fc.constant(path),
            body,
            requestId: requestIds,
            authorization: authorizations(context, {
              real: !path.endsWith('/logout'),
            }),
          }),
        )
        .map(
          ({ method, path, body, requestId, authorization }): FuzzRequest => ({
            method,
            path,
            headers: headersOf({
              'content-type':
                body === undefined ? undefined : 'application/json',
              'x-request-id': requestId,
              authorization,
            }),
            body,
          }),
        );
      await property(requests);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'deeply nested JSON bodies (still under the 64 KB limit) answer < 500, errors in the one shape',
    async () => {
      const routes = postRoutes(context);
      const forged = `Bearer ${nobodyToken(context)}`;
      const requests = fc
        .record({
          route: fc.constantFrom(...Object.keys(routes)),
          kind: fc.constantFrom('array' as const, 'object' as const),
          depth: fc.integer({ min: 65, max: 10_000 }),
          at: fc.constantFrom(
            'top' as const,
            'field' as const,
            'extra' as const,
          ),
        })
        .map(({ route, kind, depth, at }): FuzzRequest => {
          const deep = nested(kind, depth);
          const field = Object.keys(routes[route])[0] ?? 'x';
          const body =
            at === 'top'
              ? deep
              : at === 'field'
                ? `{${json(field)}:${deep}}`
                : `{"email":"ash@example.com","x":${deep}}`;
          const where =
            at === 'top'
              ? 'as the body'
              : at === 'field'
                ? `as "${field}"`
                : 'as an extra field "x"';
          return {
            method: 'POST',
            path: `${AUTH}/${route}`,
            headers: [
              ['content-type', 'application/json'],
              ['authorization', forged],
            ],
            body,
            [fc.toStringMethod]: () =>
              `POST ${AUTH}/${route} with ${depth} nested ${kind}s ${where} (${body.length} bytes)`,
          } as FuzzRequest;
        });
      await property(requests, Math.ceil(NUM_RUNS / 5));
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'a lone surrogate (\\ud800..\\udfff) in any string field answers < 500, errors in the one shape',
    async () => {
      const email = 'fuzz-lone@example.com';
      const valid: Record<string, Record<string, string>> = {
        register: { name: 'Ash', email, password: STRONG_PASSWORD },
        'confirm-registration': { email, code: '123456' },
        'resend-confirmation': { email },
        login: { email, password: 'Passw0rd?' },
        challenge: {
          email,
          challenge: 'NEW_PASSWORD_REQUIRED',
          session: 'session',
          newPassword: STRONG_PASSWORD,
        },
        refresh: { refreshToken: 'refresh', email },
        logout: { refreshToken: 'refresh' },
        'mfa/totp/verify': { code: '123456' },
        'change-password': {
          email,
          currentPassword: 'Passw0rd?',
          newPassword: STRONG_PASSWORD,
        },
        'forgot-password': { email },
        'confirm-password': {
          email,
          confirmationCode: '123456',
          newPassword: STRONG_PASSWORD,
        },
      };
      const forged = `Bearer ${nobodyToken(context)}`;
      const requests = fc
        .constantFrom(...Object.keys(valid))
        .chain((route) =>
          fc.record({
            route: fc.constant(route),
            field: fc.constantFrom(...Object.keys(valid[route])),
            at: fc.nat(),
            surrogates: loneSurrogates,
          }),
        )
        .map(({ route, field, at, surrogates }): FuzzRequest => {
          const good = valid[route][field];
          const i = at % (good.length + 1);
          const body = {
            ...valid[route],
            [field]: good.slice(0, i) + surrogates + good.slice(i),
          };
          const text = json(body);
          return {
            method: 'POST',
            path: `${AUTH}/${route}`,
            headers: [
              ['content-type', 'application/json'],
              ['authorization', forged],
            ],
            body: text,
            [fc.toStringMethod]: () => `POST ${AUTH}/${route} ${text}`,
          } as FuzzRequest;
        });
      await property(requests, Math.ceil(NUM_RUNS / 5));
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'malformed percent-encoding in the path answers 400 in the one shape, with an x-request-id',
    async () => {
      const prefixes = [
        '',
        '/api/v1',
        '/api/v1/pokemons',
        `${AUTH}`,
        '/api/v1/dev',
        '/health',
        '/docs',
      ];
      const requests = fc
        .record({
          method: fc.constantFrom('GET', 'POST', 'DELETE'),
          prefix: fc.constantFrom(...prefixes),
          segments: fc.array(fc.oneof(pathSegments, malformedSegments), {
            maxLength: 2,
          }),
          malformed: malformedSegments,
          requestId: requestIds,
          authorization: fc.option(
            fc.constant(`Bearer ${context.tokens.accessToken}`),
            { nil: undefined },
          ),
        })
        .map(
          ({
            method,
            prefix,
            segments,
            malformed,
            requestId,
            authorization,
          }): FuzzRequest => ({
            method,
            path: `${prefix}/${[...segments, malformed].join('/')}`,
            headers: headersOf({
              'content-type': method === 'GET' ? undefined : 'application/json',
              'x-request-id': requestId,
              authorization,
            }),
            body: method === 'GET' ? undefined : '{}',
          }),
        );
      await property(requests, Math.ceil(NUM_RUNS / 5));
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'a path parameter over 100 characters (GET /api/v1/pokemons/:idOrName) answers 4xx in the one shape, with an x-request-id',
    async () => {
      const requests = fc
        .record({
          length: fc.integer({ min: MAX_PARAM_LENGTH + 1, max: 4_000 }),
          unit: fc.constantFrom('x', '9', '%C3%A9', '-'),
          requestId: requestIds,
        })
        .map(({ length, unit, requestId }): FuzzRequest => {
          const segment = unit.repeat(Math.ceil(length / unit.length));
          return {
            method: 'GET',
            path: `/api/v1/pokemons/${segment}`,
            headers: headersOf({
              'x-request-id': requestId,
              authorization: `Bearer ${context.tokens.accessToken}`,
            }),
            [fc.toStringMethod]: () =>
              `GET /api/v1/pokemons/<${JSON.stringify(unit)} x ${Math.ceil(length / unit.length)}, ${segment.length} chars> x-request-id ${JSON.stringify(requestId)}`,
          } as FuzzRequest;
        });
      await property(requests, Math.ceil(NUM_RUNS / 5));
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('is still healthy afterwards: /health, then register -> confirm -> login -> GET /api/v1/pokemons', async () => {
    const health = await http.get('/health');
    expect(health.status).toBe(200);

    const email = newEmail('after-fuzz');
    const registered = await http.post(`${AUTH}/register`, {
      name: 'Misty',
      email,
      password: PASSWORD,
    });
    expect(registered.status).toBe(201);
    const code = await lastCode(http, email, 'SignUp');
    const confirmed = await http.post(`${AUTH}/confirm-registration`, {
      email,
      code,
    });
    expect(confirmed.status).toBe(200);
    const { accessToken } = await login(http, email);
    const list = await http.get('/api/v1/pokemons', accessToken);
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);
    expect(list.body).toHaveLength(20);
    expect(list.headers.get('x-total-count')).toBe('1025');
    // The fuzz user's own session survived the fuzz too.
    const me = await http.get(`${AUTH}/me`, context.tokens.accessToken);
    expect(me.status).toBe(200);
  });
});
