import { HttpStatus } from '@nestjs/common';
import {
  ACCESS,
  CLIENT_ID,
  EMAIL,
  EMAIL_HASH_LITERAL,
  ID,
  REFRESH,
  SECRET,
  USER,
  cognitoFailure,
  expectedHash,
  gatewayOf,
  ok,
  rejectionOf,
  stubCognito,
  type Json,
  type SentRequest,
} from '../../test/support/cognito-stub.js';

const SRP_CHALLENGE = {
  ChallengeName: 'PASSWORD_VERIFIER',
  ChallengeParameters: {
    USER_ID_FOR_SRP: 'uuid-user',
    SALT: '0123456789abcdef0123456789abcdef',
    SRP_B: 'a1b2c3d4'.repeat(64),
    SECRET_BLOCK: Buffer.from('a secret block from cognito').toString('base64'),
  },
  Session: 'session-after-initiate',
};

const TOKENS = {
  AccessToken: ACCESS,
  IdToken: ID,
  RefreshToken: REFRESH,
  ExpiresIn: 3600,
  TokenType: 'Bearer',
};

/** InitiateAuth -> PASSWORD_VERIFIER; RespondToAuthChallenge -> `verifierAnswer`. */
function srpCognito(verifierAnswer: () => Response): SentRequest[] {
  return stubCognito((operation) =>
    operation === 'InitiateAuth' ? ok(SRP_CHALLENGE) : verifierAnswer(),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('UserPoolGateway.passwordAuth with USER_SRP_AUTH (which the emulator cannot run)', () => {
  it.each([
    ['with a client secret', SECRET],
    ['without a client secret', undefined],
  ])(
    'sends SRP_A, then the PASSWORD_VERIFIER answer for USER_ID_FOR_SRP, and answers the tokens (%s)',
    async (_label, secret) => {
      const sent = srpCognito(() => ok({ AuthenticationResult: TOKENS }));
      const gateway = gatewayOf({ secret, authFlow: 'USER_SRP_AUTH' });

      const result = await gateway.passwordAuth(EMAIL, 'Secret-123');

      // The library's session gives no ExpiresIn.
      expect(result).toEqual({
        kind: 'tokens',
        tokens: { accessToken: ACCESS, idToken: ID, refreshToken: REFRESH },
        user: USER,
      });
      expect(sent.map((request) => request.operation)).toEqual([
        'InitiateAuth',
        'RespondToAuthChallenge',
      ]);

      const [initiate, verifier] = sent;
      expect(initiate.body.AuthFlow).toBe('USER_SRP_AUTH');
      expect(initiate.body.ClientId).toBe(CLIENT_ID);
      expect(initiate.body.AuthParameters.USERNAME).toBe(EMAIL);
      expect(initiate.body.AuthParameters.SRP_A).toMatch(/^[0-9a-f]{100,}$/);
      expect(initiate.body.AuthParameters).not.toHaveProperty('PASSWORD');
      expect(JSON.stringify(sent)).not.toContain('Secret-123');

      expect(verifier.body.ChallengeName).toBe('PASSWORD_VERIFIER');
      expect(verifier.body.ClientId).toBe(CLIENT_ID);
      expect(verifier.body.Session).toBe('session-after-initiate');
      const responses = verifier.body.ChallengeResponses as Json;
      expect(responses.USERNAME).toBe('uuid-user');
      expect(responses.PASSWORD_CLAIM_SECRET_BLOCK).toBe(
        SRP_CHALLENGE.ChallengeParameters.SECRET_BLOCK,
      );
      expect(responses.PASSWORD_CLAIM_SIGNATURE).toMatch(
        /^[A-Za-z0-9+/]{43}=$/,
      );
      expect(responses.TIMESTAMP).toMatch(
        /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4}$/,
      );

      if (secret) {
        expect(initiate.body.AuthParameters.SECRET_HASH).toBe(
          EMAIL_HASH_LITERAL,
        );
        expect(responses.SECRET_HASH).toBe(expectedHash('uuid-user'));
        expect(responses.SECRET_HASH).not.toBe(EMAIL_HASH_LITERAL);
      } else {
        expect(initiate.body.AuthParameters).not.toHaveProperty('SECRET_HASH');
        expect(responses).not.toHaveProperty('SECRET_HASH');
      }
    },
  );

  it('rejects with 401 INVALID_CREDENTIALS when Cognito refuses the password verifier', async () => {
    srpCognito(() =>
      cognitoFailure(
        'NotAuthorizedException',
        'Incorrect username or password.',
      ),
    );
    const gateway = gatewayOf({ authFlow: 'USER_SRP_AUTH' });
    const error = await rejectionOf(gateway.passwordAuth(EMAIL, 'wrong'));
    expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
    expect(error.code).toBe('INVALID_CREDENTIALS');
    expect(error.messages).toBe('Incorrect email or password.');
  });

  it('rejects with 401 INVALID_CREDENTIALS when InitiateAuth itself is refused (unknown user)', async () => {
    const sent = stubCognito(() => cognitoFailure('UserNotFoundException'));
    const gateway = gatewayOf({ authFlow: 'USER_SRP_AUTH' });
    const error = await rejectionOf(gateway.passwordAuth(EMAIL, 'pw'));
    expect(error.code).toBe('INVALID_CREDENTIALS');
    expect(sent).toHaveLength(1);
  });

  it('answers a SOFTWARE_TOKEN_MFA challenge after the verifier with the session Cognito sent', async () => {
    srpCognito(() =>
      ok({
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        ChallengeParameters: {},
        Session: 'mfa-session-from-cognito',
      }),
    );
    const gateway = gatewayOf({ secret: SECRET, authFlow: 'USER_SRP_AUTH' });
    await expect(gateway.passwordAuth(EMAIL, 'Secret-123')).resolves.toEqual({
      kind: 'challenge',
      challenge: 'SOFTWARE_TOKEN_MFA',
      session: 'mfa-session-from-cognito',
      // The user the library now names: USER_ID_FOR_SRP of the first step.
      username: 'uuid-user',
    });
  });

  it('answers a NEW_PASSWORD_REQUIRED challenge after the verifier with the session Cognito sent', async () => {
    srpCognito(() =>
      ok({
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        ChallengeParameters: {
          userAttributes: '{"email":"ash@example.com"}',
          requiredAttributes: '[]',
        },
        Session: 'new-password-session',
      }),
    );
    const gateway = gatewayOf({ authFlow: 'USER_SRP_AUTH' });
    await expect(gateway.passwordAuth(EMAIL, 'Temp-pass-1')).resolves.toEqual({
      kind: 'challenge',
      challenge: 'NEW_PASSWORD_REQUIRED',
      session: 'new-password-session',
      username: 'uuid-user',
    });
  });
});
