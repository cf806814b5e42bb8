import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { b64url, forge, rs256Header } from '../forge.js';
import type { Tokens } from '../users.js';
import { anyString, base64urlSegment, headerText, json } from './text.js';

/** Bearer values: random, forged with fuzzed claims, real, tampered. */

/** What the fuzz knows of the running app and its signed-in user. */
export interface Context {
  /** The fuzz user's email (the fuzz may sign in with it, never change it). */
  email: string;
  issuer: string;
  clientId: string;
  tokens: Tokens;
  sub: string;
}

/** Claims of a token of this pool, with some of them replaced by anything. */
export function claims(
  context: Context,
): fc.Arbitrary<Record<string, unknown>> {
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
        // As Cognito issues it with token revocation on (the default).
        origin_jti: randomUUID(),
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
export function nobodyToken(context: Context): string {
  return forge(rs256Header(), {
    iss: context.issuer,
    sub: randomUUID(),
    token_use: 'access',
    client_id: context.clientId,
    username: 'fuzz-nobody',
    event_id: randomUUID(),
    jti: randomUUID(),
    origin_jti: randomUUID(),
    exp: Math.floor(Date.now() / 1000) + 3600,
  });
}

/** A header that looks like Cognito's, or a little off. */
export const jwtHeaders = fc.record(
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

export function tampered(token: string, at: number): string {
  const i = at % token.length;
  const swap = token[i] === 'A' ? 'B' : 'A';
  return token.slice(0, i) + swap + token.slice(i + 1);
}

/** Authorization values; `real` allows the fuzz user's own tokens. */
export function authorizations(
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
