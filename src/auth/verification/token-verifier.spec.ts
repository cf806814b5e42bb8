import { createPublicKey, type KeyObject } from 'node:crypto';
import type { CognitoPool } from '../../cognito/cognito-pool.js';
import { loadConfig } from '../../config/env.validation.js';
import {
  EMULATOR_KID,
  emulatorPublicKey,
  forge,
  rs256Header,
  strangerKey,
} from '../../../test/support/forge.js';
import { JwksUnavailableError, type JwksKeyStore } from './jwks-key-store.js';
import { TokenRejectedError } from './token-claims.js';
import { TokenVerifier } from './token-verifier.js';

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Test';
const CLIENT_ID = 'client123';
const NOW = Math.floor(Date.now() / 1000);
const POOL = {
  issuer: ISSUER,
  issuers: [ISSUER, ISSUER.replace('cognito-idp.', 'issuer-cognito-idp.')],
  clientId: CLIENT_ID,
} as unknown as CognitoPool;

/** The pool's JWKS: the one key, by its kid. */
function keysOf(known: KeyObject = createPublicKey(emulatorPublicKey.pem)) {
  return {
    getKey: (kid: string) =>
      kid === EMULATOR_KID
        ? Promise.resolve(known)
        : Promise.reject(new TokenRejectedError('unknown kid')),
  } as unknown as JwksKeyStore;
}

function verifierOf(keys = keysOf()): TokenVerifier {
  return new TokenVerifier(keys, POOL, loadConfig({}).auth);
}

function accessToken(claims: Record<string, unknown> = {}): string {
  return forge(rs256Header(), {
    iss: ISSUER,
    sub: 'uuid-ash',
    username: 'uuid-ash',
    token_use: 'access',
    client_id: CLIENT_ID,
    iat: NOW - 60,
    exp: NOW + 3600,
    ...claims,
  });
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TokenRejectedError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('TokenVerifier', () => {
  it('answers the user of a valid access token of the pool', async () => {
    await expect(verifierOf().verify(accessToken())).resolves.toMatchObject({
      sub: 'uuid-ash',
      username: 'uuid-ash',
      tokenUse: 'access',
    });
  });

  it('answers the internal username of an ID token (cognito:username)', async () => {
    const token = forge(rs256Header(), {
      iss: ISSUER,
      sub: 'uuid-ash',
      'cognito:username': 'uuid-ash',
      token_use: 'id',
      aud: CLIENT_ID,
      exp: NOW + 3600,
    });
    await expect(verifierOf().verify(token)).resolves.toMatchObject({
      username: 'uuid-ash',
      tokenUse: 'id',
    });
  });

  it('refuses an expired token, and accepts it with ignoreExpiration', async () => {
    const expired = accessToken({ iat: NOW - 7200, exp: NOW - 3600 });
    expect(await refusal(verifierOf().verify(expired))).toBe('expired');
    await expect(
      verifierOf().verify(expired, { ignoreExpiration: true }),
    ).resolves.toMatchObject({ username: 'uuid-ash' });
  });

  it('accepts a token just past exp within the clock skew (5 s)', async () => {
    await expect(
      verifierOf().verify(accessToken({ exp: NOW - 2 })),
    ).resolves.toMatchObject({ sub: 'uuid-ash' });
  });

  it("accepts every issuer of the pool, e.g. its global one (the guard's rule)", async () => {
    const global = POOL.issuers[1];
    await expect(
      verifierOf().verify(accessToken({ iss: global })),
    ).resolves.toMatchObject({ sub: 'uuid-ash' });
  });

  it.each<[string, () => string, string]>([
    [
      'signed by a key the pool does not have',
      () =>
        forge(
          rs256Header(),
          { iss: ISSUER, exp: NOW + 60 },
          {
            alg: 'RS256',
            key: strangerKey(),
          },
        ),
      'bad signature',
    ],
    [
      'tampered after signing',
      () => {
        const [header, , signature] = accessToken().split('.');
        const payload = Buffer.from(
          JSON.stringify({ iss: ISSUER, sub: 'uuid-gary', exp: NOW + 60 }),
        ).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
      'bad signature',
    ],
    [
      'of another issuer',
      () => accessToken({ iss: `${ISSUER}x` }),
      'issuer not accepted',
    ],
    [
      'not valid yet (nbf)',
      () => accessToken({ nbf: NOW + 600 }),
      'not valid yet',
    ],
    [
      'of another app client',
      () => accessToken({ client_id: 'other' }),
      'client_id mismatch',
    ],
    [
      'a refresh-like token',
      () => accessToken({ token_use: 'refresh' }),
      'token_use must be access or id',
    ],
    [
      'unsigned (alg none)',
      () =>
        forge(
          { alg: 'none', kid: EMULATOR_KID },
          { iss: ISSUER },
          { alg: 'none' },
        ),
      'not a JWT',
    ],
    [
      'HS256 with the public key as secret',
      () =>
        forge(
          { alg: 'HS256', kid: EMULATOR_KID },
          { iss: ISSUER },
          { alg: 'HS256', secret: emulatorPublicKey.pem },
        ),
      'alg must be RS256',
    ],
  ])(
    'refuses a token %s, even with ignoreExpiration',
    async (_label, token, reason) => {
      expect(
        await refusal(verifierOf().verify(token(), { ignoreExpiration: true })),
      ).toBe(reason);
    },
  );

  it('rejects with JwksUnavailableError when the keys cannot be had', async () => {
    const keys = {
      getKey: () => Promise.reject(new JwksUnavailableError('down')),
    } as unknown as JwksKeyStore;
    await expect(verifierOf(keys).verify(accessToken())).rejects.toBeInstanceOf(
      JwksUnavailableError,
    );
  });
});
