import { Http, expectError } from './support/http.js';
import { startApp, type TestApp } from './support/app.js';
import { decodeJwt } from './support/forge.js';
import { PASSWORD, lastCode, newEmail, type Tokens } from './support/users.js';

/**
 * The path a user takes, end to end, over HTTP, against the embedded
 * cognito-local and the real amazon-cognito-identity-js client.
 */
describe('the whole path a user takes (embedded Cognito)', () => {
  let server: TestApp;
  let http: Http;
  const email = newEmail('ash');
  const NEW_PASSWORD = 'N3w-Passw0rd!';
  const RESET_PASSWORD = 'R3set-Passw0rd!';
  let tokens: Tokens;

  beforeAll(async () => {
    server = await startApp();
    http = new Http(server.url);
  });

  afterAll(async () => {
    await server.close();
  });

  it('registers with a trimmed, upper-case email and answers 201 with the user sub', async () => {
    const answer = await http.post('/api/v1/auth/register', {
      name: 'Ash Ketchum',
      email: `  ${email.toUpperCase()} `,
      password: PASSWORD,
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      userSub: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userConfirmed: false,
      codeDeliveryDestination: email,
    });
  });

  it('refuses login before the account is confirmed: 403 USER_NOT_CONFIRMED', async () => {
    const answer = await http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expectError(answer, 403, 'USER_NOT_CONFIRMED');
  });

  it('delivers the sign-up code to the dev outbox, under the lower-cased email', async () => {
    const answer = await http.get(
      `/api/v1/dev/outbox?email=${encodeURIComponent(email.toUpperCase())}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      {
        email,
        kind: 'SignUp',
        code: expect.stringMatching(/^\d{6}$/),
        at: expect.any(String),
      },
    ]);
    expect(new Date(answer.body[0].at).toISOString()).toBe(answer.body[0].at);
  });

  it('refuses a wrong confirmation code: 400 CODE_MISMATCH', async () => {
    const code = await lastCode(http, email, 'SignUp');
    const wrong = code === '000000' ? '111111' : '000000';
    const answer = await http.post('/api/v1/auth/confirm-registration', {
      email,
      code: wrong,
    });
    expectError(answer, 400, 'CODE_MISMATCH');
  });

  it('confirms the account with the code from the outbox', async () => {
    const code = await lastCode(http, email, 'SignUp');
    const answer = await http.post('/api/v1/auth/confirm-registration', {
      email,
      code,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'success' });
  });

  it('logs in with USER_PASSWORD_AUTH and answers the three tokens', async () => {
    const answer = await http.post<
      Tokens & { expiresIn: number; tokenType: string }
    >('/api/v1/auth/login', { email: email.toUpperCase(), password: PASSWORD });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      accessToken: expect.stringMatching(/^ey/),
      idToken: expect.stringMatching(/^ey/),
      refreshToken: expect.stringMatching(/^ey/),
      expiresIn: expect.any(Number),
      tokenType: 'Bearer',
      // The internal username: the sub in an email-as-username pool.
      username: decodeJwt(answer.body.accessToken).payload.sub,
    });
    tokens = answer.body;
  });

  it('lists Pokemon with the ACCESS token (which has client_id, not aud)', async () => {
    const answer = await http.get(
      '/api/v1/pokemons?limit=3',
      tokens.accessToken,
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-total-count')).toBe('1025');
    expect(answer.body.map((p: { name: string }) => p.name)).toEqual([
      'Bulbasaur',
      'Ivysaur',
      'Venusaur',
    ]);
    expect(answer.body[0]).toMatchObject({
      id: 1,
      name: 'Bulbasaur',
      type: 'Grass',
    });
  });

  it('lists Pokemon with the ID token', async () => {
    const answer = await http.get('/api/v1/pokemons/pikachu', tokens.idToken);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id: 25,
      name: 'Pikachu',
      type: 'Electric',
    });
  });

  it('answers 401 UNAUTHORIZED with no token', async () => {
    expectError(await http.get('/api/v1/pokemons'), 401, 'UNAUTHORIZED');
  });

  it('answers 401 UNAUTHORIZED for the REFRESH token used as a bearer token', async () => {
    expectError(
      await http.get('/api/v1/pokemons', tokens.refreshToken),
      401,
      'UNAUTHORIZED',
    );
  });

  it('answers 401 UNAUTHORIZED for a tampered token (payload changed, signature kept)', async () => {
    const [header, payload, signature] = tokens.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims['cognito:groups'] = ['admin'];
    const forged = [
      header,
      Buffer.from(JSON.stringify(claims)).toString('base64url'),
      signature,
    ].join('.');
    expectError(
      await http.get('/api/v1/pokemons', forged),
      401,
      'UNAUTHORIZED',
    );
  });

  it('answers 401 UNAUTHORIZED for an unsigned token (alg none)', async () => {
    const [, payload] = tokens.accessToken.split('.');
    const header = Buffer.from(
      JSON.stringify({ alg: 'none', typ: 'JWT', kid: 'CognitoLocal' }),
    ).toString('base64url');
    expectError(
      await http.get('/api/v1/pokemons', `${header}.${payload}.`),
      401,
      'UNAUTHORIZED',
    );
  });

  it('changes the password, proving identity with the current one', async () => {
    const answer = await http.post('/api/v1/auth/change-password', {
      email,
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'success' });
  });

  it('refuses the old password from then on: 401 INVALID_CREDENTIALS', async () => {
    const answer = await http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expectError(answer, 401, 'INVALID_CREDENTIALS');
  });

  it('accepts the new password', async () => {
    const answer = await http.post('/api/v1/auth/login', {
      email,
      password: NEW_PASSWORD,
    });
    expect(answer.status).toBe(200);
  });

  it('starts a password reset: 202, and a ForgotPassword code in the outbox', async () => {
    const answer = await http.post('/api/v1/auth/forgot-password', { email });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      status: 'accepted',
      message:
        'If an account exists for this email, a code has been sent to it.',
    });
    expect(await lastCode(http, email, 'ForgotPassword')).toMatch(/^\d{6}$/);
  });

  it('refuses a reset with a wrong code: 400 CODE_MISMATCH, and the password stays', async () => {
    const code = await lastCode(http, email, 'ForgotPassword');
    const answer = await http.post('/api/v1/auth/confirm-password', {
      email,
      confirmationCode: code === '000000' ? '111111' : '000000',
      newPassword: RESET_PASSWORD,
    });
    expectError(answer, 400, 'CODE_MISMATCH');
    expect(
      (await http.post('/api/v1/auth/login', { email, password: NEW_PASSWORD }))
        .status,
    ).toBe(200);
  });

  it('confirms the reset with the code, after which only the new password logs in', async () => {
    const confirmationCode = await lastCode(http, email, 'ForgotPassword');
    const answer = await http.post('/api/v1/auth/confirm-password', {
      email,
      confirmationCode,
      newPassword: RESET_PASSWORD,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'success' });

    const fresh = await http.post<Tokens>('/api/v1/auth/login', {
      email,
      password: RESET_PASSWORD,
    });
    expect(fresh.status).toBe(200);
    expect(
      (await http.get('/api/v1/pokemons?limit=1', fresh.body.accessToken))
        .status,
    ).toBe(200);
    expectError(
      await http.post('/api/v1/auth/login', { email, password: NEW_PASSWORD }),
      401,
      'INVALID_CREDENTIALS',
    );
  });
});
