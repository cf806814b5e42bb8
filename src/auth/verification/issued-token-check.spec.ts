import { Logger } from '@nestjs/common';
import type { CognitoPool } from '../../cognito/cognito-pool.js';
import type { SignInResult } from '../../cognito/cognito.types.js';
import { IssuedTokenCheck } from './issued-token-check.js';

const ISSUER = 'http://127.0.0.1:9229/local_pool';
const pool = {
  issuers: [ISSUER],
  clientId: 'client-a',
} as unknown as CognitoPool;

function tokens(claims: Record<string, unknown>): SignInResult {
  const part = (value: object): string =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const accessToken = `${part({ alg: 'RS256', kid: 'k' })}.${part(claims)}.c2ln`;
  return {
    kind: 'tokens',
    tokens: { accessToken, idToken: accessToken },
    user: { sub: 'sub-1' },
  } as SignInResult;
}

describe('IssuedTokenCheck', () => {
  let warn: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => {});
  });
  afterEach(() => warn.mockRestore());

  it('says nothing of tokens the guard accepts', () => {
    new IssuedTokenCheck(pool).inspect(
      tokens({ iss: ISSUER, client_id: 'client-a' }),
    );
    expect(warn).not.toHaveBeenCalled();
  });

  it('names AWS_COGNITO_AUTHORITY for an issuer the guard refuses, once per process', () => {
    const check = new IssuedTokenCheck(pool);
    const aws = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X';
    check.inspect(tokens({ iss: aws, client_id: 'client-a' }));
    check.inspect(tokens({ iss: aws, client_id: 'client-a' }));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      `The user pool issued a token with issuer "${aws}", which the guard refuses (it accepts ${ISSUER}): every guarded route will answer 401; set AWS_COGNITO_AUTHORITY to the issuer the pool puts in its tokens (and AWS_COGNITO_JWKS_URI to where its keys are served, if elsewhere).`,
    );
  });

  it('names AWS_COGNITO_CLIENT_ID for tokens of another app client', () => {
    new IssuedTokenCheck(pool).inspect(
      tokens({ iss: ISSUER, client_id: 'client-b' }),
    );
    expect(warn).toHaveBeenCalledExactlyOnceWith(
      'The user pool issued a token for app client "client-b", which the guard refuses (it accepts client-a): every guarded route will answer 401; set AWS_COGNITO_CLIENT_ID to the app client the pool issues tokens for.',
    );
  });

  it('waits for tokens: a challenge is not yet a login', () => {
    const check = new IssuedTokenCheck(pool);
    check.inspect({ kind: 'challenge', challenge: 'X', session: 's' });
    check.inspect(tokens({ iss: 'https://elsewhere', client_id: 'client-a' }));
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
