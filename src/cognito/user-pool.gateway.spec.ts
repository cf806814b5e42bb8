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
  gatewayOf,
  ok,
  rejectionOf,
  stubCognito,
} from '../../test/support/cognito-stub.js';

const TOKENS = {
  AccessToken: ACCESS,
  IdToken: ID,
  RefreshToken: REFRESH,
  ExpiresIn: 3600,
  TokenType: 'Bearer',
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('UserPoolGateway: what each method sends and answers', () => {
  describe('signUp', () => {
    it('sends SignUp with the email as Username and the email and name attributes, and answers the new user', async () => {
      const sent = stubCognito(() =>
        ok({
          UserSub: 'uuid-user',
          UserConfirmed: false,
          CodeDeliveryDetails: { Destination: 'a***@e***' },
        }),
      );
      const result = await gatewayOf().signUp({
        email: EMAIL,
        password: 'Secret-123',
        name: 'Ash',
      });
      expect(sent.map((request) => request.operation)).toEqual(['SignUp']);
      expect(sent[0].body).toEqual({
        ClientId: CLIENT_ID,
        Username: EMAIL,
        Password: 'Secret-123',
        UserAttributes: [
          { Name: 'email', Value: EMAIL },
          { Name: 'name', Value: 'Ash' },
        ],
      });
      expect(result).toEqual({
        userSub: 'uuid-user',
        userConfirmed: false,
        codeDeliveryDestination: 'a***@e***',
      });
    });

    it('adds the SecretHash of the email when the app client has a secret', async () => {
      const sent = stubCognito(() =>
        ok({ UserSub: 'uuid-user', UserConfirmed: false }),
      );
      const result = await gatewayOf({ secret: SECRET }).signUp({
        email: EMAIL,
        password: 'Secret-123',
        name: 'Ash',
      });
      expect(sent[0].body.SecretHash).toBe(EMAIL_HASH_LITERAL);
      expect(result.codeDeliveryDestination).toBeUndefined();
    });
  });

  it('confirmSignUp sends ConfirmSignUp with the code', async () => {
    const sent = stubCognito();
    await expect(
      gatewayOf().confirmSignUp(EMAIL, '123456'),
    ).resolves.toBeUndefined();
    expect(sent.map((request) => [request.operation, request.body])).toEqual([
      [
        'ConfirmSignUp',
        { ClientId: CLIENT_ID, Username: EMAIL, ConfirmationCode: '123456' },
      ],
    ]);
  });

  it('resendConfirmationCode sends ResendConfirmationCode for the email', async () => {
    const sent = stubCognito(() =>
      ok({ CodeDeliveryDetails: { Destination: 'a***@e***' } }),
    );
    await expect(
      gatewayOf().resendConfirmationCode(EMAIL),
    ).resolves.toBeUndefined();
    expect(sent.map((request) => [request.operation, request.body])).toEqual([
      ['ResendConfirmationCode', { ClientId: CLIENT_ID, Username: EMAIL }],
    ]);
  });

  describe('passwordAuth with USER_PASSWORD_AUTH', () => {
    it('sends one InitiateAuth USER_PASSWORD_AUTH (no SRP) and answers the tokens', async () => {
      const sent = stubCognito(() => ok({ AuthenticationResult: TOKENS }));
      const result = await gatewayOf().passwordAuth(EMAIL, 'Secret-123');
      expect(sent.map((request) => [request.operation, request.body])).toEqual([
        [
          'InitiateAuth',
          {
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: CLIENT_ID,
            AuthParameters: { USERNAME: EMAIL, PASSWORD: 'Secret-123' },
          },
        ],
      ]);
      expect(result).toEqual({
        kind: 'tokens',
        tokens: {
          accessToken: ACCESS,
          idToken: ID,
          refreshToken: REFRESH,
          expiresIn: 3600,
        },
        user: USER,
      });
    });

    it('answers a challenge with its name and session', async () => {
      stubCognito(() =>
        ok({
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          ChallengeParameters: {},
          Session: 'sess-from-login',
        }),
      );
      await expect(
        gatewayOf().passwordAuth(EMAIL, 'Temp-1!aa'),
      ).resolves.toEqual({
        kind: 'challenge',
        challenge: 'NEW_PASSWORD_REQUIRED',
        session: 'sess-from-login',
      });
    });

    it('keeps expiresIn unset when Cognito sends no ExpiresIn (the emulator)', async () => {
      stubCognito(() =>
        ok({ AuthenticationResult: { AccessToken: ACCESS, IdToken: ID } }),
      );
      const result = await gatewayOf().passwordAuth(EMAIL, 'Secret-123');
      expect(result).toEqual({
        kind: 'tokens',
        tokens: { accessToken: ACCESS, idToken: ID },
        user: USER,
      });
    });
  });

  describe('respondToChallenge', () => {
    it('sends the session exactly as given, the challenge name, the email as USERNAME and the new password', async () => {
      const session = '  AYABeC+/=opaque-session with spaces\n';
      const sent = stubCognito(() => ok({ AuthenticationResult: TOKENS }));
      const result = await gatewayOf().respondToChallenge({
        email: EMAIL,
        session,
        answer: { challenge: 'NEW_PASSWORD_REQUIRED', newPassword: 'New-1!' },
      });
      expect(sent.map((request) => [request.operation, request.body])).toEqual([
        [
          'RespondToAuthChallenge',
          {
            ClientId: CLIENT_ID,
            ChallengeName: 'NEW_PASSWORD_REQUIRED',
            Session: session,
            ChallengeResponses: { USERNAME: EMAIL, NEW_PASSWORD: 'New-1!' },
          },
        ],
      ]);
      expect(result).toMatchObject({
        kind: 'tokens',
        tokens: { accessToken: ACCESS, refreshToken: REFRESH },
      });
    });

    it('sends SOFTWARE_TOKEN_MFA_CODE (and no NEW_PASSWORD) for a TOTP challenge', async () => {
      const sent = stubCognito(() => ok({ AuthenticationResult: TOKENS }));
      await gatewayOf().respondToChallenge({
        email: EMAIL,
        session: 'mfa-session-1',
        answer: { challenge: 'SOFTWARE_TOKEN_MFA', code: '123456' },
      });
      expect(sent[0].body.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
      expect(sent[0].body.Session).toBe('mfa-session-1');
      expect(sent[0].body.ChallengeResponses).toEqual({
        USERNAME: EMAIL,
        SOFTWARE_TOKEN_MFA_CODE: '123456',
      });
    });

    it('answers a further challenge with its name and the new session', async () => {
      stubCognito(() =>
        ok({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'next-session' }),
      );
      await expect(
        gatewayOf().respondToChallenge({
          email: EMAIL,
          session: 'first-session',
          answer: { challenge: 'NEW_PASSWORD_REQUIRED', newPassword: 'N-1!' },
        }),
      ).resolves.toEqual({
        kind: 'challenge',
        challenge: 'SOFTWARE_TOKEN_MFA',
        session: 'next-session',
      });
    });
  });

  describe('refresh', () => {
    it('sends REFRESH_TOKEN_AUTH with the token and no SECRET_HASH when the client has no secret', async () => {
      const sent = stubCognito(() =>
        ok({ AuthenticationResult: { AccessToken: ACCESS, IdToken: ID } }),
      );
      const result = await gatewayOf().refresh({ refreshToken: 'refresh-1' });
      expect(sent.map((request) => [request.operation, request.body])).toEqual([
        [
          'InitiateAuth',
          {
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            ClientId: CLIENT_ID,
            AuthParameters: { REFRESH_TOKEN: 'refresh-1' },
          },
        ],
      ]);
      // An https-less endpoint is an emulator: but 'refresh-1' is no JWT,
      // so the session start is the tokens' auth_time.
      expect(result).toEqual({
        kind: 'tokens',
        tokens: { accessToken: ACCESS, idToken: ID },
        user: USER,
      });
    });

    it('with a client secret and a username sends the SECRET_HASH of the username', async () => {
      const sent = stubCognito(() => ok({ AuthenticationResult: TOKENS }));
      await gatewayOf({ secret: SECRET }).refresh({
        refreshToken: 'refresh-1',
        username: EMAIL,
      });
      expect(sent[0].body.AuthParameters).toEqual({
        REFRESH_TOKEN: 'refresh-1',
        SECRET_HASH: EMAIL_HASH_LITERAL,
      });
    });

    it('with a client secret and no username answers 400 VALIDATION_FAILED naming username, without calling Cognito', async () => {
      const sent = stubCognito();
      const error = await rejectionOf(
        gatewayOf({ secret: SECRET }).refresh({ refreshToken: 'refresh-1' }),
      );
      expect(error.getStatus()).toBe(HttpStatus.BAD_REQUEST);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.messages).toEqual([
        'username is required: the app client has a secret, and SECRET_HASH needs the internal username (the login answer has it)',
      ]);
      expect(sent).toEqual([]);
    });

    it('answers the challenge when Cognito asks for one on refresh', async () => {
      stubCognito(() =>
        ok({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 's' }),
      );
      await expect(
        gatewayOf().refresh({ refreshToken: 'refresh-1' }),
      ).resolves.toEqual({
        kind: 'challenge',
        challenge: 'SOFTWARE_TOKEN_MFA',
        session: 's',
      });
    });
  });

  it.each([
    ['without a client secret', undefined, {}],
    ['with a client secret', SECRET, { ClientSecret: SECRET }],
  ])(
    'revokeRefreshToken sends RevokeToken for the token (%s)',
    async (_label, secret, added) => {
      const sent = stubCognito();
      await expect(
        gatewayOf({ secret }).revokeRefreshToken('refresh-1'),
      ).resolves.toBeUndefined();
      expect(sent.map((request) => [request.operation, request.body])).toEqual([
        ['RevokeToken', { ClientId: CLIENT_ID, Token: 'refresh-1', ...added }],
      ]);
    },
  );

  describe('getUser', () => {
    it('sends GetUser with the access token and answers the profile', async () => {
      const sent = stubCognito(() =>
        ok({
          Username: 'uuid-user',
          UserAttributes: [
            { Name: 'sub', Value: 'uuid-user' },
            { Name: 'email', Value: EMAIL },
            { Name: 'name', Value: 'Ash Ketchum' },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'custom:trainer_id', Value: '42' },
          ],
          PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
          UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
        }),
      );
      const profile = await gatewayOf().getUser(ACCESS);
      expect(sent.map((request) => [request.operation, request.body])).toEqual([
        ['GetUser', { AccessToken: ACCESS }],
      ]);
      expect(profile).toEqual({
        username: 'uuid-user',
        sub: 'uuid-user',
        email: EMAIL,
        name: 'Ash Ketchum',
        emailVerified: true,
        attributes: {
          sub: 'uuid-user',
          email: EMAIL,
          name: 'Ash Ketchum',
          email_verified: 'true',
          'custom:trainer_id': '42',
        },
        preferredMfa: 'SOFTWARE_TOKEN_MFA',
        mfaMethods: ['SOFTWARE_TOKEN_MFA'],
      });
    });

    it("answers email_verified 'false' as false, and what the pool does not send as absent", async () => {
      stubCognito(() =>
        ok({
          Username: 'uuid-user',
          UserAttributes: [
            { Name: 'email', Value: EMAIL },
            { Name: 'email_verified', Value: 'false' },
          ],
        }),
      );
      const profile = await gatewayOf().getUser(ACCESS);
      expect(profile).toMatchObject({ emailVerified: false, mfaMethods: [] });
      expect(profile.name).toBeUndefined();
      expect(profile.sub).toBeUndefined();
      expect(profile.preferredMfa).toBeUndefined();
    });

    it('reads an attribute named after an Object.prototype member as an attribute, and the first of a repeated one', async () => {
      stubCognito(() =>
        ok({
          Username: 'u',
          UserAttributes: [
            { Name: 'constructor', Value: 'x' },
            { Name: 'email', Value: 'first@example.com' },
            { Name: 'email', Value: 'second@example.com' },
          ],
        }),
      );
      const profile = await gatewayOf().getUser(ACCESS);
      expect(profile.attributes).toEqual({
        constructor: 'x',
        email: 'first@example.com',
      });
      expect(profile.email).toBe('first@example.com');
    });
  });

  it('changePassword sends ChangePassword with the access token and both passwords', async () => {
    const sent = stubCognito();
    await gatewayOf().changePassword({
      accessToken: ACCESS,
      previousPassword: 'Old-pass-1!',
      proposedPassword: 'New-pass-2!',
    });
    expect(sent.map((request) => [request.operation, request.body])).toEqual([
      [
        'ChangePassword',
        {
          AccessToken: ACCESS,
          PreviousPassword: 'Old-pass-1!',
          ProposedPassword: 'New-pass-2!',
        },
      ],
    ]);
  });

  it('forgotPassword sends ForgotPassword for the email', async () => {
    const sent = stubCognito();
    await expect(gatewayOf().forgotPassword(EMAIL)).resolves.toBeUndefined();
    expect(sent.map((request) => [request.operation, request.body])).toEqual([
      ['ForgotPassword', { ClientId: CLIENT_ID, Username: EMAIL }],
    ]);
  });

  it('confirmForgotPassword sends ConfirmForgotPassword with the code and the new password', async () => {
    const sent = stubCognito();
    await gatewayOf().confirmForgotPassword({
      email: EMAIL,
      code: '123456',
      newPassword: 'New-pass-2!',
    });
    expect(sent.map((request) => [request.operation, request.body])).toEqual([
      [
        'ConfirmForgotPassword',
        {
          ClientId: CLIENT_ID,
          Username: EMAIL,
          ConfirmationCode: '123456',
          Password: 'New-pass-2!',
        },
      ],
    ]);
  });

  it('associateSoftwareToken sends AssociateSoftwareToken and answers the secret', async () => {
    const sent = stubCognito(() =>
      ok({ SecretCode: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }),
    );
    await expect(gatewayOf().associateSoftwareToken(ACCESS)).resolves.toBe(
      'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    );
    expect(sent.map((request) => [request.operation, request.body])).toEqual([
      ['AssociateSoftwareToken', { AccessToken: ACCESS }],
    ]);
  });

  it.each([
    ['SUCCESS', true],
    ['ERROR', false],
  ])(
    'verifySoftwareToken sends VerifySoftwareToken and answers Status %s as %s',
    async (status, verified) => {
      const sent = stubCognito(() => ok({ Status: status }));
      await expect(
        gatewayOf().verifySoftwareToken({
          accessToken: ACCESS,
          code: '123456',
          deviceName: 'nest-cognito-auth',
        }),
      ).resolves.toBe(verified);
      expect(sent.map((request) => [request.operation, request.body])).toEqual([
        [
          'VerifySoftwareToken',
          {
            AccessToken: ACCESS,
            UserCode: '123456',
            FriendlyDeviceName: 'nest-cognito-auth',
          },
        ],
      ]);
    },
  );

  it('setTotpPreference sends SetUserMFAPreference with the TOTP settings', async () => {
    const sent = stubCognito();
    await gatewayOf().setTotpPreference(ACCESS, {
      enabled: true,
      preferred: true,
    });
    expect(sent.map((request) => [request.operation, request.body])).toEqual([
      [
        'SetUserMFAPreference',
        {
          AccessToken: ACCESS,
          SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
        },
      ],
    ]);
  });
});
