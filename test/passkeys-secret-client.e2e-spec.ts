import type { ApiException } from '../src/common/errors/api-exception.js';
import type { PasswordlessGateway } from '../src/cognito/passwordless.gateway.js';
import { useApp } from './support/app.js';
import { cognitoCall } from './support/cognito-admin.js';
import {
  startConformanceProxy,
  type ConformanceProxy,
} from './support/cognito-conformance-proxy.js';
import { useExternalEmulator } from './support/external-emulator.js';
import { SoftwareAuthenticator } from './support/software-authenticator.js';
import { PASSWORD, confirmedUser, login, newEmail } from './support/users.js';

/**
 * PasswordlessGateway with an app client that has a secret, through the
 * proxy that enforces what real Cognito enforces and cognito-local does
 * not (test/support/cognito-conformance-proxy.ts): SECRET_HASH on
 * InitiateAuth USER_AUTH and on every challenge answer, and Cognito's
 * answer to a client without ALLOW_USER_AUTH.
 */
describe('passwordless sign-in with an app client that has a secret', () => {
  const external = useExternalEmulator();
  let proxy: ConformanceProxy;
  let clientId = '';
  let clientSecret = '';

  beforeAll(async () => {
    const created = await cognitoCall(
      external.pool.endpoint,
      'CreateUserPoolClient',
      {
        UserPoolId: external.pool.userPoolId,
        ClientName: 'passwordless-secret',
        GenerateSecret: true,
        ExplicitAuthFlows: [
          'ALLOW_USER_PASSWORD_AUTH',
          'ALLOW_REFRESH_TOKEN_AUTH',
          'ALLOW_USER_AUTH',
        ],
      },
    );
    expect(created.status).toBe(200);
    ({ ClientId: clientId, ClientSecret: clientSecret } =
      created.body.UserPoolClient);
    proxy = await startConformanceProxy({
      target: external.pool.endpoint,
      clientId,
      clientSecret,
    });
  });
  afterAll(() => proxy?.close());

  const app = useApp(() =>
    external.awsEnv({
      AWS_COGNITO_CLIENT_ID: clientId,
      AWS_COGNITO_CLIENT_SECRET: clientSecret,
      AWS_COGNITO_ENDPOINT: proxy.url,
      AWS_COGNITO_AUTHORITY: `${external.pool.endpoint}/${external.pool.userPoolId}`,
    }),
  );

  let gateway: PasswordlessGateway;
  beforeAll(async () => {
    const { PasswordlessGateway: token } =
      await import('../src/cognito/passwordless.gateway.js');
    gateway = app.server.app.get(token);
  });

  afterEach(() => {
    proxy.configure({ disabledFlows: [] });
  });

  /** The sign-in calls the gateway sent, each with a SECRET_HASH. */
  function signInCalls(): Record<string, any>[] {
    return proxy.calls
      .filter(
        (c) =>
          (c.operation === 'InitiateAuth' && c.body.AuthFlow === 'USER_AUTH') ||
          c.operation === 'RespondToAuthChallenge',
      )
      .map((c) => c.body);
  }

  it('signs in with an email code and with a passkey, SECRET_HASH on every call', async () => {
    const email = await confirmedUser(app.http, newEmail('secret'), PASSWORD, {
      codeOf: (address) => external.codeFor(address),
    });
    const tokens = await login(app.http, email);

    const step = await gateway.startSignIn(email, 'EMAIL_OTP');
    if (step.kind !== 'emailOtp') throw new Error(step.kind);
    const signedIn = await gateway.answerChallenge({
      email,
      session: step.session,
      answer: { challenge: 'EMAIL_OTP', code: await external.codeFor(email) },
    });
    expect(signedIn.kind).toBe('tokens');

    const authenticator = new SoftwareAuthenticator();
    await gateway.completePasskeyRegistration(
      tokens.accessToken,
      authenticator.register(
        await gateway.startPasskeyRegistration(tokens.accessToken),
      ),
    );
    const passkey = await gateway.startSignIn(email, 'WEB_AUTHN');
    if (passkey.kind !== 'webAuthn') throw new Error(passkey.kind);
    const withPasskey = await gateway.answerChallenge({
      email,
      session: passkey.session,
      answer: {
        challenge: 'WEB_AUTHN',
        credential: authenticator.authenticate(passkey.options),
      },
    });
    expect(withPasskey.kind).toBe('tokens');

    expect(proxy.violations).toEqual([]);
    const calls = signInCalls();
    expect(calls).toHaveLength(4);
    for (const body of calls) {
      const parameters = body.AuthParameters ?? body.ChallengeResponses;
      expect(parameters.SECRET_HASH).toEqual(expect.any(String));
    }
  });

  it('answers a client without ALLOW_USER_AUTH with 500, naming the fix in the logged cause', async () => {
    proxy.configure({ disabledFlows: ['USER_AUTH'] });
    const error = (await gateway
      .startSignIn(newEmail('noflow'), 'EMAIL_OTP')
      .catch((e: unknown) => e)) as ApiException;
    expect(error.getStatus()).toBe(500);
    expect(error.code).toBe('INTERNAL');
    expect(String((error.cause as Error).message)).toContain(
      'enable ALLOW_USER_AUTH',
    );
  });
});
