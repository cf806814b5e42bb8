import { useApp } from './support/app.js';
import { cognitoCall } from './support/cognito-admin.js';
import { decodeJwt } from './support/forge.js';
import { expectError, type Answer } from './support/http.js';
import {
  PASSWORD,
  confirmedUser,
  lastCode,
  login,
  newEmail,
} from './support/users.js';

/**
 * The admin API over HTTP against the embedded cognito-local. The admin is
 * made through the emulator's own API (CreateGroup, AdminAddUserToGroup);
 * a new login then carries `cognito:groups`.
 */
describe('admin API (embedded Cognito)', () => {
  const logs: string[] = [];
  const app = useApp(
    { LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
    { logDestination: { write: (chunk: string) => void logs.push(chunk) } },
  );
  /** The audit lines written so far, as pino wrote them (JSON). */
  const auditLines = (): string[] =>
    logs
      .join('')
      .split('\n')
      .filter((line) => line.includes('admin action='));
  let adminSub: string;
  let adminToken: string;
  let userToken: string;
  const tag = `adm${Date.now().toString(36)}`;

  function call(
    method: string,
    path: string,
    body?: unknown,
    token = adminToken,
  ): Promise<Answer> {
    return app.http.raw(
      method,
      `/api/v1/admin${path}`,
      body === undefined ? undefined : JSON.stringify(body),
      {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    );
  }
  const pokemons = (token: string): Promise<Answer> =>
    app.http.get('/api/v1/pokemons?limit=1', token);
  const pool = (operation: string, body: Record<string, unknown>) =>
    cognitoCall(app.server.connection.endpoint!, operation, {
      UserPoolId: app.server.connection.userPoolId,
      ...body,
    });

  beforeAll(async () => {
    for (const group of ['admin', 'staff']) {
      expect((await pool('CreateGroup', { GroupName: group })).status).toBe(
        200,
      );
    }
    const adminEmail = await confirmedUser(app.http, newEmail(`${tag}-boss`));
    const first = await login(app.http, adminEmail);
    const sub = decodeJwt(first.accessToken).payload.sub as string;
    adminSub = sub;
    expect(
      (await pool('AdminAddUserToGroup', { Username: sub, GroupName: 'admin' }))
        .status,
    ).toBe(200);
    adminToken = (await login(app.http, adminEmail)).accessToken;
    userToken = (
      await login(
        app.http,
        await confirmedUser(app.http, newEmail(`${tag}-plain`)),
      )
    ).accessToken;
  });

  it('writes one audit line per admin action (who, what, whom, request id), never the temporary password', async () => {
    const email = newEmail(`${tag}-audit`);
    const before = auditLines().length;
    const created = await call('POST', '/users', { email, name: 'Brock' });
    expect(created.status).toBe(201);
    const temporary = await lastCode(app.http, email, 'AdminCreateUser');
    const added = auditLines().slice(before);
    expect(added).toHaveLength(1);
    const line = JSON.parse(added[0]) as { msg: string };
    expect(line.msg).toBe(
      `admin action=users.create actor=${adminSub} target=${created.body.username} requestId=${created.headers.get('x-request-id')}`,
    );
    expect(logs.join('').includes(temporary)).toBe(false);
  });

  it('refuses every admin route without the admin group: 403 FORBIDDEN', async () => {
    expectError(
      await call('GET', '/users', undefined, userToken),
      403,
      'FORBIDDEN',
    );
    expectError(
      await call('POST', '/users/x/sign-out', undefined, userToken),
      403,
      'FORBIDDEN',
    );
    expectError(
      await call('DELETE', '/users/x', undefined, userToken),
      403,
      'FORBIDDEN',
    );
  });

  it('lists users by email prefix, a page at a time with the cursor', async () => {
    const prefix = `${tag}-list`;
    const emails = [];
    for (let i = 0; i < 3; i++)
      emails.push(await confirmedUser(app.http, newEmail(`${prefix}${i}`)));
    const first = await call(
      'GET',
      `/users?limit=2&email=${prefix.toUpperCase()}`,
    );
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(
      expect.stringMatching(/^[A-Za-z0-9_-]+$/),
    );
    expect(first.body.items[0]).toEqual({
      username: expect.any(String),
      sub: expect.any(String),
      email: expect.stringContaining(prefix),
      name: 'Ash',
      status: 'CONFIRMED',
      enabled: true,
      groups: [],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const second = await call(
      'GET',
      `/users?limit=2&email=${prefix}&cursor=${first.body.nextCursor}`,
    );
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeUndefined();
    const seen = [...first.body.items, ...second.body.items].map(
      (u: { email: string }) => u.email,
    );
    expect(seen.sort()).toEqual(emails.sort());
    expectError(await call('GET', '/users?limit=61'), 400, 'VALIDATION_FAILED');
    expectError(
      await call('GET', '/users?cursor=bm90LWpzb24'),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('invites a user: the temporary password from the outbox answers NEW_PASSWORD_REQUIRED; a taken email is 409', async () => {
    const email = newEmail(`${tag}-invite`);
    const created = await call('POST', '/users', {
      email,
      name: 'Misty',
      groups: ['staff'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email,
      name: 'Misty',
      status: 'FORCE_CHANGE_PASSWORD',
      enabled: true,
      groups: ['staff'],
    });
    const temporary = await lastCode(app.http, email, 'AdminCreateUser');
    const first = await app.http.post('/api/v1/auth/login', {
      email,
      password: temporary,
    });
    expect(first.status).toBe(200);
    expect(first.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
    expectError(
      await call('POST', '/users', { email, name: 'Again' }),
      409,
      'USER_EXISTS',
    );
    expectError(
      await call('POST', '/users', { email: 'nope', name: 'X' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('answers 404 NOT_FOUND for an unknown user', async () => {
    expectError(
      await call('GET', '/users/00000000-0000-0000-0000-000000000000'),
      404,
      'NOT_FOUND',
    );
    expectError(
      await call('PATCH', '/users/00000000-0000-0000-0000-000000000000', {
        name: 'X',
      }),
      404,
      'NOT_FOUND',
    );
  });

  it('disables a user (login and token refused), then enables them again (login works)', async () => {
    const email = await confirmedUser(app.http, newEmail(`${tag}-disable`));
    const tokens = await login(app.http, email);
    const username = decodeJwt(tokens.accessToken).payload.username as string;
    const disabled = await call('PATCH', `/users/${username}`, {
      enabled: false,
      name: 'Gary',
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({
      username,
      enabled: false,
      name: 'Gary',
    });
    expectError(await pokemons(tokens.accessToken), 401, 'UNAUTHORIZED');
    expectError(
      await app.http.post('/api/v1/auth/login', { email, password: PASSWORD }),
      401,
      'INVALID_CREDENTIALS',
    );
    const enabled = await call('PATCH', `/users/${username}`, {
      enabled: true,
    });
    expect(enabled.body.enabled).toBe(true);
    const again = await login(app.http, email);
    expect((await pokemons(again.accessToken)).status).toBe(200);
  });

  it('adds a group (in the next token), removes it, and signs the user out (token refused)', async () => {
    const email = await confirmedUser(app.http, newEmail(`${tag}-group`));
    const tokens = await login(app.http, email);
    const username = decodeJwt(tokens.accessToken).payload.username as string;
    expect((await call('PUT', `/users/${username}/groups/staff`)).status).toBe(
      204,
    );
    const next = await login(app.http, email);
    expect(decodeJwt(next.accessToken).payload['cognito:groups']).toEqual([
      'staff',
    ]);
    expect((await call('GET', `/users/${username}`)).body.groups).toEqual([
      'staff',
    ]);
    expectError(
      await call('PUT', `/users/${username}/groups/no-such-group`),
      404,
      'NOT_FOUND',
    );
    expect(
      (await call('DELETE', `/users/${username}/groups/staff`)).status,
    ).toBe(204);
    expect((await call('GET', `/users/${username}`)).body.groups).toEqual([]);

    expect((await call('POST', `/users/${username}/sign-out`)).status).toBe(
      204,
    );
    expectError(await pokemons(next.accessToken), 401, 'UNAUTHORIZED');
    expect(
      (await pokemons((await login(app.http, email)).accessToken)).status,
    ).toBe(200);
  });

  it('deletes a user: 204, then 404, and their token is refused', async () => {
    const email = await confirmedUser(app.http, newEmail(`${tag}-gone`));
    const tokens = await login(app.http, email);
    const username = decodeJwt(tokens.accessToken).payload.username as string;
    expect((await call('DELETE', `/users/${username}`)).status).toBe(204);
    expectError(await call('GET', `/users/${username}`), 404, 'NOT_FOUND');
    expectError(await pokemons(tokens.accessToken), 401, 'UNAUTHORIZED');
  });
});
