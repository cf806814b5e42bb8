import { HttpStatus } from '@nestjs/common';
import { useFakeClock } from '../../test/support/clock.js';
import {
  ACCESS,
  CLIENT_ID,
  ID,
  NOW,
  REFRESH,
  SECRET,
  USER,
  cognitoFailure,
  gatewayOf,
  ok,
  rejectionOf,
  stubCognito,
} from '../../test/support/cognito-stub.js';

/*
 * The gateway calls that end or renew sessions (refresh with rotation,
 * GlobalSignOut), the app-client probe, and the operator faults, over the
 * real UserPoolClient on a stubbed fetch. The emulator lacks
 * GetTokensFromRefreshToken and GlobalSignOut and checks no secret: the
 * request and reply shapes here are those of the Cognito API reference.
 */

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('UserPoolGateway.refresh with refresh-token rotation (GetTokensFromRefreshToken)', () => {
  const ROTATED = {
    AccessToken: ACCESS,
    IdToken: ID,
    RefreshToken: 'refresh-2',
    ExpiresIn: 3600,
    TokenType: 'Bearer',
  };

  it.each([
    ['without a client secret', undefined, {}],
    [
      'with a client secret: the secret itself',
      SECRET,
      { ClientSecret: SECRET },
    ],
  ])(
    'sends ClientId and RefreshToken, no SECRET_HASH and no username (%s), and answers the new refresh token',
    async (_label, secret, added) => {
      const sent = stubCognito(() => ok({ AuthenticationResult: ROTATED }));
      const result = await gatewayOf({ secret, rotation: true }).refresh({
        refreshToken: 'refresh-1',
        username: 'uuid-user',
      });
      expect(sent.map((r) => [r.operation, r.body])).toEqual([
        [
          'GetTokensFromRefreshToken',
          { ClientId: CLIENT_ID, RefreshToken: 'refresh-1', ...added },
        ],
      ]);
      expect(result).toEqual({
        kind: 'tokens',
        tokens: {
          accessToken: ACCESS,
          idToken: ID,
          refreshToken: 'refresh-2',
          expiresIn: 3600,
        },
        user: USER,
      });
    },
  );

  it('needs no username even when the client has a secret', async () => {
    stubCognito(() => ok({ AuthenticationResult: ROTATED }));
    await expect(
      gatewayOf({ secret: SECRET, rotation: true }).refresh({
        refreshToken: 'refresh-1',
      }),
    ).resolves.toMatchObject({ kind: 'tokens' });
  });

  it.each([
    'RefreshTokenReuseException',
    'NotAuthorizedException',
    'UserNotFoundException',
  ])(
    'answers %s with 401 UNAUTHORIZED (an old, revoked or foreign refresh token)',
    async (name) => {
      stubCognito(() => cognitoFailure(name));
      const error = await rejectionOf(
        gatewayOf({ rotation: true }).refresh({ refreshToken: 'refresh-1' }),
      );
      expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
      expect(error.code).toBe('UNAUTHORIZED');
    },
  );
});

describe('UserPoolGateway.refresh: when the session began', () => {
  const EMULATOR_REFRESH = REFRESH; // a readable JWT with iat NOW - 120

  it("with an emulator (http endpoint): the refresh token's iat, since refreshed tokens get a new auth_time", async () => {
    stubCognito(() =>
      ok({ AuthenticationResult: { AccessToken: ACCESS, IdToken: ID } }),
    );
    const result = await gatewayOf().refresh({
      refreshToken: EMULATOR_REFRESH,
    });
    expect(result).toMatchObject({
      kind: 'tokens',
      user: { sub: 'uuid-user', sessionStartedAt: NOW - 120 },
    });
  });

  it("with real Cognito (https): the tokens' auth_time; the refresh token is never read", async () => {
    stubCognito(() =>
      ok({ AuthenticationResult: { AccessToken: ACCESS, IdToken: ID } }),
    );
    const result = await gatewayOf({
      endpoint: 'https://cognito-idp.us-east-1.amazonaws.com',
    }).refresh({ refreshToken: EMULATOR_REFRESH });
    expect(result).toMatchObject({
      kind: 'tokens',
      user: { sub: 'uuid-user', sessionStartedAt: NOW - 60 },
    });
  });
});

describe('UserPoolGateway.globalSignOut', () => {
  it('sends GlobalSignOut with the access token and resolves true', async () => {
    const sent = stubCognito();
    await expect(gatewayOf().globalSignOut('access-1')).resolves.toBe(true);
    expect(sent.map((r) => [r.operation, r.body])).toEqual([
      ['GlobalSignOut', { AccessToken: 'access-1' }],
    ]);
  });

  it('resolves false where the identity provider lacks it (the emulator: Unsupported)', async () => {
    stubCognito(
      () =>
        new Response(JSON.stringify({ __type: 'Unsupported', message: 'x' }), {
          status: 500,
        }),
    );
    await expect(gatewayOf().globalSignOut('access-1')).resolves.toBe(false);
  });

  it('answers a refused token with 401 UNAUTHORIZED', async () => {
    stubCognito(() => cognitoFailure('NotAuthorizedException'));
    const error = await rejectionOf(gatewayOf().globalSignOut('access-1'));
    expect(error.code).toBe('UNAUTHORIZED');
  });
});

const SECRET_MISMATCH = `Unable to verify secret hash for client ${CLIENT_ID}`;
const SECRET_MISSING = `Client ${CLIENT_ID} is configured for secret but secret was not received`;
const FLOW_DISABLED = 'USER_PASSWORD_AUTH flow not enabled for this client';

describe('UserPoolGateway: operator faults answer 500 INTERNAL, never a user error', () => {
  it.each<[string, string, string, RegExp]>([
    [
      'NotAuthorizedException',
      SECRET_MISMATCH,
      'a wrong secret',
      /AWS_COGNITO_CLIENT_SECRET does not match the secret of app client client123/,
    ],
    [
      'NotAuthorizedException',
      SECRET_MISSING,
      'a missing secret',
      /app client client123 has a secret: set AWS_COGNITO_CLIENT_SECRET/,
    ],
    [
      'InvalidParameterException',
      FLOW_DISABLED,
      'a disabled flow',
      /enable ALLOW_USER_PASSWORD_AUTH on app client client123 or set AWS_COGNITO_AUTH_FLOW=USER_SRP_AUTH/,
    ],
  ])(
    'passwordAuth: %s "%s" (%s) is 500, its logged cause naming the fix',
    async (name, message, _label, fix) => {
      stubCognito(() => cognitoFailure(name, message));
      const error = await rejectionOf(gatewayOf().passwordAuth('a@b.c', 'P-1'));
      expect(error.getStatus()).toBe(HttpStatus.INTERNAL_SERVER_ERROR);
      expect(error.code).toBe('INTERNAL');
      expect(error.messages).toBe(
        'Something went wrong; the error was logged.',
      );
      const cause = error.cause as Error;
      expect(cause.name).toBe('AppClientMisconfigured');
      expect(cause.message).toMatch(fix);
      expect(JSON.stringify(error.getResponse())).not.toContain('secret');
    },
  );

  it('still answers a wrong password (NotAuthorizedException, another message) with 401 INVALID_CREDENTIALS', async () => {
    stubCognito(() =>
      cognitoFailure(
        'NotAuthorizedException',
        'Incorrect username or password.',
      ),
    );
    const error = await rejectionOf(gatewayOf().passwordAuth('a@b.c', 'P-1'));
    expect(error.code).toBe('INVALID_CREDENTIALS');
  });

  it('refresh: a hash Cognito cannot verify is 401 (the request named the user), and the app client stays usable', async () => {
    const sent = stubCognito(() =>
      cognitoFailure('NotAuthorizedException', SECRET_MISMATCH),
    );
    const gateway = gatewayOf({ secret: SECRET });
    const error = await rejectionOf(
      gateway.refresh({ refreshToken: 'r', username: 'not-the-owner' }),
    );
    expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
    expect(error.code).toBe('UNAUTHORIZED');
    // No fault was recorded: the health probe asks Cognito itself.
    await gateway.probeAppClient();
    expect(sent.map((call) => call.operation)).toEqual([
      'InitiateAuth',
      'InitiateAuth',
    ]);
  });

  it.each([
    [
      'confirmSignUp',
      () => gatewayOf({ secret: SECRET }).confirmSignUp('a@b.c', '123456'),
    ],
    // forgot-password hides account errors as a 202: not this one.
    [
      'forgotPassword',
      () => gatewayOf({ secret: SECRET }).forgotPassword('a@b.c'),
    ],
    [
      'resendConfirmationCode',
      () => gatewayOf({ secret: SECRET }).resendConfirmationCode('a@b.c'),
    ],
  ])('%s: a wrong secret is 500 too', async (_method, call) => {
    stubCognito(() =>
      cognitoFailure('NotAuthorizedException', SECRET_MISMATCH),
    );
    const error = await rejectionOf(call());
    expect(error.code).toBe('INTERNAL');
  });

  it('refresh on a client that rotates refresh tokens tells to set AWS_COGNITO_REFRESH_ROTATION', async () => {
    stubCognito(() =>
      cognitoFailure(
        'NotAuthorizedException',
        'Refresh Token Rotation is enabled for this client; use GetTokensFromRefreshToken',
      ),
    );
    const error = await rejectionOf(gatewayOf().refresh({ refreshToken: 'r' }));
    expect(error.code).toBe('INTERNAL');
    expect((error.cause as Error).message).toMatch(
      /set AWS_COGNITO_REFRESH_ROTATION=true/,
    );
  });
});

describe('UserPoolGateway.probeAppClient', () => {
  it('sends one InitiateAuth of the configured flow for a user that cannot exist', async () => {
    const sent = stubCognito(() => cognitoFailure('UserNotFoundException'));
    await gatewayOf({ secret: SECRET }).probeAppClient();
    expect(sent).toHaveLength(1);
    expect(sent[0].operation).toBe('InitiateAuth');
    expect(sent[0].body).toMatchObject({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: {
        USERNAME: expect.stringMatching(
          /^app-client-probe-[0-9a-f-]{36}@probe\.invalid$/,
        ),
        PASSWORD: expect.any(String),
        SECRET_HASH: expect.any(String),
      },
    });
  });

  it('sends USER_SRP_AUTH with an SRP_A when that is the flow', async () => {
    const sent = stubCognito(() => cognitoFailure('UserNotFoundException'));
    await gatewayOf({ authFlow: 'USER_SRP_AUTH' }).probeAppClient();
    expect(sent[0].body).toMatchObject({
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { SRP_A: expect.stringMatching(/^[0-9a-f]{768}$/) },
    });
  });

  it.each<[string, () => Response]>([
    ['no such user', () => cognitoFailure('UserNotFoundException')],
    [
      'wrong password (the emulator: unknown user)',
      () => cognitoFailure('NotAuthorizedException', 'User not authorized'),
    ],
    [
      'a wrong password, real Cognito',
      () =>
        cognitoFailure(
          'NotAuthorizedException',
          'Incorrect username or password.',
        ),
    ],
    [
      'a challenge for nobody (existence errors prevented, SRP)',
      () => ok({ ChallengeName: 'PASSWORD_VERIFIER', ChallengeParameters: {} }),
    ],
  ])('answers usable for %s', async (_label, answer) => {
    stubCognito(answer);
    await expect(gatewayOf().probeAppClient()).resolves.toEqual({
      usable: true,
    });
  });

  it.each<[string, string, RegExp]>([
    [
      'NotAuthorizedException',
      SECRET_MISMATCH,
      /AWS_COGNITO_CLIENT_SECRET does not match/,
    ],
    ['NotAuthorizedException', SECRET_MISSING, /set AWS_COGNITO_CLIENT_SECRET/],
    [
      'InvalidParameterException',
      FLOW_DISABLED,
      /enable ALLOW_USER_PASSWORD_AUTH on app client client123/,
    ],
    [
      'ResourceNotFoundException',
      'User pool client x does not exist.',
      /check AWS_COGNITO_USER_POOL_ID and AWS_COGNITO_CLIENT_ID/,
    ],
  ])(
    'answers unusable for %s "%s", with the fix',
    async (name, message, fix) => {
      stubCognito(() => cognitoFailure(name, message));
      const status = await gatewayOf().probeAppClient();
      expect(status).toMatchObject({
        usable: false,
        fix: expect.stringMatching(fix),
      });
    },
  );

  it.each([
    ['unreachable', 'InternalErrorException', 'IDP_UNAVAILABLE'],
    ['throttled', 'TooManyRequestsException', 'TOO_MANY_REQUESTS'],
  ])('answers unknown when Cognito is %s', async (_label, name, reason) => {
    stubCognito(() => cognitoFailure(name));
    await expect(gatewayOf().probeAppClient()).resolves.toEqual({
      usable: 'unknown',
      reason,
    });
  });
});

describe('UserPoolGateway.probeAppClient, what it knows between probes', () => {
  afterEach(() => vi.useRealTimers());

  it('reuses a probe for 30 s, then probes again', async () => {
    useFakeClock(Date.UTC(2030, 0, 1));
    const sent = stubCognito(() => cognitoFailure('UserNotFoundException'));
    const gateway = gatewayOf();
    await gateway.probeAppClient();
    vi.advanceTimersByTime(29_000);
    await expect(gateway.probeAppClient()).resolves.toEqual({ usable: true });
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    await gateway.probeAppClient();
    expect(sent).toHaveLength(2);
  });

  it('knows at once, with no probe, that a live call was refused for the client secret, and that a later accepted call proves it usable', async () => {
    let refuse = false;
    const sent = stubCognito(() =>
      refuse
        ? cognitoFailure(
            'NotAuthorizedException',
            `Unable to verify secret hash for client ${CLIENT_ID}`,
          )
        : ok({}),
    );
    const gateway = gatewayOf({ secret: SECRET });
    await expect(gateway.probeAppClient()).resolves.toEqual({ usable: true });
    refuse = true;
    await rejectionOf(gateway.confirmSignUp('ash@example.com', '123456'));
    await expect(gateway.probeAppClient()).resolves.toMatchObject({
      usable: false,
      fix: expect.stringMatching(/AWS_COGNITO_CLIENT_SECRET/),
    });
    refuse = false;
    await gateway.confirmSignUp('ash@example.com', '123456');
    await expect(gateway.probeAppClient()).resolves.toEqual({ usable: true });
    // One probe, two live calls: nothing else was sent.
    expect(sent.map((call) => call.operation)).toEqual([
      'InitiateAuth',
      'ConfirmSignUp',
      'ConfirmSignUp',
    ]);
  });
});
