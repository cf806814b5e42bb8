import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { startApp, useApp } from './support/app.js';
import { useExternalEmulator } from './support/external-emulator.js';
import {
  createAppClient,
  type CreatedClient,
} from './support/cognito-admin.js';
import { decodeJwt } from './support/forge.js';
import { Http, expectError } from './support/http.js';
import {
  PASSWORD,
  confirmedUser as registerAndConfirm,
  newEmail,
  type Tokens,
} from './support/users.js';

/**
 * An app client WITH a secret: the app must send SECRET_HASH (or, for
 * RevokeToken, the secret itself) on the calls that take one.
 *
 * Does cognito-local check SECRET_HASH? NO. Measured below: an app with a
 * wrong secret, and one with no secret at all, register, log in and refresh
 * against the secret client just as well. (In the package, ClientSecret
 * appears only where CreateUserPoolClient makes it and where responses
 * print it; no target reads SECRET_HASH or SecretHash.) So this spec cannot
 * prove the hash is right by the emulator's answer: a recording proxy
 * between the app and the emulator captures what the app SENDS, and the
 * values are checked against Base64(HMAC-SHA256(secret, username + clientId)).
 */

interface Recorded {
  operation: string;
  body: Record<string, any>;
}

/** Forwards Cognito API calls to `target` and records each one. */
async function recordingProxy(
  target: string,
  calls: Recorded[],
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const operation = String(request.headers['x-amz-target'] ?? '')
        .split('.')
        .pop()!;
      calls.push({ operation, body: raw ? JSON.parse(raw) : {} });
      fetch(`${target}${request.url ?? '/'}`, {
        method: request.method,
        headers: {
          'content-type': String(
            request.headers['content-type'] ?? 'application/x-amz-json-1.1',
          ),
          'x-amz-target': String(request.headers['x-amz-target'] ?? ''),
        },
        body: request.method === 'GET' ? undefined : raw,
      })
        .then(async (answer) => {
          response.writeHead(answer.status, {
            'content-type':
              answer.headers.get('content-type') ?? 'application/json',
          });
          response.end(await answer.text());
        })
        .catch(() => {
          response.writeHead(502);
          response.end();
        });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, server };
}

describe('an app client with a secret (cognito-local run beside the app)', () => {
  const external = useExternalEmulator();
  let client: CreatedClient;
  const calls: Recorded[] = [];
  let proxy: Server;
  let proxyUrl: string;

  const hash = (secret: string, username: string): string =>
    createHmac('sha256', secret)
      .update(username + client.ClientId)
      .digest('base64');

  /** The last call of `operation` the app sent (optionally of one AuthFlow). */
  const lastCall = (operation: string, authFlow?: string): Recorded => {
    const matching = calls.filter(
      (c) =>
        c.operation === operation &&
        (!authFlow || c.body.AuthFlow === authFlow),
    );
    expect(matching.length).toBeGreaterThan(0);
    return matching[matching.length - 1];
  };

  /** Register + confirm (code from the emulator's sender) through `on`. */
  const confirmedUser = async (on: Http, email: string): Promise<void> => {
    await registerAndConfirm(on, email, PASSWORD, {
      name: 'Erika',
      codeOf: (address) => external.codeFor(address),
    });
  };

  const awsEnv = (
    clientSecret: string | undefined,
    endpoint = external.pool.endpoint,
  ): Record<string, string | undefined> =>
    external.awsEnv({
      AWS_COGNITO_CLIENT_ID: client.ClientId,
      AWS_COGNITO_CLIENT_SECRET: clientSecret,
      AWS_COGNITO_ENDPOINT: endpoint,
      // The tokens' issuer is the emulator's own address, not the proxy's.
      AWS_COGNITO_AUTHORITY: `${external.pool.endpoint}/${external.pool.userPoolId}`,
    });

  beforeAll(async () => {
    client = await createAppClient(
      external.pool.endpoint,
      external.pool.userPoolId,
      {
        name: 'with-secret',
        generateSecret: true,
      },
    );
    ({ url: proxyUrl, server: proxy } = await recordingProxy(
      external.pool.endpoint,
      calls,
    ));
  });

  afterAll(async () => {
    await new Promise<void>((done) =>
      proxy ? proxy.close(() => done()) : done(),
    );
  });

  const app = useApp(() => awsEnv(client.ClientSecret, proxyUrl));

  it('has a client secret from CreateUserPoolClient, and the app runs in aws mode with it', () => {
    expect(client.ClientSecret).toEqual(expect.any(String));
    expect(client.ClientSecret!.length).toBeGreaterThan(0);
    expect(app.server.connection).toMatchObject({
      mode: 'aws',
      userPoolId: external.pool.userPoolId,
      clientId: client.ClientId,
      clientSecret: client.ClientSecret,
      issuer: `${external.pool.endpoint}/${external.pool.userPoolId}`,
    });
  });

  describe('the whole session', () => {
    const email = newEmail('secret');
    let tokens: Tokens;

    it('registers (SignUp with SecretHash of the email) and confirms (ConfirmSignUp with SecretHash)', async () => {
      await confirmedUser(app.http, email);
      const secret = client.ClientSecret!;
      expect(lastCall('SignUp').body).toMatchObject({
        ClientId: client.ClientId,
        Username: email,
        SecretHash: hash(secret, email),
      });
      expect(lastCall('ConfirmSignUp').body).toMatchObject({
        Username: email,
        SecretHash: hash(secret, email),
      });
    });

    it('logs in (InitiateAuth with SECRET_HASH) and the tokens work on the guarded route', async () => {
      const answer = await app.http.post<Tokens>('/api/v1/auth/login', {
        email,
        password: PASSWORD,
      });
      expect(answer.status).toBe(200);
      tokens = answer.body;
      expect(decodeJwt(tokens.accessToken).payload.client_id).toBe(
        client.ClientId,
      );
      expect(
        lastCall('InitiateAuth', 'USER_PASSWORD_AUTH').body.AuthParameters,
      ).toEqual({
        USERNAME: email,
        PASSWORD: PASSWORD,
        SECRET_HASH: hash(client.ClientSecret!, email),
      });
      expect(
        (await app.http.get('/api/v1/pokemons?limit=1', tokens.accessToken))
          .status,
      ).toBe(200);
    });

    it('answers the internal username at login (the access token username, the sub here), not the email', () => {
      const username = (tokens as Tokens & { username: string }).username;
      expect(username).toBe(decodeJwt(tokens.accessToken).payload.username);
      expect(username).toBe(decodeJwt(tokens.accessToken).payload.sub);
      expect(username).not.toBe(email);
    });

    it('refreshes with {refreshToken, username}: 200, REFRESH_TOKEN_AUTH with the SECRET_HASH of the username', async () => {
      const username = (tokens as Tokens & { username: string }).username;
      const answer = await app.http.post('/api/v1/auth/refresh', {
        refreshToken: tokens.refreshToken,
        username,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        accessToken: expect.stringMatching(/^ey/),
        idToken: expect.stringMatching(/^ey/),
        expiresIn: expect.any(Number),
        tokenType: 'Bearer',
      });
      expect(
        (
          await app.http.get(
            '/api/v1/pokemons?limit=1',
            answer.body.accessToken,
          )
        ).status,
      ).toBe(200);
      expect(
        lastCall('InitiateAuth', 'REFRESH_TOKEN_AUTH').body.AuthParameters,
      ).toEqual({
        REFRESH_TOKEN: tokens.refreshToken,
        SECRET_HASH: hash(client.ClientSecret!, username),
      });
    });

    it('refreshes with the bearer token alone naming the user: the SECRET_HASH of its username', async () => {
      const answer = await app.http.post(
        '/api/v1/auth/refresh',
        { refreshToken: tokens.refreshToken },
        tokens.idToken,
      );
      expect(answer.status).toBe(200);
      expect(
        lastCall('InitiateAuth', 'REFRESH_TOKEN_AUTH').body.AuthParameters,
      ).toEqual({
        REFRESH_TOKEN: tokens.refreshToken,
        SECRET_HASH: hash(
          client.ClientSecret!,
          String(decodeJwt(tokens.idToken).payload['cognito:username']),
        ),
      });
    });

    it('refuses a refresh with neither username nor bearer token (email is never used): 400 VALIDATION_FAILED naming username, and asks nothing of Cognito', async () => {
      const before = calls.length;
      const answer = await app.http.post('/api/v1/auth/refresh', {
        refreshToken: tokens.refreshToken,
        email,
      });
      expectError(answer, 400, 'VALIDATION_FAILED');
      expect(answer.body.message.join(' ')).toMatch(/username/);
      expect(calls.length).toBe(before);
    });

    it('logs out: 204 (RevokeToken with the client secret), after which the refresh token and the access token are refused', async () => {
      const answer = await app.http.post(
        '/api/v1/auth/logout',
        { refreshToken: tokens.refreshToken },
        tokens.accessToken,
      );
      expect(answer.status).toBe(204);
      expect(lastCall('RevokeToken').body).toEqual({
        ClientId: client.ClientId,
        Token: tokens.refreshToken,
        ClientSecret: client.ClientSecret,
      });
      expectError(
        await app.http.post('/api/v1/auth/refresh', {
          refreshToken: tokens.refreshToken,
          username: (tokens as Tokens & { username: string }).username,
        }),
        401,
        'UNAUTHORIZED',
      );
      expectError(
        await app.http.get('/api/v1/pokemons?limit=1', tokens.accessToken),
        401,
        'UNAUTHORIZED',
      );
    });
  });

  describe('whether cognito-local checks SECRET_HASH', () => {
    it.each<[string, string | undefined]>([
      ['a WRONG secret', 'wrong-secret-0123456789abcdefghij'],
      ['NO secret at all', undefined],
    ])(
      'does not: an app with %s registers, logs in and refreshes against the secret client',
      async (_name, secret) => {
        const other = await startApp(awsEnv(secret));
        try {
          const on = new Http(other.url);
          const email = newEmail('nohashcheck');
          await confirmedUser(on, email);
          const login = await on.post<Tokens>('/api/v1/auth/login', {
            email,
            password: PASSWORD,
          });
          expect(login.status).toBe(200);
          const refreshed = await on.post('/api/v1/auth/refresh', {
            refreshToken: login.body.refreshToken,
            username: (login.body as Tokens & { username: string }).username,
          });
          expect(refreshed.status).toBe(200);
        } finally {
          await other.close();
        }
      },
    );
  });
});
