import { Http, expectError, type Answer } from './support/http.js';
import { startApp, type TestApp } from './support/app.js';
import {
  confirmedUser,
  login,
  newEmail,
  type Tokens,
} from './support/users.js';
import {
  EMULATOR_KID,
  b64url,
  decodeJwt,
  decodePart,
  emulatorPublicKey,
  forge,
  rs256Header,
  strangerKey,
} from './support/forge.js';

/**
 * The bad-token corpus, against the running app on the embedded emulator.
 * cognito-local signs with a key published in its package, so every token
 * here is forged with node:crypto from the claims of a real login. Two
 * controls (a forged access token and a forged ID token, all claims right)
 * must pass: they prove the forging is faithful, so each refusal below is
 * caused by the one thing that case changes. Contract: README.md, "Bearer tokens" (a bearer
 * token is ...": anything but RS256 + known kid + exact issuer + numeric
 * exp + (access & client_id | id & aud) is 401 UNAUTHORIZED, never a 5xx.
 */

const PATH = '/api/v1/pokemons?limit=1';
/** The app's default JWT_CLOCK_SKEW_SECONDS. */
const SKEW = 5;

type Claims = Record<string, unknown>;

interface Context {
  issuer: string;
  clientId: string;
  endpoint: string;
  userPoolId: string;
  tokens: Tokens;
  /** Claims of the real access / ID token, with a fresh iat/exp. */
  access(overrides?: Claims, drop?: string[]): Claims;
  id(overrides?: Claims, drop?: string[]): Claims;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** Flips one bit in the middle of the signature bytes. */
function flipSignature(token: string): string {
  const [header, payload, signature] = token.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[bytes.length >> 1] ^= 0x01;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

const BASE64URL =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The token with the LAST character of its signature replaced. A 256-byte
 * RS256 signature is 342 base64url characters, the last of which carries
 * only 2 significant bits: `sameBytes` picks a replacement that decodes to
 * the same signature bytes (a non-canonical encoding), otherwise one that
 * changes them.
 */
function lastCharVariant(token: string, sameBytes: boolean): string {
  const last = token[token.length - 1];
  const index = BASE64URL.indexOf(last);
  const replacement = sameBytes
    ? BASE64URL[index ^ 0x01] // a padding bit: same 2 significant bits
    : BASE64URL[index ^ 0x20]; // the top bit: a different signature byte
  const variant = token.slice(0, -1) + replacement;
  const signature = (t: string) =>
    Buffer.from(t.split('.')[2], 'base64url').toString('hex');
  expect(signature(variant) === signature(token)).toBe(sameBytes);
  return variant;
}

/** Each case builds its bearer value from the context (after login). */
const REFUSED: [string, (c: Context) => string][] = [
  // --- signature and header ---------------------------------------------
  [
    'alg none, no signature',
    (c) => forge({ alg: 'none', typ: 'JWT' }, c.access(), { alg: 'none' }),
  ],
  [
    'alg none with kid CognitoLocal, no signature',
    (c) =>
      forge({ alg: 'none', typ: 'JWT', kid: EMULATOR_KID }, c.access(), {
        alg: 'none',
      }),
  ],
  [
    'alg none, with a valid RS256 signature appended',
    (c) => {
      const real = forge(rs256Header(), c.access());
      const [, payload, signature] = real.split('.');
      return `${b64url({ alg: 'none', typ: 'JWT', kid: EMULATOR_KID })}.${payload}.${signature}`;
    },
  ],
  [
    'HS256 with the JWKS public key as HMAC secret (SPKI PEM)',
    (c) =>
      forge({ alg: 'HS256', typ: 'JWT', kid: EMULATOR_KID }, c.access(), {
        alg: 'HS256',
        secret: emulatorPublicKey.pem,
      }),
  ],
  [
    'HS256 with the public key as HMAC secret (PKCS#1 PEM, as published)',
    (c) =>
      forge({ alg: 'HS256', typ: 'JWT', kid: EMULATOR_KID }, c.access(), {
        alg: 'HS256',
        secret: emulatorPublicKey.pkcs1Pem,
      }),
  ],
  [
    'HS256 with the public key as HMAC secret (JWK JSON)',
    (c) =>
      forge({ alg: 'HS256', typ: 'JWT', kid: EMULATOR_KID }, c.access(), {
        alg: 'HS256',
        secret: emulatorPublicKey.jwkJson,
      }),
  ],
  [
    'header RS384, signed with sha384 by the right key',
    (c) => forge(rs256Header({ alg: 'RS384' }), c.access(), { alg: 'RS384' }),
  ],
  [
    'header RS512, signed with sha512 by the right key',
    (c) => forge(rs256Header({ alg: 'RS512' }), c.access(), { alg: 'RS512' }),
  ],
  [
    'header RS256 without kid, signed by the right key',
    (c) => forge({ alg: 'RS256', typ: 'JWT' }, c.access()),
  ],
  [
    'header RS256 with an empty kid',
    (c) => forge(rs256Header({ kid: '' }), c.access()),
  ],
  [
    'header RS256 with a numeric kid',
    (c) => forge(rs256Header({ kid: 1 }), c.access()),
  ],
  [
    'an unknown kid, signed by the right key',
    (c) => forge(rs256Header({ kid: 'SomeOtherKey' }), c.access()),
  ],
  [
    'kid CognitoLocal but signed by a different, fresh RSA key',
    (c) =>
      forge(rs256Header(), c.access(), { alg: 'RS256', key: strangerKey() }),
  ],
  // --- issuer --------------------------------------------------------------
  [
    'iss of another pool on the same emulator',
    (c) =>
      forge(rs256Header(), c.access({ iss: `${c.endpoint}/local_Other1234` })),
  ],
  [
    'iss of a real AWS pool',
    (c) =>
      forge(
        rs256Header(),
        c.access({
          iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123',
        }),
      ),
  ],
  [
    'iss with a trailing slash',
    (c) => forge(rs256Header(), c.access({ iss: `${c.issuer}/` })),
  ],
  [
    'iss with https instead of http',
    (c) =>
      forge(
        rs256Header(),
        c.access({ iss: c.issuer.replace(/^http:/, 'https:') }),
      ),
  ],
  [
    'iss as localhost instead of 127.0.0.1',
    (c) =>
      forge(
        rs256Header(),
        c.access({ iss: c.issuer.replace('127.0.0.1', 'localhost') }),
      ),
  ],
  ['iss missing', (c) => forge(rs256Header(), c.access({}, ['iss']))],
  // --- client / audience ---------------------------------------------------
  [
    'access token of another client_id',
    (c) => forge(rs256Header(), c.access({ client_id: 'someotherclient123' })),
  ],
  [
    'access token with aud = the client but no client_id',
    (c) => forge(rs256Header(), c.access({ aud: c.clientId }, ['client_id'])),
  ],
  [
    'ID token of another aud',
    (c) => forge(rs256Header(), c.id({ aud: 'someotherclient123' })),
  ],
  ['ID token without aud', (c) => forge(rs256Header(), c.id({}, ['aud']))],
  // --- token_use -----------------------------------------------------------
  [
    "token_use 'refresh'",
    (c) => forge(rs256Header(), c.access({ token_use: 'refresh' })),
  ],
  [
    'token_use missing',
    (c) => forge(rs256Header(), c.access({}, ['token_use'])),
  ],
  [
    "token_use 'access' on an ID-shaped token (aud, no client_id)",
    (c) => forge(rs256Header(), c.id({ token_use: 'access' })),
  ],
  [
    "token_use 'id' on an access-shaped token (client_id, no aud)",
    (c) => forge(rs256Header(), c.access({ token_use: 'id' })),
  ],
  ['the real refresh token from login', (c) => c.tokens.refreshToken],
  // --- time ----------------------------------------------------------------
  ['exp missing', (c) => forge(rs256Header(), c.access({}, ['exp']))],
  [
    'exp as a string',
    (c) => forge(rs256Header(), c.access({ exp: String(now() + 3600) })),
  ],
  ['exp null', (c) => forge(rs256Header(), c.access({ exp: null }))],
  [
    `expired (exp = now - 60, beyond the ${SKEW} s skew)`,
    (c) => forge(rs256Header(), c.access({ exp: now() - 60 })),
  ],
  [
    'nbf in the future (now + 120)',
    (c) => forge(rs256Header(), c.access({ nbf: now() + 120 })),
  ],
  [
    'expired ID token (exp = now - 60)',
    (c) => forge(rs256Header(), c.id({ exp: now() - 60 })),
  ],
  // --- tampered real tokens ---------------------------------------------------
  [
    'real access token, payload changed (signature kept)',
    (c) => {
      const [header, payload, signature] = c.tokens.accessToken.split('.');
      const claims = decodePart(payload);
      claims['cognito:groups'] = ['admin'];
      return `${header}.${b64url(claims)}.${signature}`;
    },
  ],
  [
    'real access token, exp pushed out (signature kept)',
    (c) => {
      const [header, payload, signature] = c.tokens.accessToken.split('.');
      const claims = decodePart(payload);
      return `${header}.${b64url({ ...claims, exp: now() + 86400 * 365 })}.${signature}`;
    },
  ],
  [
    'real access token, signature bytes flipped',
    (c) => flipSignature(c.tokens.accessToken),
  ],
  [
    'real ID token, signature bytes flipped',
    (c) => flipSignature(c.tokens.idToken),
  ],
  [
    'real access token, header changed (extra field, same alg/kid)',
    (c) => {
      const [header, payload, signature] = c.tokens.accessToken.split('.');
      return `${b64url({ ...decodePart(header), typ: 'at+jwt' })}.${payload}.${signature}`;
    },
  ],
  [
    'real access token, signature removed',
    (c) => c.tokens.accessToken.split('.').slice(0, 2).join('.') + '.',
  ],
  [
    'real access token, signature of the real ID token',
    (c) => {
      const [header, payload] = c.tokens.accessToken.split('.');
      return `${header}.${payload}.${c.tokens.idToken.split('.')[2]}`;
    },
  ],
  // --- malformed / oversized ----------------------------------------------------
  ['abc', () => 'abc'],
  ['a.b', () => 'a.b'],
  ['a.b.c.d', () => 'a.b.c.d'],
  [
    'a real token with a fourth part',
    (c) => `${c.tokens.accessToken}.${c.tokens.accessToken.split('.')[2]}`,
  ],
  [
    'a 9000-char string of three valid base64url parts',
    () => ['A'.repeat(3000), 'B'.repeat(2998), 'C'.repeat(3000)].join('.'),
  ],
  [
    'a 9000-char validly signed token (padded claim)',
    (c) => forge(rs256Header(), c.access({ pad: 'x'.repeat(6600) })),
  ],
  [
    'a JWT whose header is not JSON',
    (c) => {
      const [, payload, signature] = c.tokens.accessToken.split('.');
      return `${b64url('not json')}.${payload}.${signature}`;
    },
  ],
  [
    'a JWT whose header is JSON null',
    (c) => {
      const [, payload, signature] = c.tokens.accessToken.split('.');
      return `${b64url('null')}.${payload}.${signature}`;
    },
  ],
  [
    'a JWT whose payload is not JSON (signed)',
    () => forge(rs256Header(), 'not json'),
  ],
  [
    'a JWT whose payload is a JSON array (signed)',
    () => forge(rs256Header(), '[1,2,3]'),
  ],
  [
    'a token with base64 (not base64url) characters',
    (c) => c.tokens.accessToken.replace(/-/g, '+').replace(/_/g, '/') + '+/=',
  ],
];

/** Raw Authorization header values that carry no usable token. */
const BAD_HEADERS: [string, string][] = [
  ['empty bearer ("Bearer ")', 'Bearer '],
  ['bearer of spaces', 'Bearer    '],
  ['scheme only ("Bearer")', 'Bearer'],
  ['another scheme (Basic)', 'Basic dXNlcjpwYXNz'],
];

describe('the bad-token corpus (embedded Cognito)', () => {
  let server: TestApp;
  let http: Http;
  let c: Context;

  beforeAll(async () => {
    server = await startApp();
    http = new Http(server.url);
    const email = await confirmedUser(http, newEmail('corpus'));
    const tokens = await login(http, email);
    const realAccess = decodeJwt(tokens.accessToken).payload;
    const realId = decodeJwt(tokens.idToken).payload;
    const build =
      (real: Claims) =>
      (overrides: Claims = {}, drop: string[] = []): Claims => {
        const claims: Claims = {
          ...real,
          iat: now(),
          auth_time: now(),
          exp: now() + 3600,
          ...overrides,
        };
        for (const name of drop) delete claims[name];
        return claims;
      };
    c = {
      issuer: server.connection.issuer,
      clientId: server.connection.clientId,
      endpoint: server.connection.endpoint!,
      userPoolId: server.connection.userPoolId,
      tokens,
      access: build(realAccess),
      id: build(realId),
    };
  });

  afterAll(async () => {
    await server?.close();
  });

  function get(token: string): Promise<Answer> {
    return http.get(PATH, token);
  }

  describe('the real tokens (what the forgery copies)', () => {
    it('are RS256 with kid CognitoLocal, the app issuer, and the Cognito claims', () => {
      const access = decodeJwt(c.tokens.accessToken);
      const id = decodeJwt(c.tokens.idToken);
      expect(access.header).toEqual({
        alg: 'RS256',
        typ: 'JWT',
        kid: EMULATOR_KID,
      });
      expect(id.header).toEqual(access.header);
      expect(access.payload).toMatchObject({
        iss: c.issuer,
        client_id: c.clientId,
        token_use: 'access',
        sub: expect.any(String),
        exp: expect.any(Number),
      });
      expect(access.payload).not.toHaveProperty('aud');
      expect(id.payload).toMatchObject({
        iss: c.issuer,
        aud: c.clientId,
        token_use: 'id',
        sub: access.payload.sub,
        exp: expect.any(Number),
      });
      // cognito-local's refresh token: same key, no kid.
      expect(decodeJwt(c.tokens.refreshToken).header).not.toHaveProperty('kid');
    });

    it('are accepted (200)', async () => {
      expect((await get(c.tokens.accessToken)).status).toBe(200);
      expect((await get(c.tokens.idToken)).status).toBe(200);
    });
  });

  describe('controls: correctly forged tokens are accepted (the forging is right)', () => {
    it.each<[string, (c: Context) => string]>([
      [
        'a forged ACCESS token, all claims right',
        (c) => forge(rs256Header(), c.access()),
      ],
      [
        'a forged ID token, all claims right',
        (c) => forge(rs256Header(), c.id()),
      ],
      [
        'a forged access token with the header exactly {alg, kid}',
        (c) => forge({ alg: 'RS256', kid: EMULATOR_KID }, c.access()),
      ],
      [
        `nbf within the skew (now + 2, skew ${SKEW} s)`,
        (c) => forge(rs256Header(), c.access({ nbf: now() + 2 })),
      ],
      [
        `exp just inside the skew (now - 2, skew ${SKEW} s)`,
        (c) => forge(rs256Header(), c.access({ exp: now() - 2 })),
      ],
    ])('%s -> 200', async (_name, make) => {
      const answer = await get(make(c));
      expect(answer.status).toBe(200);
      expect(answer.body).toHaveLength(1);
    });
  });

  describe('refusals: 401 UNAUTHORIZED in the error shape, never a 5xx', () => {
    it.each(REFUSED)('%s -> 401', async (_name, make) => {
      const answer = await get(make(c));
      expectError(answer, 401, 'UNAUTHORIZED');
    });

    it.each(BAD_HEADERS)('Authorization: %s -> 401', async (_name, value) => {
      const answer = await http.get(PATH, undefined, { authorization: value });
      expectError(answer, 401, 'UNAUTHORIZED');
    });
  });

  describe('the verified-token cache cannot be fooled', () => {
    it('a valid token is cached (200 twice); a copy differing only in the last signature character is refused', async () => {
      const token = forge(rs256Header(), c.access({ jti: 'cache-probe' }));
      expect((await get(token)).status).toBe(200);
      expect((await get(token)).status).toBe(200);
      expectError(
        await get(lastCharVariant(token, false)),
        401,
        'UNAUTHORIZED',
      );
      // The original is still good afterwards.
      expect((await get(token)).status).toBe(200);
    });

    it('a copy whose last signature character is a non-canonical encoding of the same bytes is refused', async () => {
      // Base64url padding bits must be zero (RFC 4648 3.5, RFC 7515 2): the
      // variant is not the token Cognito issued, and a second spelling of
      // one token would slip past anything keyed by the token string (the
      // verified-token cache, a logout deny-list).
      const token = forge(rs256Header(), c.access({ jti: 'cache-probe-2' }));
      expect((await get(token)).status).toBe(200);
      expectError(await get(lastCharVariant(token, true)), 401, 'UNAUTHORIZED');
    });

    it('a cached access token does not vouch for a forged twin with other claims', async () => {
      const token = forge(rs256Header(), c.access({ jti: 'cache-probe-3' }));
      expect((await get(token)).status).toBe(200);
      const [header, payload, signature] = token.split('.');
      const twin = `${header}.${b64url({ ...decodePart(payload), 'cognito:groups': ['admin'] })}.${signature}`;
      expectError(await get(twin), 401, 'UNAUTHORIZED');
    });
  });

  describe('after the whole corpus', () => {
    it('GET /health is 200 and a valid token still gets 200', async () => {
      const health = await http.get('/health');
      expect(health.status).toBe(200);
      expect((await get(c.tokens.accessToken)).status).toBe(200);
      expect((await get(forge(rs256Header(), c.id()))).status).toBe(200);
    });
  });
});
