import type { CognitoPool } from './cognito-pool.js';
import {
  ACCESS,
  EMAIL,
  ID,
  SECRET,
  USER,
  clientOf,
  configOf,
  connectionOf,
  expectedHash,
  rejectionOf,
} from '../../test/support/cognito-stub.js';
import { PasswordlessGateway } from './passwordless.gateway.js';

/** What the SDK client was sent: the command's class and input. */
interface Sent {
  command: string;
  input: Record<string, any>;
}

/** An error as the SDK builds it for an answer of Cognito. */
function sdkError(name: string, message = 'upstream detail'): Error {
  return Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: 400 },
  });
}

/**
 * The gateway on a stubbed SDK client: each command is recorded and
 * answered with `reply(command)` (an Error rejects).
 */
function gatewayOf(
  reply: (command: string, input: Record<string, any>) => unknown = () => ({}),
  pool: CognitoPool = connectionOf(),
): { gateway: PasswordlessGateway; sent: Sent[] } {
  const gateway = new PasswordlessGateway(pool, clientOf(pool), configOf());
  const sent: Sent[] = [];
  const client = (gateway as unknown as { client: { send: unknown } }).client;
  client.send = (command: { input: Record<string, any> }) => {
    const name = command.constructor.name.replace(/Command$/, '');
    sent.push({ command: name, input: command.input });
    const answer = reply(name, command.input);
    return answer instanceof Error
      ? Promise.reject(answer)
      : Promise.resolve(answer);
  };
  return { gateway, sent };
}

const OPTIONS = { challenge: 'abc', rpId: 'localhost', allowCredentials: [] };

describe('PasswordlessGateway', () => {
  it('starts USER_AUTH with the method as PREFERRED_CHALLENGE and reads the WEB_AUTHN options', async () => {
    const { gateway, sent } = gatewayOf(() => ({
      ChallengeName: 'WEB_AUTHN',
      Session: 's1',
      ChallengeParameters: {
        USERNAME: 'uuid-user',
        CREDENTIAL_REQUEST_OPTIONS: JSON.stringify(OPTIONS),
      },
    }));
    expect(await gateway.startSignIn(EMAIL, 'WEB_AUTHN')).toEqual({
      kind: 'webAuthn',
      session: 's1',
      username: 'uuid-user',
      options: OPTIONS,
    });
    expect(sent).toEqual([
      {
        command: 'InitiateAuth',
        input: {
          AuthFlow: 'USER_AUTH',
          ClientId: 'client123',
          AuthParameters: { USERNAME: EMAIL, PREFERRED_CHALLENGE: 'WEB_AUTHN' },
        },
      },
    ]);
  });

  it('reads EMAIL_OTP (where the code went) and SELECT_CHALLENGE (what the user may choose)', async () => {
    const emailOtp = gatewayOf(() => ({
      ChallengeName: 'EMAIL_OTP',
      Session: 's2',
      ChallengeParameters: {
        CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL',
        CODE_DELIVERY_DESTINATION: 'a***@e***',
      },
    }));
    expect(await emailOtp.gateway.startSignIn(EMAIL, 'EMAIL_OTP')).toEqual({
      kind: 'emailOtp',
      session: 's2',
      codeDeliveryDestination: 'a***@e***',
    });
    const select = gatewayOf(() => ({
      ChallengeName: 'SELECT_CHALLENGE',
      Session: 's3',
      AvailableChallenges: ['PASSWORD', 'EMAIL_OTP'],
    }));
    expect(await select.gateway.startSignIn(EMAIL, 'WEB_AUTHN')).toEqual({
      kind: 'select',
      session: 's3',
      available: ['PASSWORD', 'EMAIL_OTP'],
    });
  });

  it('answers tokens, or the next challenge, as the password sign-in does', async () => {
    const tokens = gatewayOf(() => ({
      AuthenticationResult: { AccessToken: ACCESS, IdToken: ID },
    }));
    expect(
      await tokens.gateway.answerChallenge({
        email: EMAIL,
        session: 's',
        answer: { challenge: 'EMAIL_OTP', code: '123456' },
      }),
    ).toEqual({
      kind: 'tokens',
      tokens: {
        accessToken: ACCESS,
        idToken: ID,
        refreshToken: undefined,
        expiresIn: undefined,
      },
      user: USER,
    });
    const totp = gatewayOf(() => ({
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: 'next',
      ChallengeParameters: { USERNAME: 'uuid-user' },
    }));
    expect(
      await totp.gateway.answerChallenge({
        email: EMAIL,
        session: 's',
        answer: { challenge: 'EMAIL_OTP', code: '123456' },
      }),
    ).toEqual({
      kind: 'challenge',
      challenge: 'SOFTWARE_TOKEN_MFA',
      session: 'next',
      username: 'uuid-user',
    });
  });

  it('sends SECRET_HASH of the email on USER_AUTH and on every challenge answer when the client has a secret', async () => {
    const { gateway, sent } = gatewayOf(
      () => ({ ChallengeName: 'EMAIL_OTP', Session: 's' }),
      connectionOf(SECRET),
    );
    await gateway.startSignIn(EMAIL, 'EMAIL_OTP');
    await gateway.selectChallenge({
      email: EMAIL,
      session: 's',
      method: 'EMAIL_OTP',
    });
    await gateway.answerChallenge({
      email: EMAIL,
      session: 's',
      answer: { challenge: 'EMAIL_OTP', code: '123456' },
    });
    await gateway.answerChallenge({
      email: EMAIL,
      session: 's',
      answer: { challenge: 'WEB_AUTHN', credential: { id: 'c' } },
    });
    expect(
      sent.map(
        (s) =>
          (s.input.AuthParameters ?? s.input.ChallengeResponses).SECRET_HASH,
      ),
    ).toEqual(Array(4).fill(expectedHash(EMAIL)));
    expect(sent[1].input).toMatchObject({
      ChallengeName: 'SELECT_CHALLENGE',
      ChallengeResponses: { USERNAME: EMAIL, ANSWER: 'EMAIL_OTP' },
    });
    expect(sent[3].input.ChallengeResponses.CREDENTIAL).toBe('{"id":"c"}');
  });

  it('sends no SECRET_HASH for a client without a secret', async () => {
    const { gateway, sent } = gatewayOf(() => ({
      ChallengeName: 'EMAIL_OTP',
      Session: 's',
    }));
    await gateway.answerChallenge({
      email: EMAIL,
      session: 's',
      answer: { challenge: 'EMAIL_OTP', code: '1' },
    });
    expect(sent[0].input.ChallengeResponses).not.toHaveProperty('SECRET_HASH');
  });

  it('maps a refused passkey, code or session to 401 INVALID_CREDENTIALS', async () => {
    for (const name of [
      'NotAuthorizedException',
      'CodeMismatchException',
      'ExpiredCodeException',
    ]) {
      const { gateway } = gatewayOf(() => sdkError(name));
      const error = await rejectionOf(
        gateway.answerChallenge({
          email: EMAIL,
          session: 's',
          answer: { challenge: 'EMAIL_OTP', code: '1' },
        }),
      );
      expect([error.getStatus(), error.code]).toEqual([
        401,
        'INVALID_CREDENTIALS',
      ]);
    }
  });

  it('maps the passkey operations: unknown passkey 404, refused registration 400, bad token 401', async () => {
    const cases: [() => Promise<unknown>, string, number, string][] = [
      [() => deleting(), 'ResourceNotFoundException', 404, 'NOT_FOUND'],
      [
        () => completing(),
        'WebAuthnRelyingPartyMismatchException',
        400,
        'VALIDATION_FAILED',
      ],
      [
        () => completing(),
        'WebAuthnChallengeNotFoundException',
        400,
        'VALIDATION_FAILED',
      ],
      [() => listing(), 'NotAuthorizedException', 401, 'UNAUTHORIZED'],
    ];
    let gateway: PasswordlessGateway;
    const deleting = () => gateway.deletePasskey(ACCESS, 'id');
    const completing = () =>
      gateway.completePasskeyRegistration(ACCESS, { id: 'c' });
    const listing = () => gateway.listPasskeys(ACCESS);
    for (const [call, name, status, code] of cases) {
      gateway = gatewayOf(() => sdkError(name)).gateway;
      const error = await rejectionOf(call());
      expect([name, error.getStatus(), error.code]).toEqual([
        name,
        status,
        code,
      ]);
    }
  });

  it('answers 500 naming ALLOW_USER_AUTH in the logged cause when the client lacks the flow', async () => {
    const { gateway } = gatewayOf(() =>
      sdkError(
        'InvalidParameterException',
        'USER_AUTH flow not enabled for this client',
      ),
    );
    const error = await rejectionOf(gateway.startSignIn(EMAIL, 'EMAIL_OTP'));
    expect([error.getStatus(), error.code]).toEqual([500, 'INTERNAL']);
    expect((error.cause as Error).message).toContain('enable ALLOW_USER_AUTH');
  });

  it('answers 503 when Cognito cannot be reached, or its WEB_AUTHN options cannot be read', async () => {
    const unreachable = gatewayOf(() =>
      Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }),
    );
    expect(
      (await rejectionOf(unreachable.gateway.getAuthFactors(ACCESS))).code,
    ).toBe('IDP_UNAVAILABLE');
    const garbled = gatewayOf(() => ({
      ChallengeName: 'WEB_AUTHN',
      Session: 's',
      ChallengeParameters: { CREDENTIAL_REQUEST_OPTIONS: 'not json' },
    }));
    expect(
      (await rejectionOf(garbled.gateway.startSignIn(EMAIL, 'WEB_AUTHN'))).code,
    ).toBe('IDP_UNAVAILABLE');
  });

  it('lists passkeys in the app words, every page, and reads the auth factors', async () => {
    const created = new Date('2026-12-06T10:00:00Z');
    const { gateway, sent } = gatewayOf((command, input) => {
      if (command === 'GetUserAuthFactors') {
        return {
          Username: 'uuid-user',
          ConfiguredUserAuthFactors: ['PASSWORD', 'WEB_AUTHN'],
          UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
          PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
        };
      }
      const page = input.NextToken ? 2 : 1;
      return {
        Credentials: [
          {
            CredentialId: `c${page}`,
            FriendlyCredentialName: `Passkey ${page}`,
            RelyingPartyId: 'localhost',
            AuthenticatorAttachment: 'platform',
            AuthenticatorTransports: ['internal'],
            CreatedAt: created,
          },
        ],
        ...(page === 1 ? { NextToken: 'n' } : {}),
      };
    });
    expect(await gateway.listAllPasskeys(ACCESS)).toEqual([
      {
        id: 'c1',
        name: 'Passkey 1',
        createdAt: '2026-12-06T10:00:00.000Z',
        relyingPartyId: 'localhost',
        authenticatorAttachment: 'platform',
        transports: ['internal'],
      },
      expect.objectContaining({ id: 'c2' }),
    ]);
    expect(sent.map((s) => s.input.NextToken)).toEqual([undefined, 'n']);
    expect(await gateway.getAuthFactors(ACCESS)).toEqual({
      username: 'uuid-user',
      factors: ['PASSWORD', 'WEB_AUTHN'],
      preferredMfa: 'SOFTWARE_TOKEN_MFA',
      mfaMethods: ['SOFTWARE_TOKEN_MFA'],
    });
  });
});
