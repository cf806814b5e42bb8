import { useApp } from './support/app.js';
import { adminAttributes, cognitoCall } from './support/cognito-admin.js';
import { decodeJwt } from './support/forge.js';
import { expectError, type Answer } from './support/http.js';
import { waitFor } from './support/timing.js';
import {
  confirmedUser,
  login,
  newEmail,
  type Tokens,
} from './support/users.js';

/**
 * What the embedded emulator does as Cognito does it, where security
 * depends on it (README, "Known limits"): tokens carry `jti` and
 * `origin_jti`, and refreshed ones keep the sign-in's `origin_jti` and
 * `auth_time` (so a logout ends them too, and a refresh is no new
 * sign-in); an email belongs to one account of the pool.
 */
const app = useApp();

const claims = (token: string) => decodeJwt(token).payload;
const pokemons = (token: string): Promise<Answer> =>
  app.http.get('/api/v1/pokemons?limit=1', token);

async function refreshed(refreshToken: string): Promise<Tokens> {
  const answer = await app.http.post('/api/v1/auth/refresh', { refreshToken });
  expect(answer.status).toBe(200);
  return answer.body as Tokens;
}

/** Resolves once the wall clock is past `seconds` (a JWT time). */
async function pastSecond(seconds: number): Promise<void> {
  await waitFor(
    `the clock past ${seconds}`,
    async () => (Date.now() / 1000 >= seconds + 1 ? true : undefined),
    { timeoutMs: 5_000, intervalMs: 50 },
  );
}

describe('tokens as Cognito issues them with token revocation on', () => {
  it('puts jti and one origin_jti in the access and ID tokens of a login', async () => {
    const email = await confirmedUser(app.http, newEmail('claims'));
    const { accessToken, idToken } = await login(app.http, email);
    const access = claims(accessToken);
    const id = claims(idToken);
    expect(access).toMatchObject({
      jti: expect.any(String),
      origin_jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      auth_time: expect.any(Number),
    });
    expect(id).toMatchObject({
      jti: expect.any(String),
      origin_jti: access.origin_jti,
      auth_time: access.auth_time,
    });
    expect(id.jti).not.toBe(access.jti);
    // The header is still the emulator's: the app verifies them as before.
    expect(decodeJwt(accessToken).header.kid).toBe('CognitoLocal');
    expect((await pokemons(accessToken)).status).toBe(200);
    expect((await pokemons(idToken)).status).toBe(200);

    const other = await login(app.http, email);
    expect(claims(other.accessToken).origin_jti).not.toBe(access.origin_jti);
  });

  it("keeps the sign-in's origin_jti and auth_time in refreshed tokens, with new jti and iat", async () => {
    const email = await confirmedUser(app.http, newEmail('refresh-claims'));
    const tokens = await login(app.http, email);
    const signIn = claims(tokens.accessToken);
    await pastSecond(signIn.auth_time as number);

    const next = await refreshed(tokens.refreshToken);
    const access = claims(next.accessToken);
    const id = claims(next.idToken);
    for (const token of [access, id]) {
      expect(token.origin_jti).toBe(signIn.origin_jti);
      expect(token.auth_time).toBe(signIn.auth_time);
      expect(token.iat).toBeGreaterThan(signIn.auth_time as number);
    }
    expect(access.jti).not.toBe(signIn.jti);
    expect((await pokemons(next.accessToken)).status).toBe(200);

    // And again from the same refresh token: still the same sign-in.
    const again = claims((await refreshed(tokens.refreshToken)).accessToken);
    expect(again.origin_jti).toBe(signIn.origin_jti);
    expect(again.auth_time).toBe(signIn.auth_time);
  });

  it('logout after refresh: the original access token logs out, and the refreshed tokens are 401 too', async () => {
    const email = await confirmedUser(app.http, newEmail('logout-refresh'));
    const tokens = await login(app.http, email);
    const next = await refreshed(tokens.refreshToken);
    expect((await pokemons(next.accessToken)).status).toBe(200);

    const logout = await app.http.post(
      '/api/v1/auth/logout',
      { refreshToken: tokens.refreshToken },
      tokens.accessToken,
    );
    expect(logout.status).toBe(204);
    expectError(await pokemons(next.accessToken), 401, 'UNAUTHORIZED');
    expectError(await pokemons(next.idToken), 401, 'UNAUTHORIZED');
    expectError(await pokemons(tokens.accessToken), 401, 'UNAUTHORIZED');
    // Another login of the same user is not touched.
    expect(
      (await pokemons((await login(app.http, email)).accessToken)).status,
    ).toBe(200);
  });
});

describe('an email belongs to one account of the pool', () => {
  it("refuses B taking A's email: 409 USER_EXISTS; A's login still opens A's account, and B's email is unchanged", async () => {
    const a = await confirmedUser(app.http, newEmail('owner'));
    const b = await confirmedUser(app.http, newEmail('taker'));
    const aSub = claims((await login(app.http, a)).accessToken).sub;
    const bTokens = await login(app.http, b);

    const answer = await app.http.raw(
      'PATCH',
      '/api/v1/auth/me',
      JSON.stringify({ email: a, name: 'Taker' }),
      {
        authorization: `Bearer ${bTokens.accessToken}`,
        'content-type': 'application/json',
      },
    );
    expectError(answer, 409, 'USER_EXISTS');

    expect(claims((await login(app.http, a)).accessToken).sub).toBe(aSub);
    const me = await app.http.get('/api/v1/auth/me', bTokens.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(b);
    // Nothing of the request was applied, not even the name beside it.
    expect(me.body.name).toBe('Ash');
    const { connection } = app.server;
    const stored = await adminAttributes(
      connection.endpoint!,
      connection.userPoolId,
      claims(bTokens.accessToken).sub as string,
    );
    expect(stored.email).toBe(b);
  });

  it("refuses AdminUpdateUserAttributes giving B A's email (any case): AliasExistsException, and changes nothing", async () => {
    const a = await confirmedUser(app.http, newEmail('admin-owner'));
    const b = await confirmedUser(app.http, newEmail('admin-taker'));
    const { connection } = app.server;
    const bSub = claims((await login(app.http, b)).accessToken).sub as string;
    for (const email of [a, a.toUpperCase()]) {
      const answer = await cognitoCall(
        connection.endpoint!,
        'AdminUpdateUserAttributes',
        {
          UserPoolId: connection.userPoolId,
          Username: bSub,
          UserAttributes: [{ Name: 'email', Value: email }],
        },
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        __type: 'AliasExistsException',
        message: 'An account with the given email already exists.',
      });
    }
    const stored = await adminAttributes(
      connection.endpoint!,
      connection.userPoolId,
      bSub,
    );
    expect(stored.email).toBe(b);
    // B may still set an email nobody has.
    const free = newEmail('free');
    const moved = await cognitoCall(
      connection.endpoint!,
      'AdminUpdateUserAttributes',
      {
        UserPoolId: connection.userPoolId,
        Username: bSub,
        UserAttributes: [{ Name: 'email', Value: free }],
      },
    );
    expect(moved.status).toBe(200);
  });
});
