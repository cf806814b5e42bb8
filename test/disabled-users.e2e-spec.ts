import { useApp } from './support/app.js';
import { adminCreateUser, cognitoCall } from './support/cognito-admin.js';
import { useCognitoLocalAsIs } from './support/cognito-local-as-is.js';
import { expectError } from './support/http.js';
import { PASSWORD, confirmedUser, login, newEmail } from './support/users.js';

/**
 * Cognito refuses a disabled user's sign-in (NotAuthorizedException "User
 * is disabled."); cognito-local signs them in. The embedded emulator
 * refuses them itself, so a login there is one call; against cognito-local
 * run elsewhere, as it is, the API refuses them (an AdminGetUser beside
 * the sign-in). Either way the client sees what Cognito makes it see.
 */
function initiateAuth(
  endpoint: string,
  clientId: string,
  email: string,
  password: string,
) {
  return cognitoCall(endpoint, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: clientId,
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
}

describe('a disabled user, embedded emulator', () => {
  const app = useApp();

  it('is refused by the emulator as Cognito refuses it, and the API answers 401 until enabled again', async () => {
    const email = await confirmedUser(app.http, newEmail('disabled-emb'));
    const { endpoint, userPoolId, clientId } = app.server.connection;
    const pool = { UserPoolId: userPoolId, Username: email };
    expect(
      (await cognitoCall(endpoint!, 'AdminDisableUser', pool)).status,
    ).toBe(200);

    const direct = await initiateAuth(endpoint!, clientId, email, PASSWORD);
    expect(direct.status).toBe(400);
    expect(direct.body).toEqual({
      __type: 'NotAuthorizedException',
      message: 'User is disabled.',
    });
    // A wrong password tells nothing of the account's state.
    const wrong = await initiateAuth(endpoint!, clientId, email, 'Wr0ng!pass');
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).not.toBe('User is disabled.');

    expectError(
      await app.http.post('/api/v1/auth/login', { email, password: PASSWORD }),
      401,
      'INVALID_CREDENTIALS',
    );
    expect((await cognitoCall(endpoint!, 'AdminEnableUser', pool)).status).toBe(
      200,
    );
    const tokens = await login(app.http, email);
    expect(
      (await app.http.get('/api/v1/pokemons/1', tokens.accessToken)).status,
    ).toBe(200);
  });
});

describe('a user an admin created, embedded emulator', () => {
  const app = useApp();
  const TEMPORARY = 'Tempor4ry!';

  it('is asked for a new password only with the temporary one, and never once disabled', async () => {
    const { endpoint, userPoolId } = app.server.connection;
    const email = newEmail('invited');
    expect(
      (await adminCreateUser(endpoint!, userPoolId, email, TEMPORARY)).status,
    ).toBe(200);
    expectError(
      await app.http.post('/api/v1/auth/login', {
        email,
        password: 'Not-the-0ne!',
      }),
      401,
      'INVALID_CREDENTIALS',
    );
    const asked = await app.http.post('/api/v1/auth/login', {
      email,
      password: TEMPORARY,
    });
    expect(asked.status).toBe(200);
    expect(asked.body.challenge).toBe('NEW_PASSWORD_REQUIRED');

    const pool = { UserPoolId: userPoolId, Username: email };
    expect(
      (await cognitoCall(endpoint!, 'AdminDisableUser', pool)).status,
    ).toBe(200);
    for (const password of [TEMPORARY, 'Not-the-0ne!']) {
      expectError(
        await app.http.post('/api/v1/auth/login', { email, password }),
        401,
        'INVALID_CREDENTIALS',
      );
    }
  });
});

describe('a disabled user, cognito-local as it is, run elsewhere', () => {
  const emulator = useCognitoLocalAsIs();
  const app = useApp(() => emulator.awsEnv());

  it('is signed in by that emulator, and refused by the API as Cognito refuses it', async () => {
    const { endpoint, userPoolId, clientId } = emulator.pool;
    const email = newEmail('disabled-as-is');
    const registered = await app.http.post('/api/v1/auth/register', {
      name: 'Gary',
      email,
      password: PASSWORD,
    });
    expect(registered.status).toBe(201);
    const pool = { UserPoolId: userPoolId, Username: email };
    expect(
      (await cognitoCall(endpoint, 'AdminConfirmSignUp', pool)).status,
    ).toBe(200);
    await login(app.http, email);
    expect((await cognitoCall(endpoint, 'AdminDisableUser', pool)).status).toBe(
      200,
    );

    // The leniency the API makes up for.
    const direct = await initiateAuth(endpoint, clientId, email, PASSWORD);
    expect(direct.status).toBe(200);
    expect(direct.body.AuthenticationResult?.AccessToken).toEqual(
      expect.any(String),
    );

    expectError(
      await app.http.post('/api/v1/auth/login', { email, password: PASSWORD }),
      401,
      'INVALID_CREDENTIALS',
    );
    expect((await cognitoCall(endpoint, 'AdminEnableUser', pool)).status).toBe(
      200,
    );
    const tokens = await login(app.http, email);
    expect(
      (await app.http.get('/api/v1/pokemons/1', tokens.accessToken)).status,
    ).toBe(200);
  });
});
