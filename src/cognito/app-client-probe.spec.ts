import {
  CLIENT_ID,
  SECRET,
  cognitoFailure,
  gatewayOf,
  stubCognito,
  type SentRequest,
} from '../../test/support/cognito-stub.js';

/*
 * The app-client probe with AUTH_PASSWORDLESS on: after the configured
 * flow it also tries USER_AUTH (Cognito's choice-based sign-in), so a
 * client without ALLOW_USER_AUTH shows as an operator fault at start-up
 * and on GET /health, not as 500s at the first passkey sign-in.
 */

afterEach(() => {
  vi.unstubAllGlobals();
});

const USER_AUTH_DISABLED = 'USER_AUTH flow not enabled for this client';

/** Cognito refusing USER_AUTH as a client without ALLOW_USER_AUTH; the configured flow finds no user. */
function withoutUserAuth(): SentRequest[] {
  return stubCognito((_operation, body) =>
    body.AuthFlow === 'USER_AUTH'
      ? cognitoFailure('InvalidParameterException', USER_AUTH_DISABLED)
      : cognitoFailure('UserNotFoundException'),
  );
}

describe('the app-client probe with AUTH_PASSWORDLESS', () => {
  it('reports a client without ALLOW_USER_AUTH as an operator fault, with the fix', async () => {
    withoutUserAuth();
    await expect(
      gatewayOf({ passwordless: true }).probeAppClient(),
    ).resolves.toEqual({
      usable: false,
      fault: 'USER_AUTH is not enabled on the app client',
      fix: `enable ALLOW_USER_AUTH on app client ${CLIENT_ID} or set AUTH_PASSWORDLESS=false`,
    });
  });

  it('sends USER_AUTH for the same user that cannot exist, with its SECRET_HASH, after the configured flow', async () => {
    const sent = stubCognito(() => cognitoFailure('UserNotFoundException'));
    await expect(
      gatewayOf({ passwordless: true, secret: SECRET }).probeAppClient(),
    ).resolves.toEqual({ usable: true });
    expect(sent.map((r) => r.body.AuthFlow)).toEqual([
      'USER_PASSWORD_AUTH',
      'USER_AUTH',
    ]);
    expect(sent[1].body).toEqual({
      AuthFlow: 'USER_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: {
        USERNAME: sent[0].body.AuthParameters.USERNAME,
        SECRET_HASH: expect.any(String),
      },
    });
  });

  it('does not try USER_AUTH when AUTH_PASSWORDLESS is off: such a client is usable', async () => {
    const sent = withoutUserAuth();
    await expect(gatewayOf().probeAppClient()).resolves.toEqual({
      usable: true,
    });
    expect(sent).toHaveLength(1);
  });

  it('reports the configured flow first when both are refused', async () => {
    stubCognito(() =>
      cognitoFailure(
        'InvalidParameterException',
        'USER_PASSWORD_AUTH flow not enabled for this client',
      ),
    );
    await expect(
      gatewayOf({ passwordless: true }).probeAppClient(),
    ).resolves.toMatchObject({
      usable: false,
      fault: 'USER_PASSWORD_AUTH is not enabled on the app client',
    });
  });
});
