import { HttpStatus } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import type { AuthFlow } from '../config/env.validation.js';
import { ApiException } from '../common/errors/api-exception.js';
import type { CognitoPool } from './cognito-pool.js';
import { CognitoClient, type CognitoOperation } from './cognito.client.js';

const ENDPOINT = 'http://cognito.test';
const CLIENT_ID = 'client123';
const SECRET = 'topsecret';
const EMAIL = 'ash@example.com';
/** Base64(HMAC-SHA256('topsecret', 'ash@example.com' + 'client123')), computed once with openssl. */
const EMAIL_HASH_LITERAL = 'JEjPj8yd5TqIdSErNoxBdPj0/l3TZDhnNCWFGGHIr6o=';
/** TIMEOUT_MS in cognito.client.ts. */
const CLIENT_TIMEOUT_MS = 5000;

type Json = Record<string, any>;

interface SentRequest {
  url: string;
  operation: string;
  target: string | undefined;
  body: Json;
}

function connectionOf(
  clientSecret?: string,
  authFlow: AuthFlow = 'USER_PASSWORD_AUTH',
): CognitoPool {
  return {
    mode: 'aws',
    userPoolId: 'us-east-1_Test',
    clientId: CLIENT_ID,
    clientSecret,
    endpoint: ENDPOINT,
    region: 'us-east-1',
    issuer: `${ENDPOINT}/us-east-1_Test`,
    jwksUri: `${ENDPOINT}/us-east-1_Test/.well-known/jwks.json`,
    authFlow,
  };
}

/** SECRET_HASH computed here, independently of the class under test. */
function expectedHash(username: string, secret = SECRET): string {
  return createHmac('sha256', secret)
    .update(username + CLIENT_ID)
    .digest('base64');
}

function ok(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200 });
}

function cognitoFailure(type: string, message = 'upstream detail'): Response {
  return new Response(JSON.stringify({ __type: type, message }), {
    status: 400,
  });
}

/**
 * Replaces the global fetch the library uses; records every request and
 * answers it with `answer(operation, body)` (an empty 200 by default).
 */
function stubCognito(
  answer: (
    operation: string,
    body: Json,
  ) => Response | Promise<Response> = () => ok({}),
): SentRequest[] {
  const sent: SentRequest[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string | URL, init?: RequestInit) => {
      const headers = (init?.headers ?? {}) as Record<string, string>;
      const target = headers['X-Amz-Target'];
      const operation = (target ?? '').replace(
        'AWSCognitoIdentityProviderService.',
        '',
      );
      const body = JSON.parse(init?.body as string) as Json;
      sent.push({ url: String(url), operation, target, body });
      return Promise.resolve(answer(operation, body));
    }),
  );
  return sent;
}

async function rejectionOf(promise: Promise<unknown>): Promise<ApiException> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiException);
    return error as ApiException;
  }
  throw new Error('expected the promise to reject');
}

function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JWT-shaped token (not signed: the library only reads its payload). */
function jwt(payload: Json): string {
  return `${part({ alg: 'RS256', kid: 'k1' })}.${part(payload)}.c2lnbmF0dXJl`;
}

const NOW = Math.floor(Date.now() / 1000);
const ACCESS = jwt({
  sub: 'uuid-user',
  token_use: 'access',
  client_id: CLIENT_ID,
  iat: NOW,
  exp: NOW + 3600,
});
const ID = jwt({
  sub: 'uuid-user',
  token_use: 'id',
  aud: CLIENT_ID,
  email: EMAIL,
  iat: NOW,
  exp: NOW + 3600,
});
const REFRESH = jwt({ token_use: 'refresh', iat: NOW });

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

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('CognitoClient.secretHash', () => {
  it('is Base64(HMAC-SHA256(secret, username + clientId))', () => {
    const client = new CognitoClient(connectionOf(SECRET));
    expect(client.secretHash(EMAIL)).toBe(expectedHash(EMAIL));
    expect(client.secretHash(EMAIL)).toBe(EMAIL_HASH_LITERAL);
  });

  it('depends on the username', () => {
    const client = new CognitoClient(connectionOf(SECRET));
    expect(client.secretHash('misty@example.com')).toBe(
      expectedHash('misty@example.com'),
    );
    expect(client.secretHash('misty@example.com')).not.toBe(EMAIL_HASH_LITERAL);
  });

  it('is undefined when the app client has no secret', () => {
    expect(new CognitoClient(connectionOf()).secretHash(EMAIL)).toBeUndefined();
  });
});

describe('CognitoClient.send over HTTP', () => {
  const TOP_LEVEL: [CognitoOperation, Json][] = [
    [
      'SignUp',
      { ClientId: CLIENT_ID, Username: EMAIL, Password: 'Secret-123' },
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
    const client = new CognitoClient(connectionOf());
    const answer = await client.send('register', 'SignUp', {
      ClientId: CLIENT_ID,
      Username: EMAIL,
    });
    expect(answer).toEqual({ UserSub: 'uuid-user' });
    expect(sent).toHaveLength(1);
    expect(sent[0].url.replace(/\/$/, '')).toBe(ENDPOINT);
    expect(sent[0].target).toBe('AWSCognitoIdentityProviderService.SignUp');
    expect(sent[0].body).toEqual({ ClientId: CLIENT_ID, Username: EMAIL });
  });

  describe('with a client secret', () => {
    it.each(TOP_LEVEL)(
      'sends %s with a top-level SecretHash of its Username',
      async (operation, params) => {
        const sent = stubCognito();
        await new CognitoClient(connectionOf(SECRET)).send(
          'register',
          operation,
          params,
        );
        expect(sent[0].operation).toBe(operation);
        expect(sent[0].body).toEqual({
          ...params,
          SecretHash: EMAIL_HASH_LITERAL,
        });
      },
    );

    it('sends InitiateAuth USER_PASSWORD_AUTH with AuthParameters.SECRET_HASH of USERNAME', async () => {
      const sent = stubCognito();
      await new CognitoClient(connectionOf(SECRET)).send(
        'login',
        'InitiateAuth',
        {
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: CLIENT_ID,
          AuthParameters: { USERNAME: EMAIL, PASSWORD: 'pw' },
        },
      );
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
      await new CognitoClient(connectionOf(SECRET)).send(
        'challenge',
        'RespondToAuthChallenge',
        {
          ClientId: CLIENT_ID,
          ChallengeName: 'SOFTWARE_TOKEN_MFA',
          Session: 'sess-1',
          ChallengeResponses: {
            USERNAME: 'misty@example.com',
            SOFTWARE_TOKEN_MFA_CODE: '123456',
          },
        },
      );
      expect(sent[0].body.ChallengeResponses).toEqual({
        USERNAME: 'misty@example.com',
        SOFTWARE_TOKEN_MFA_CODE: '123456',
        SECRET_HASH: expectedHash('misty@example.com'),
      });
      expect(sent[0].body.Session).toBe('sess-1');
    });

    it('sends RevokeToken with the ClientSecret', async () => {
      const sent = stubCognito();
      await new CognitoClient(connectionOf(SECRET)).send(
        'logout',
        'RevokeToken',
        { ClientId: CLIENT_ID, Token: 'refresh-1' },
      );
      expect(sent[0].body).toEqual({
        ClientId: CLIENT_ID,
        Token: 'refresh-1',
        ClientSecret: SECRET,
      });
    });

    it('sends GetUser with nothing added', async () => {
      const sent = stubCognito(() => ok({ Username: 'u', UserAttributes: [] }));
      await new CognitoClient(connectionOf(SECRET)).send('profile', 'GetUser', {
        AccessToken: ACCESS,
      });
      expect(sent[0].body).toEqual({ AccessToken: ACCESS });
    });

    it('keeps a SECRET_HASH given explicitly (refresh) instead of overwriting it', async () => {
      const sent = stubCognito();
      await new CognitoClient(connectionOf(SECRET)).send(
        'refresh',
        'InitiateAuth',
        {
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: CLIENT_ID,
          AuthParameters: {
            REFRESH_TOKEN: 'refresh-1',
            SECRET_HASH: 'given-hash',
          },
        },
      );
      expect(sent[0].body.AuthParameters).toEqual({
        REFRESH_TOKEN: 'refresh-1',
        SECRET_HASH: 'given-hash',
      });
    });

    it('does not change the params object the caller passed', async () => {
      stubCognito();
      const params = { ClientId: CLIENT_ID, Username: EMAIL };
      await new CognitoClient(connectionOf(SECRET)).send(
        'forgotPassword',
        'ForgotPassword',
        params,
      );
      expect(params).toEqual({ ClientId: CLIENT_ID, Username: EMAIL });
    });
  });

  describe('without a client secret', () => {
    it.each(TOP_LEVEL)(
      'sends %s without SecretHash',
      async (operation, params) => {
        const sent = stubCognito();
        await new CognitoClient(connectionOf()).send(
          'register',
          operation,
          params,
        );
        expect(sent[0].body).toEqual(params);
        expect(sent[0].body).not.toHaveProperty('SecretHash');
      },
    );

    it('sends InitiateAuth, RespondToAuthChallenge and RevokeToken with no secret field', async () => {
      const sent = stubCognito();
      const client = new CognitoClient(connectionOf());
      await client.send('login', 'InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: EMAIL, PASSWORD: 'pw' },
      });
      await client.send('challenge', 'RespondToAuthChallenge', {
        ClientId: CLIENT_ID,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: 's',
        ChallengeResponses: { USERNAME: EMAIL, NEW_PASSWORD: 'New-pass-1' },
      });
      await client.send('logout', 'RevokeToken', {
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

  describe('failures', () => {
    it('maps a 400 NotAuthorizedException at login to 401 INVALID_CREDENTIALS', async () => {
      stubCognito(() =>
        cognitoFailure(
          'NotAuthorizedException',
          'Incorrect username or password.',
        ),
      );
      const error = await rejectionOf(
        new CognitoClient(connectionOf()).send('login', 'InitiateAuth', {
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: CLIENT_ID,
          AuthParameters: { USERNAME: EMAIL, PASSWORD: 'wrong' },
        }),
      );
      expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
      expect(error.code).toBe('INVALID_CREDENTIALS');
      expect(error.messages).not.toContain('Incorrect username or password.');
    });

    it('maps the same NotAuthorizedException by flow: refresh 401 UNAUTHORIZED, confirmPassword 400 CODE_MISMATCH', async () => {
      stubCognito(() => cognitoFailure('NotAuthorizedException'));
      const client = new CognitoClient(connectionOf());
      const refresh = await rejectionOf(
        client.send('refresh', 'InitiateAuth', {
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: 'r' },
        }),
      );
      expect(refresh.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
      expect(refresh.code).toBe('UNAUTHORIZED');
      const confirm = await rejectionOf(
        client.send('confirmPassword', 'ConfirmForgotPassword', {
          Username: EMAIL,
        }),
      );
      expect(confirm.getStatus()).toBe(HttpStatus.BAD_REQUEST);
      expect(confirm.code).toBe('CODE_MISMATCH');
    });

    it('reads a namespaced __type (com.amazonaws...#Name)', async () => {
      stubCognito(() =>
        cognitoFailure(
          'com.amazonaws.cognito.identity.idp.model#UserNotConfirmedException',
        ),
      );
      const error = await rejectionOf(
        new CognitoClient(connectionOf()).send('login', 'InitiateAuth', {}),
      );
      expect(error.getStatus()).toBe(HttpStatus.FORBIDDEN);
      expect(error.code).toBe('USER_NOT_CONFIRMED');
    });

    it('keeps the Cognito error as cause', async () => {
      stubCognito(() => cognitoFailure('CodeMismatchException'));
      const error = await rejectionOf(
        new CognitoClient(connectionOf()).send(
          'confirmRegistration',
          'ConfirmSignUp',
          { Username: EMAIL },
        ),
      );
      expect(error.cause).toMatchObject({ name: 'CodeMismatchException' });
    });

    it('answers 503 IDP_UNAVAILABLE when fetch rejects (network error)', async () => {
      vi.stubGlobal(
        'fetch',
        vi.fn(() => Promise.reject(new TypeError('fetch failed'))),
      );
      const error = await rejectionOf(
        new CognitoClient(connectionOf()).send('login', 'InitiateAuth', {}),
      );
      expect(error.getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
      expect(error.code).toBe('IDP_UNAVAILABLE');
    });

    it('answers 503 IDP_UNAVAILABLE for an error answer without a JSON body (a proxy 502 page)', async () => {
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
      const error = await rejectionOf(
        new CognitoClient(connectionOf()).send('login', 'InitiateAuth', {}),
      );
      expect(error.getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
      expect(error.code).toBe('IDP_UNAVAILABLE');
      expect(error.cause).toMatchObject({ name: 'UnreadableResponseError' });
    });

    it('answers 503 IDP_UNAVAILABLE when Cognito never answers, after the timeout and not before', async () => {
      vi.useFakeTimers();
      const fetch = vi.fn(() => new Promise<Response>(() => undefined));
      vi.stubGlobal('fetch', fetch);
      let outcome: unknown = 'pending';
      void new CognitoClient(connectionOf())
        .send('login', 'InitiateAuth', {})
        .then(
          () => (outcome = 'resolved'),
          (error: unknown) => (outcome = error),
        );
      expect(fetch).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(CLIENT_TIMEOUT_MS - 1);
      expect(outcome).toBe('pending');
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome).toBeInstanceOf(ApiException);
      expect((outcome as ApiException).getStatus()).toBe(
        HttpStatus.SERVICE_UNAVAILABLE,
      );
      expect((outcome as ApiException).code).toBe('IDP_UNAVAILABLE');
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
      const outcome = new CognitoClient(connectionOf())
        .send('profile', 'GetUser', { AccessToken: ACCESS })
        .then(
          () => 'resolved',
          (error: unknown) => error,
        );
      await vi.advanceTimersByTimeAsync(CLIENT_TIMEOUT_MS);
      answer(ok({ Username: 'late' }));
      await vi.advanceTimersByTimeAsync(0);
      const settled = await outcome;
      expect(settled).toBeInstanceOf(ApiException);
      expect((settled as ApiException).code).toBe('IDP_UNAVAILABLE');
    });

    it('leaves no timer behind once Cognito has answered', async () => {
      vi.useFakeTimers();
      stubCognito(() => ok({}));
      await new CognitoClient(connectionOf()).send('profile', 'GetUser', {});
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});

describe('CognitoClient.authenticateSrp (USER_SRP_AUTH, which the emulator cannot run)', () => {
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

  it.each([
    ['with a client secret', SECRET],
    ['without a client secret', undefined],
  ])(
    'sends SRP_A, then the PASSWORD_VERIFIER answer for USER_ID_FOR_SRP, and resolves the tokens (%s)',
    async (_label, secret) => {
      const sent = srpCognito(() => ok({ AuthenticationResult: TOKENS }));
      const client = new CognitoClient(connectionOf(secret, 'USER_SRP_AUTH'));

      const result = await client.authenticateSrp(EMAIL, 'Secret-123');

      expect(result).toEqual({
        AuthenticationResult: {
          AccessToken: ACCESS,
          IdToken: ID,
          RefreshToken: REFRESH,
        },
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
    const client = new CognitoClient(connectionOf(undefined, 'USER_SRP_AUTH'));
    const error = await rejectionOf(client.authenticateSrp(EMAIL, 'wrong'));
    expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
    expect(error.code).toBe('INVALID_CREDENTIALS');
  });

  it('rejects with 401 INVALID_CREDENTIALS when InitiateAuth itself is refused (unknown user)', async () => {
    const sent = stubCognito(() => cognitoFailure('UserNotFoundException'));
    const client = new CognitoClient(connectionOf(undefined, 'USER_SRP_AUTH'));
    const error = await rejectionOf(client.authenticateSrp(EMAIL, 'pw'));
    expect(error.code).toBe('INVALID_CREDENTIALS');
    expect(sent).toHaveLength(1);
  });

  it('resolves a SOFTWARE_TOKEN_MFA challenge after the verifier with the session Cognito sent', async () => {
    srpCognito(() =>
      ok({
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        ChallengeParameters: {},
        Session: 'mfa-session-from-cognito',
      }),
    );
    const client = new CognitoClient(connectionOf(SECRET, 'USER_SRP_AUTH'));
    await expect(client.authenticateSrp(EMAIL, 'Secret-123')).resolves.toEqual({
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: 'mfa-session-from-cognito',
    });
  });

  it('resolves a NEW_PASSWORD_REQUIRED challenge after the verifier with the session Cognito sent', async () => {
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
    const client = new CognitoClient(connectionOf(undefined, 'USER_SRP_AUTH'));
    await expect(client.authenticateSrp(EMAIL, 'Temp-pass-1')).resolves.toEqual(
      {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: 'new-password-session',
      },
    );
  });
});
