import {
  checkClaims,
  checkHeader,
  TokenRejectedError,
} from './token-claims.js';

const CLIENT_ID = 'app-client-1';
const OTHER_CLIENT = 'app-client-2';
const EXP = 1_900_000_000;

function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JWT-shaped string with the given header (the signature is not checked here). */
function tokenWith(header: unknown): string {
  return `${part(header)}.${part({ sub: 'u' })}.c2lnbmF0dXJl`;
}

describe('checkHeader', () => {
  it('accepts RS256 with a kid and returns the kid', () => {
    expect(
      checkHeader(tokenWith({ alg: 'RS256', typ: 'JWT', kid: 'k1' })),
    ).toBe('k1');
  });

  it('accepts a Cognito-sized token of exactly 8192 characters', () => {
    const head = `${part({ alg: 'RS256', kid: 'k1' })}.`;
    const token = `${head}${'a'.repeat(8192 - head.length - 3)}.bA`;
    expect(token).toHaveLength(8192);
    expect(checkHeader(token)).toBe('k1');
  });

  it.each([
    ['alg none', { alg: 'none', kid: 'k1' }],
    ['alg HS256', { alg: 'HS256', kid: 'k1' }],
    ['alg RS384', { alg: 'RS384', kid: 'k1' }],
    ['alg rs256 in lower case', { alg: 'rs256', kid: 'k1' }],
    ['no alg', { kid: 'k1' }],
    ['no kid (a Cognito refresh token)', { alg: 'RS256' }],
    ['an empty kid', { alg: 'RS256', kid: '' }],
    ['a numeric kid', { alg: 'RS256', kid: 1 }],
    ['an object kid', { alg: 'RS256', kid: { id: 'k1' } }],
    ['a kid over 256 characters', { alg: 'RS256', kid: 'k'.repeat(257) }],
    ['a header that is JSON null', null],
    ['a header that is a JSON array', ['RS256', 'k1']],
  ])('refuses a header with %s', (_label, header) => {
    expect(() => checkHeader(tokenWith(header))).toThrow(TokenRejectedError);
  });

  it.each([
    ['an empty string', ''],
    ['two parts', `${part({ alg: 'RS256', kid: 'k1' })}.${part({})}`],
    [
      'four parts',
      `${part({ alg: 'RS256', kid: 'k1' })}.${part({})}.c2ln.c2ln`,
    ],
    [
      'an empty signature (unsigned, alg none style)',
      `${part({ alg: 'RS256', kid: 'k1' })}.${part({})}.`,
    ],
    [
      'standard base64 characters (+ and /)',
      `${part({ alg: 'RS256', kid: 'k1' })}.${part({})}.ab+/cd`,
    ],
    ['padding', `${part({ alg: 'RS256', kid: 'k1' })}=.${part({})}.c2ln`],
    ['spaces', `${part({ alg: 'RS256', kid: 'k1' })}. ${part({})}.c2ln`],
    [
      'more than 8192 characters',
      `${part({ alg: 'RS256', kid: 'k1' })}.${'a'.repeat(8192)}.c2ln`,
    ],
    [
      'a header that is not JSON',
      `${Buffer.from('not json').toString('base64url')}.${part({})}.c2ln`,
    ],
    ['a header that is not base64url of anything', 'abc.def.ghi'],
  ])('refuses %s', (_label, token) => {
    expect(() => checkHeader(token)).toThrow(TokenRejectedError);
  });
});

/** The claims of a Cognito access token of this client, as the emulator issues them. */
function accessPayload(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    sub: 'b1f4c1b2-sub',
    'cognito:groups': ['admins', 'trainers'],
    iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123',
    client_id: CLIENT_ID,
    origin_jti: 'origin-1',
    event_id: 'e1',
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: 1_899_990_000,
    exp: EXP,
    iat: 1_899_990_000,
    jti: 'jti-1',
    username: 'b1f4c1b2-sub',
    ...overrides,
  };
}

/** The claims of a Cognito ID token of this client. */
function idPayload(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    sub: 'b1f4c1b2-sub',
    email_verified: false,
    iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123',
    'cognito:username': 'b1f4c1b2-sub',
    aud: CLIENT_ID,
    event_id: 'e1',
    token_use: 'id',
    auth_time: 1_899_990_000,
    exp: EXP,
    iat: 1_899_990_000,
    email: 'ash@example.com',
    jti: 'jti-2',
    ...overrides,
  };
}

function without(
  payload: Record<string, unknown>,
  ...keys: string[]
): Record<string, unknown> {
  const copy = { ...payload };
  for (const key of keys) delete copy[key];
  return copy;
}

describe('checkClaims', () => {
  it('turns an access token of this client into the user, groups included', () => {
    expect(checkClaims(accessPayload(), CLIENT_ID)).toEqual({
      sub: 'b1f4c1b2-sub',
      username: 'b1f4c1b2-sub',
      email: undefined,
      groups: ['admins', 'trainers'],
      tokenUse: 'access',
      clientId: CLIENT_ID,
      jti: 'jti-1',
      originJti: 'origin-1',
      eventId: 'e1',
      exp: EXP,
      authTime: 1_899_990_000,
    });
  });

  it('turns an ID token of this client into the user, with the email', () => {
    expect(
      checkClaims(idPayload({ 'cognito:username': 'ash' }), CLIENT_ID),
    ).toEqual({
      sub: 'b1f4c1b2-sub',
      username: 'ash',
      email: 'ash@example.com',
      emailVerified: false,
      groups: [],
      tokenUse: 'id',
      clientId: CLIENT_ID,
      jti: 'jti-2',
      originJti: undefined,
      eventId: 'e1',
      exp: EXP,
      authTime: 1_899_990_000,
    });
  });

  it('uses the sub as username when the token names none', () => {
    const user = checkClaims(without(accessPayload(), 'username'), CLIENT_ID);
    expect(user.username).toBe('b1f4c1b2-sub');
  });

  it('gives no groups when cognito:groups is missing (a user in no group)', () => {
    const user = checkClaims(
      without(accessPayload(), 'cognito:groups'),
      CLIENT_ID,
    );
    expect(user.groups).toEqual([]);
  });

  it('gives no groups when cognito:groups is not an array', () => {
    const user = checkClaims(
      accessPayload({ 'cognito:groups': 'admins' }),
      CLIENT_ID,
    );
    expect(user.groups).toEqual([]);
  });

  it('drops group entries that are not strings', () => {
    const user = checkClaims(
      accessPayload({ 'cognito:groups': ['admins', 7, null, { g: 1 }, 'x'] }),
      CLIENT_ID,
    );
    expect(user.groups).toEqual(['admins', 'x']);
  });

  it.each([
    [
      'an access token of another client',
      accessPayload({ client_id: OTHER_CLIENT }),
    ],
    [
      'an access token with aud = this client but no client_id (aud is not accepted for access tokens)',
      without(accessPayload({ aud: CLIENT_ID }), 'client_id'),
    ],
    [
      'an access token with aud = this client and client_id of another',
      accessPayload({ aud: CLIENT_ID, client_id: OTHER_CLIENT }),
    ],
    ['an ID token of another client', idPayload({ aud: OTHER_CLIENT })],
    [
      'an ID token with client_id = this client but no aud',
      without(idPayload({ client_id: CLIENT_ID }), 'aud'),
    ],
    [
      'an ID token whose aud is an array holding this client',
      idPayload({ aud: [CLIENT_ID] }),
    ],
    [
      'a refresh-like token without token_use',
      without(accessPayload(), 'token_use'),
    ],
    ['token_use refresh', accessPayload({ token_use: 'refresh' })],
    ['token_use ACCESS in upper case', accessPayload({ token_use: 'ACCESS' })],
    ['token_use of another kind', idPayload({ token_use: 'mfa' })],
    ['no exp', without(accessPayload(), 'exp')],
    ['exp as a string', accessPayload({ exp: String(EXP) })],
    ['exp NaN', accessPayload({ exp: Number.NaN })],
    ['exp Infinity', accessPayload({ exp: Number.POSITIVE_INFINITY })],
    ['iat as a string', accessPayload({ iat: '1899990000' })],
    ['iat null', idPayload({ iat: null })],
    ['iat as an object', accessPayload({ iat: { at: 1_899_990_000 } })],
    [
      'iat Infinity (1e400 in JSON)',
      accessPayload({ iat: JSON.parse('1e400') }),
    ],
    ['nbf as a string', idPayload({ nbf: '1899990000' })],
    ['nbf null', accessPayload({ nbf: null })],
    ['nbf true', accessPayload({ nbf: true })],
    ['nbf -Infinity', idPayload({ nbf: JSON.parse('-1e400') })],
    ['no sub', without(accessPayload(), 'sub')],
    ['an empty sub', idPayload({ sub: '' })],
    ['a numeric sub', idPayload({ sub: 12 })],
    ['an empty payload', {}],
  ])('refuses %s', (_label, payload) => {
    expect(() => checkClaims(payload, CLIENT_ID)).toThrow(TokenRejectedError);
  });

  it('accepts numeric iat and nbf, and tokens without them', () => {
    const times = { iat: 1_899_990_000, nbf: 1_899_990_000.5 };
    expect(checkClaims(accessPayload(times), CLIENT_ID).sub).toBe(
      'b1f4c1b2-sub',
    );
    expect(checkClaims(idPayload(times), CLIENT_ID).sub).toBe('b1f4c1b2-sub');
    expect(
      checkClaims(without(accessPayload(), 'iat', 'nbf'), CLIENT_ID).tokenUse,
    ).toBe('access');
  });
});
