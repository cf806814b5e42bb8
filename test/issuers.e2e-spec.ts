import { randomUUID, type KeyObject } from 'node:crypto';
import { useApp } from './support/app.js';
import { expectError, type Answer } from './support/http.js';
import {
  EMULATOR_KID,
  emulatorPrivateKey,
  forge,
  strangerKey,
} from './support/forge.js';
import { jwkOf, useJwksServer } from './support/jwks-server.js';
import { sleep } from './support/timing.js';

/**
 * The app in aws mode with a real pool id (its issuers are AWS's, https),
 * its keys served by a JWKS endpoint the test runs on loopback
 * (AWS_COGNITO_JWKS_URI), and tokens forged with a test key: every issuer
 * form a real pool uses is accepted on a guarded route, nothing else is.
 * Contract: README.md, "Bearer tokens" and "Configuration".
 */

const POOL = 'us-east-1_IssuerE2e1';
const CLIENT = 'issuersclient1';
const REGIONAL = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const GLOBAL = `https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const PATH = '/api/v1/pokemons?limit=1';
const COOLDOWN_MS = 200;

const signingKey = strangerKey();
const nextKey = strangerKey();

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** An access token of the pool as Cognito issues it, with `claims` over it. */
function accessToken(
  claims: Record<string, unknown> = {},
  { key = signingKey, kid = 'key-1' }: { key?: KeyObject; kid?: string } = {},
): string {
  return forge(
    { alg: 'RS256', typ: 'JWT', kid },
    {
      sub: 'b1f4c1b2-0000-4000-8000-000000000001',
      iss: REGIONAL,
      client_id: CLIENT,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: now() - 10,
      iat: now() - 10,
      exp: now() + 600,
      jti: randomUUID(),
      username: 'b1f4c1b2-0000-4000-8000-000000000001',
      ...claims,
    },
    { alg: 'RS256', key },
  );
}

function idToken(claims: Record<string, unknown> = {}): string {
  return forge(
    { alg: 'RS256', typ: 'JWT', kid: 'key-1' },
    {
      sub: 'b1f4c1b2-0000-4000-8000-000000000001',
      iss: REGIONAL,
      aud: CLIENT,
      token_use: 'id',
      email: 'ash@example.com',
      'cognito:username': 'b1f4c1b2-0000-4000-8000-000000000001',
      auth_time: now() - 10,
      iat: now() - 10,
      exp: now() + 600,
      ...claims,
    },
    { alg: 'RS256', key: signingKey },
  );
}

function expectServed(answer: Answer): void {
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual([expect.objectContaining({ id: 1 })]);
  expect(answer.headers.get('x-total-count')).toBe('1025');
}

describe('a real pool: issuers and keys', () => {
  const jwks = useJwksServer(() => [
    jwkOf('key-1', signingKey),
    // cognito-local's published key, served by the pool's JWKS.
    jwkOf(EMULATOR_KID, emulatorPrivateKey),
    jwkOf('emulator-renamed', emulatorPrivateKey),
  ]);
  const app = useApp(() => ({
    AWS_COGNITO_USER_POOL_ID: POOL,
    AWS_COGNITO_CLIENT_ID: CLIENT,
    AWS_COGNITO_ADDITIONAL_REGIONS: 'eu-west-1,ap-southeast-2',
    AWS_COGNITO_JWKS_URI: jwks.server.url,
    JWKS_REFETCH_COOLDOWN_MS: String(COOLDOWN_MS),
  }));

  it.each([
    ['the regional issuer', REGIONAL],
    ['the global issuer', GLOBAL],
    [
      'the regional issuer of replica region eu-west-1',
      `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`,
    ],
    [
      'the regional issuer of replica region ap-southeast-2',
      `https://cognito-idp.ap-southeast-2.amazonaws.com/${POOL}`,
    ],
  ])('serves an access token and an ID token of %s', async (_name, iss) => {
    expectServed(await app.http.get(PATH, accessToken({ iss })));
    expectServed(await app.http.get(PATH, idToken({ iss })));
  });

  it.each([
    ['http', REGIONAL.replace('https:', 'http:')],
    ['a trailing slash', `${REGIONAL}/`],
    ['another pool', REGIONAL.replace(POOL, 'us-east-1_OtherPool9')],
    ['the pool id in lower case', REGIONAL.replace(POOL, POOL.toLowerCase())],
    [
      'the host in upper case',
      REGIONAL.replace('cognito-idp.', 'Cognito-IDP.'),
    ],
    [
      'a region not listed',
      `https://cognito-idp.us-west-2.amazonaws.com/${POOL}`,
    ],
    [
      'the global issuer of a replica region',
      `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL}`,
    ],
    [
      'a look-alike host (suffix)',
      `https://cognito-idp.us-east-1.amazonaws.com.evil.com/${POOL}`,
    ],
    [
      'a look-alike host (prefix)',
      `https://xcognito-idp.us-east-1.amazonaws.com/${POOL}`,
    ],
    ['no issuer', undefined],
  ])('refuses a token whose issuer is %s (401)', async (_name, iss) => {
    expectError(
      await app.http.get(PATH, accessToken({ iss })),
      401,
      'UNAUTHORIZED',
    );
  });

  it.each([
    ['iat as a string', { iat: String(now()) }],
    ['iat null', { iat: null }],
    ['nbf as a string', { nbf: String(now() - 10) }],
    ['nbf null', { nbf: null }],
  ])(
    'refuses a token with %s (401), and serves one with numeric iat and nbf',
    async (_name, claims) => {
      expectError(
        await app.http.get(PATH, accessToken(claims)),
        401,
        'UNAUTHORIZED',
      );
      expectServed(
        await app.http.get(
          PATH,
          accessToken({ iat: now() - 5, nbf: now() - 5 }),
        ),
      );
    },
  );

  it("refuses a token signed with cognito-local's published key while the JWKS serves that key (401)", async () => {
    for (const kid of [EMULATOR_KID, 'emulator-renamed']) {
      expectError(
        await app.http.get(
          PATH,
          accessToken({}, { key: emulatorPrivateKey, kid }),
        ),
        401,
        'UNAUTHORIZED',
      );
    }
    // The same claims signed with the pool's key: served.
    expectServed(await app.http.get(PATH, accessToken()));
  });

  it('stops accepting a key withdrawn from the JWKS once the keys are fetched again', async () => {
    expectServed(await app.http.get(PATH, accessToken()));

    // The pool rotates: key-1 is withdrawn, key-2 comes in.
    jwks.server.keys = [jwkOf('key-2', nextKey)];
    await sleep(COOLDOWN_MS + 50);
    const fetches = jwks.server.requests;
    expectServed(
      await app.http.get(PATH, accessToken({}, { key: nextKey, kid: 'key-2' })),
    );
    expect(jwks.server.requests).toBe(fetches + 1);

    expectError(await app.http.get(PATH, accessToken()), 401, 'UNAUTHORIZED');
    await sleep(COOLDOWN_MS + 50);
    // Past the cooldown, the withdrawn kid is asked for once more, and still refused.
    const before = jwks.server.requests;
    expectError(await app.http.get(PATH, accessToken()), 401, 'UNAUTHORIZED');
    expect(jwks.server.requests).toBe(before + 1);
  });
});
