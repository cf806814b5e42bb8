import {
  ACCESS,
  CLIENT_ID,
  EMAIL,
  EMAIL_HASH_LITERAL,
  ENDPOINT,
  SECRET,
  clientOf,
  cognitoFailure,
  configOf,
  connectionOf,
  errorOf,
  expectedHash,
  ok,
  stubCognito,
  type Json,
} from '../../test/support/cognito-stub.js';
import type { UserPoolOperation } from './user-pool.wire.js';

/** A timeout no default has, so the configured one is seen to be used. */
const TIMEOUT_MS = 1234;

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('UserPoolClient.secretHash', () => {
  it('is Base64(HMAC-SHA256(secret, username + clientId))', () => {
    const client = clientOf(connectionOf(SECRET));
    expect(client.secretHash(EMAIL)).toBe(expectedHash(EMAIL));
    expect(client.secretHash(EMAIL)).toBe(EMAIL_HASH_LITERAL);
    expect(client.hasSecret).toBe(true);
  });

  it('depends on the username', () => {
    const client = clientOf(connectionOf(SECRET));
    expect(client.secretHash('misty@example.com')).toBe(
      expectedHash('misty@example.com'),
    );
    expect(client.secretHash('misty@example.com')).not.toBe(EMAIL_HASH_LITERAL);
  });

  it('is undefined when the app client has no secret', () => {
    const client = clientOf(connectionOf());
    expect(client.secretHash(EMAIL)).toBeUndefined();
    expect(client.hasSecret).toBe(false);
  });
});

describe('UserPoolClient.send over HTTP', () => {
  const TOP_LEVEL: [UserPoolOperation, Json][] = [
    [
      'SignUp',
      {
        ClientId: CLIENT_ID,
        Username: EMAIL,
        Password: 'Secret-123',
        UserAttributes: [],
      },
    ],
    [
      'ConfirmSignUp',
      { ClientId: CLIENT_ID, Username: EMAIL, ConfirmationCode: '123456' },
    ],
    ['ResendConfirmationCode', { ClientId: CLIENT_ID, Username: EMAIL }],
    ['ForgotPassword', { ClientId: CLIENT_ID, Username: EMAIL }],
    [
      'ConfirmForgotPassword',
      {
        ClientId: CLIENT_ID,
        Username: EMAIL,
        ConfirmationCode: '123456',
        Password: 'Secret-123',
      },
    ],
  ];

  it('posts to the endpoint with the operation in X-Amz-Target and the params as JSON', async () => {
    const sent = stubCognito(() => ok({ UserSub: 'uuid-user' }));
    const client = clientOf(connectionOf());
    const answer = await client.send('ForgotPassword', {
      ClientId: CLIENT_ID,
      Username: EMAIL,
    });
    expect(answer).toEqual({ UserSub: 'uuid-user' });
    expect(sent).toHaveLength(1);
    expect(sent[0].url.replace(/\/$/, '')).toBe(ENDPOINT);
    expect(sent[0].target).toBe(
      'AWSCognitoIdentityProviderService.ForgotPassword',
    );
    expect(sent[0].body).toEqual({ ClientId: CLIENT_ID, Username: EMAIL });
  });

  describe('with a client secret', () => {
    it.each(TOP_LEVEL)(
      'sends %s with a top-level SecretHash of its Username',
      async (operation, params) => {
        const sent = stubCognito();
        await clientOf(connectionOf(SECRET)).send(operation, params as never);
        expect(sent[0].operation).toBe(operation);
        expect(sent[0].body).toEqual({
          ...params,
          SecretHash: EMAIL_HASH_LITERAL,
        });
      },
    );

    it('sends InitiateAuth USER_PASSWORD_AUTH with AuthParameters.SECRET_HASH of USERNAME', async () => {
      const sent = stubCognito();
      await clientOf(connectionOf(SECRET)).send('InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: EMAIL, PASSWORD: 'pw' },
      });
      expect(sent[0].body).toEqual({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: {
          USERNAME: EMAIL,
          PASSWORD: 'pw',
          SECRET_HASH: EMAIL_HASH_LITERAL,
        },
      });
      expect(sent[0].body.SecretHash).toBeUndefined();
    });

    it('sends RespondToAuthChallenge with ChallengeResponses.SECRET_HASH of its USERNAME', async () => {
      const sent = stubCognito();
      await clientOf(connectionOf(SECRET)).send('RespondToAuthChallenge', {
        ClientId: CLIENT_ID,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: 'sess-1',
        ChallengeResponses: {
          USERNAME: 'misty@example.com',
          SOFTWARE_TOKEN_MFA_CODE: '123456',
        },
      });
      expect(sent[0].body.ChallengeResponses).toEqual({
        USERNAME: 'misty@example.com',
        SOFTWARE_TOKEN_MFA_CODE: '123456',
        SECRET_HASH: expectedHash('misty@example.com'),
      });
      expect(sent[0].body.Session).toBe('sess-1');
    });

    it('sends RevokeToken with the ClientSecret', async () => {
      const sent = stubCognito();
      await clientOf(connectionOf(SECRET)).send('RevokeToken', {
        ClientId: CLIENT_ID,
        Token: 'refresh-1',
      });
      expect(sent[0].body).toEqual({
        ClientId: CLIENT_ID,
        Token: 'refresh-1',
        ClientSecret: SECRET,
      });
    });

    it('sends GetUser with nothing added', async () => {
      const sent = stubCognito(() => ok({ Username: 'u', UserAttributes: [] }));
      await clientOf(connectionOf(SECRET)).send('GetUser', {
        AccessToken: ACCESS,
      });
      expect(sent[0].body).toEqual({ AccessToken: ACCESS });
    });

    it('keeps a SECRET_HASH given explicitly (refresh) instead of overwriting it', async () => {
      const sent = stubCognito();
      await clientOf(connectionOf(SECRET)).send('InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: {
          REFRESH_TOKEN: 'refresh-1',
          SECRET_HASH: 'given-hash',
        },
      });
      expect(sent[0].body.AuthParameters).toEqual({
        REFRESH_TOKEN: 'refresh-1',
        SECRET_HASH: 'given-hash',
      });
    });

    it('does not change the params object the caller passed', async () => {
      stubCognito();
      const params = { ClientId: CLIENT_ID, Username: EMAIL };
      await clientOf(connectionOf(SECRET)).send('ForgotPassword', params);
      expect(params).toEqual({ ClientId: CLIENT_ID, Username: EMAIL });
    });
  });

  describe('without a client secret', () => {
    it.each(TOP_LEVEL)(
      'sends %s without SecretHash',
      async (operation, params) => {
        const sent = stubCognito();
        await clientOf(connectionOf()).send(operation, params as never);
        expect(sent[0].body).toEqual(params);
        expect(sent[0].body).not.toHaveProperty('SecretHash');
      },
    );

    it('sends InitiateAuth, RespondToAuthChallenge and RevokeToken with no secret field', async () => {
      const sent = stubCognito();
      const client = clientOf(connectionOf());
      await client.send('InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: EMAIL, PASSWORD: 'pw' },
      });
      await client.send('RespondToAuthChallenge', {
        ClientId: CLIENT_ID,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: 's',
        ChallengeResponses: { USERNAME: EMAIL, NEW_PASSWORD: 'New-pass-1' },
      });
      await client.send('RevokeToken', {
        ClientId: CLIENT_ID,
        Token: 'refresh-1',
      });
      expect(sent.map((request) => request.operation)).toEqual([
        'InitiateAuth',
        'RespondToAuthChallenge',
        'RevokeToken',
      ]);
      expect(sent[0].body.AuthParameters).toEqual({
        USERNAME: EMAIL,
        PASSWORD: 'pw',
      });
      expect(sent[1].body.ChallengeResponses).toEqual({
        USERNAME: EMAIL,
        NEW_PASSWORD: 'New-pass-1',
      });
      expect(sent[2].body).toEqual({ ClientId: CLIENT_ID, Token: 'refresh-1' });
    });
  });

  describe('failures (Cognito words; the gateway maps them)', () => {
    const getUser = (client = clientOf(connectionOf())) =>
      client.send('GetUser', { AccessToken: ACCESS });

    it('rejects with the error Cognito names, its message kept for the log', async () => {
      stubCognito(() =>
        cognitoFailure(
          'NotAuthorizedException',
          'Incorrect username or password.',
        ),
      );
      expect(await errorOf(getUser())).toMatchObject({
        name: 'NotAuthorizedException',
        code: 'NotAuthorizedException',
        message: 'Incorrect username or password.',
      });
    });

    it('reads a namespaced __type (com.amazonaws...#Name)', async () => {
      stubCognito(() =>
        cognitoFailure(
          'com.amazonaws.cognito.identity.idp.model#UserNotConfirmedException',
        ),
      );
      expect(await errorOf(getUser())).toMatchObject({
        code: 'UserNotConfirmedException',
      });
    });

    it('rejects with NetworkError when fetch rejects', async () => {
      vi.stubGlobal(
        'fetch',
        vi.fn(() => Promise.reject(new TypeError('fetch failed'))),
      );
      expect(await errorOf(getUser())).toMatchObject({ code: 'NetworkError' });
    });

    it('rejects with UnreadableResponseError for an error answer without a JSON body (a proxy 502 page)', async () => {
      vi.stubGlobal(
        'fetch',
        vi.fn(() =>
          Promise.resolve(
            new Response('<html><body>502 Bad Gateway</body></html>', {
              status: 502,
              headers: { 'content-type': 'text/html' },
            }),
          ),
        ),
      );
      const error = await errorOf(getUser());
      expect(error).toMatchObject({
        name: 'UnreadableResponseError',
        message: 'GetUser: the answer could not be read',
      });
      expect((error as Error).cause).toBeInstanceOf(TypeError);
    });

    it('rejects with TimeoutError when Cognito has not answered after the configured timeout, and not before', async () => {
      vi.useFakeTimers();
      const fetch = vi.fn(() => new Promise<Response>(() => undefined));
      vi.stubGlobal('fetch', fetch);
      let outcome: unknown = 'pending';
      void getUser(
        clientOf(connectionOf(), configOf({ timeoutMs: TIMEOUT_MS })),
      ).then(
        () => (outcome = 'resolved'),
        (error: unknown) => (outcome = error),
      );
      expect(fetch).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
      expect(outcome).toBe('pending');
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome).toMatchObject({
        name: 'TimeoutError',
        message: `GetUser took longer than ${TIMEOUT_MS} ms`,
      });
    });

    it('ignores an answer that arrives after the timeout', async () => {
      vi.useFakeTimers();
      let answer!: (response: Response) => void;
      vi.stubGlobal(
        'fetch',
        vi.fn(
          () =>
            new Promise<Response>((resolve) => {
              answer = resolve;
            }),
        ),
      );
      const outcome = getUser(
        clientOf(connectionOf(), configOf({ timeoutMs: TIMEOUT_MS })),
      ).then(
        () => 'resolved',
        (error: unknown) => error,
      );
      await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
      answer(ok({ Username: 'late' }));
      await vi.advanceTimersByTimeAsync(0);
      expect(await outcome).toMatchObject({ name: 'TimeoutError' });
    });

    it('leaves no timer behind once Cognito has answered', async () => {
      vi.useFakeTimers();
      stubCognito(() => ok({}));
      await getUser();
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
