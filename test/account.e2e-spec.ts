import { generate } from 'otplib';
import { useApp } from './support/app.js';
import { expectError, type Answer } from './support/http.js';
import {
  PASSWORD,
  accountCalls,
  confirmedUser,
  lastCode,
  login,
  newEmail,
} from './support/users.js';

/**
 * The signed-in user's own account over HTTP against the embedded
 * cognito-local: profile changes, email change with the code from the dev
 * outbox, TOTP off, sign-out everywhere, and deletion.
 */
describe('account self-service (embedded Cognito)', () => {
  const app = useApp();

  const call = accountCalls(app);
  const pokemons = (token: string): Promise<Answer> =>
    app.http.get('/api/v1/pokemons?limit=1', token);

  it('renames the user: 200 the profile, and GET /me agrees', async () => {
    const email = await confirmedUser(app.http, newEmail('rename'));
    const { accessToken } = await login(app.http, email);
    const renamed = await call('PATCH', '/me', { name: 'Brock' }, accessToken);
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      email,
      name: 'Brock',
      username: expect.stringMatching(/^[0-9a-f-]{36}$/),
      mfa: { totp: false },
    });
    const me = await app.http.get('/api/v1/auth/me', accessToken);
    expect(me.body.name).toBe('Brock');
  });

  it('refuses PATCH /me with the ID token and an empty or invalid body', async () => {
    const email = await confirmedUser(app.http, newEmail('patchid'));
    const { accessToken, idToken } = await login(app.http, email);
    expectError(
      await call('PATCH', '/me', { name: 'X' }, idToken),
      401,
      'UNAUTHORIZED',
    );
    expectError(
      await call('PATCH', '/me', {}, accessToken),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await call('PATCH', '/me', { email: 'not-an-email' }, accessToken),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await call('PATCH', '/me', { name: 'x'.repeat(257) }, accessToken),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('changes the email with the code sent to the new address, then logs in with it', async () => {
    const email = await confirmedUser(app.http, newEmail('oldmail'));
    const { accessToken } = await login(app.http, email);
    const next = newEmail('NewMail').toUpperCase();
    const changed = await call(
      'PATCH',
      '/me',
      { email: ` ${next} ` },
      accessToken,
    );
    expect(changed.status).toBe(202);
    const code = await lastCode(
      app.http,
      next.toLowerCase(),
      'UpdateUserAttribute',
    );
    expectError(
      await call('POST', '/me/email/verify', { code: 'wrong0' }, accessToken),
      400,
      'CODE_MISMATCH',
    );
    const verified = await call(
      'POST',
      '/me/email/verify',
      { code },
      accessToken,
    );
    expect(verified.status).toBe(200);
    expect(verified.body.email).toBe(next.toLowerCase());
    await login(app.http, next.toLowerCase());
  });

  it('turns TOTP off with a current code: login answers tokens directly again', async () => {
    const email = await confirmedUser(app.http, newEmail('totpoff'));
    const { accessToken } = await login(app.http, email);
    const setup = await call('POST', '/mfa/totp/setup', undefined, accessToken);
    expect(setup.status).toBe(200);
    const totp = (): Promise<string> =>
      generate({
        secret: setup.body.secretCode,
        epoch: Math.floor(Date.now() / 1000),
      });
    const on = await call(
      'POST',
      '/mfa/totp/verify',
      { code: await totp() },
      accessToken,
    );
    expect(on.status).toBe(200);
    const me = await app.http.get('/api/v1/auth/me', accessToken);
    expect(me.body.mfa).toEqual({ totp: true });
    const challenged = await app.http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expect(challenged.body.challenge).toBe('SOFTWARE_TOKEN_MFA');

    const off = await call(
      'DELETE',
      '/mfa/totp',
      { code: await totp() },
      accessToken,
    );
    expect(off.status).toBe(204);
    const direct = await app.http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expect(direct.status).toBe(200);
    expect(direct.body.accessToken).toMatch(/^ey/);
    const after = await app.http.get(
      '/api/v1/auth/me',
      direct.body.accessToken,
    );
    expect(after.body.mfa).toEqual({ totp: false });
  });

  it('ends every session with POST /logout/all: the other session and its refreshed tokens are refused', async () => {
    const email = await confirmedUser(app.http, newEmail('logoutall'));
    const mine = await login(app.http, email);
    const other = await login(app.http, email);
    expect((await pokemons(other.accessToken)).status).toBe(200);
    const ended = await call(
      'POST',
      '/logout/all',
      undefined,
      mine.accessToken,
    );
    expect(ended.status).toBe(204);
    expectError(await pokemons(other.accessToken), 401, 'UNAUTHORIZED');
    expectError(await pokemons(mine.accessToken), 401, 'UNAUTHORIZED');
    expectError(
      await app.http.post('/api/v1/auth/refresh', {
        refreshToken: other.refreshToken,
      }),
      401,
      'UNAUTHORIZED',
    );
    // A new login works.
    const again = await login(app.http, email);
    expect((await pokemons(again.accessToken)).status).toBe(200);
  });

  it('limits password guesses on DELETE /me as login does: the 11th wrong one from an address is 429, and the account stays', async () => {
    const email = await confirmedUser(app.http, newEmail('guess'));
    const { accessToken } = await login(app.http, email);
    for (let attempt = 1; attempt <= 10; attempt++) {
      expectError(
        await call(
          'DELETE',
          '/me',
          { password: `Wr0ng-${attempt}!` },
          accessToken,
        ),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    const limited = await call(
      'DELETE',
      '/me',
      { password: PASSWORD },
      accessToken,
    );
    expectError(limited, 429, 'TOO_MANY_REQUESTS');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await pokemons(accessToken)).status).toBe(200);
  });

  it('deletes the account only with the right password; its token is refused after', async () => {
    const email = await confirmedUser(app.http, newEmail('delete'));
    const { accessToken, idToken } = await login(app.http, email);
    expectError(
      await call('DELETE', '/me', { password: 'Wr0ng-password!' }, accessToken),
      401,
      'INVALID_CREDENTIALS',
    );
    expectError(
      await call('DELETE', '/me', { password: PASSWORD }, idToken),
      401,
      'UNAUTHORIZED',
    );
    expect((await pokemons(accessToken)).status).toBe(200);
    const deleted = await call(
      'DELETE',
      '/me',
      { password: PASSWORD },
      accessToken,
    );
    expect(deleted.status).toBe(204);
    expectError(await pokemons(accessToken), 401, 'UNAUTHORIZED');
    expectError(
      await app.http.post('/api/v1/auth/login', { email, password: PASSWORD }),
      401,
      'INVALID_CREDENTIALS',
    );
  });
});
