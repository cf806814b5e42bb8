import { startApp, type TestApp } from '../support/app.js';
import { FAST_POOL } from '../support/fast-app.js';
import { fakeSigningKeys } from '../support/fake-identity-provider.js';
import { Http, expectError } from '../support/http.js';

/**
 * Faults of the app's configuration as real Cognito words them (the
 * emulator checks no secret and enables every flow): the app, on the fast
 * layer, over a user-pool client that answers every InitiateAuth with the
 * fault. Each answer is 500 INTERNAL with one log line naming the fix, and
 * none counts against the user's failed-password limit.
 */

const FAULTS = [
  {
    label: 'a wrong client secret',
    name: 'NotAuthorizedException',
    message: `Unable to verify secret hash for client ${FAST_POOL.clientId}`,
    fix: `AWS_COGNITO_CLIENT_SECRET does not match the secret of app client ${FAST_POOL.clientId}`,
  },
  {
    label: 'a missing client secret',
    name: 'NotAuthorizedException',
    message: `Client ${FAST_POOL.clientId} is configured for secret but secret was not received`,
    fix: `app client ${FAST_POOL.clientId} has a secret: set AWS_COGNITO_CLIENT_SECRET to it`,
  },
  {
    label: 'USER_PASSWORD_AUTH not enabled',
    name: 'InvalidParameterException',
    message: 'USER_PASSWORD_AUTH flow not enabled for this client',
    fix: `enable ALLOW_USER_PASSWORD_AUTH on app client ${FAST_POOL.clientId} or set AWS_COGNITO_AUTH_FLOW=USER_SRP_AUTH`,
  },
];

const LIMIT = 2;

describe.each(FAULTS)('an operator fault: $label', ({ name, message, fix }) => {
  let server: TestApp;
  let http: Http;
  const chunks: string[] = [];
  const lines = (): string[] =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.length > 0);

  beforeAll(async () => {
    server = await startApp(
      {
        AWS_COGNITO_USER_POOL_ID: FAST_POOL.userPoolId,
        AWS_COGNITO_CLIENT_ID: FAST_POOL.clientId,
        AWS_COGNITO_ENDPOINT: FAST_POOL.endpoint,
        AWS_COGNITO_AUTHORITY: FAST_POOL.issuer,
        AUTH_FAILURE_MIN_MS: '0',
        RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL: String(LIMIT),
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
      },
      {
        logDestination: { write: (chunk: string) => void chunks.push(chunk) },
        overrides: async () => {
          const { UserPoolClient } =
            await import('../../src/cognito/user-pool.client.js');
          const fault = () =>
            Object.assign(new Error(message), { name, code: name });
          const client = {
            clientId: FAST_POOL.clientId,
            hasSecret: false,
            rotatesRefreshTokens: false,
            secretHash: () => undefined,
            send: () => Promise.reject(fault()),
            authenticateSrp: () => Promise.reject(fault()),
          };
          return [
            { provide: UserPoolClient, useValue: client },
            ...(await fakeSigningKeys()),
          ];
        },
      },
    );
    http = new Http(server.url);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('logs the fault with its fix once at start (the app-client probe)', async () => {
    await vi.waitFor(() => {
      expect(
        lines().filter((line) =>
          line.includes('The app client cannot be used'),
        ),
      ).toHaveLength(1);
    });
    const [line] = lines().filter((l) => l.includes('cannot be used'));
    expect(line).toContain(fix);
  });

  it(`answers every login 500 INTERNAL, past the failed-password limit (${LIMIT}): never INVALID_CREDENTIALS, never 429`, async () => {
    for (let attempt = 0; attempt < LIMIT + 2; attempt++) {
      const answer = await http.post('/api/v1/auth/login', {
        email: 'ash@example.com',
        password: 'Whatever-1!',
      });
      expectError(answer, 500, 'INTERNAL');
      expect(answer.body.message).toBe(
        'Something went wrong; the error was logged.',
      );
      expect(JSON.stringify(answer.body)).not.toContain(message);
    }
  });

  it('logged one line per failed request, naming the fix, with the request id', async () => {
    const failures = lines()
      .map((line) => JSON.parse(line) as Record<string, any>)
      .filter((line) => line.msg === 'request failed');
    expect(failures).toHaveLength(LIMIT + 2);
    for (const failure of failures) {
      expect(failure.cause.message).toContain(fix);
      expect(failure.reqId ?? failure.requestId).toEqual(expect.anything());
    }
  });
});
