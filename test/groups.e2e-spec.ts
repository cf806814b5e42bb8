import type { Type } from '@nestjs/common';
import { Http, expectError } from './support/http.js';
import { startApp, type TestApp } from './support/app.js';
import {
  confirmedUser,
  login,
  newEmail,
  type Tokens,
} from './support/users.js';
import { decodeJwt, forge, rs256Header } from './support/forge.js';

/**
 * @Groups(...) and @CurrentUser() on the real app: a test controller is
 * mounted beside AppModule (so the global JwtAuthGuard and GroupsGuard
 * apply), and users are put in a group through the embedded emulator's own
 * Cognito API (CreateGroup, AdminAddUserToGroup), after which a new login
 * carries `cognito:groups`.
 */

/** Built inside startApp, after the module graph is reset. */
async function testModule(): Promise<Type<unknown>> {
  const { AppModule } = await import('../src/app.module.js');
  const { Groups } = await import('../src/auth/decorators/groups.decorator.js');
  const { CurrentUser } =
    await import('../src/auth/decorators/current-user.decorator.js');
  const { Controller, Get, Module } = await import('@nestjs/common');

  @Controller('test-admin')
  class TestAdminController {
    @Get()
    @Groups('admin')
    whoami(@CurrentUser() user: unknown): unknown {
      return user;
    }

    @Get('any')
    any(@CurrentUser() user: unknown): unknown {
      return user;
    }

    @Get('staff')
    @Groups('admin', 'staff')
    staff(@CurrentUser() user: unknown): unknown {
      return user;
    }
  }

  @Module({ imports: [AppModule], controllers: [TestAdminController] })
  class TestRootModule {}

  return TestRootModule;
}

describe('@Groups and @CurrentUser (embedded Cognito)', () => {
  let server: TestApp;
  let http: Http;

  /** One call of the emulator's Cognito API (AWS JSON 1.1). */
  async function cognito(
    operation: string,
    body: Record<string, unknown>,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${server.connection.endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  async function createGroup(name: string): Promise<void> {
    const answer = await cognito('CreateGroup', {
      GroupName: name,
      UserPoolId: server.connection.userPoolId,
    });
    expect(answer.status).toBe(200);
  }

  async function addToGroup(username: string, group: string): Promise<void> {
    const answer = await cognito('AdminAddUserToGroup', {
      GroupName: group,
      UserPoolId: server.connection.userPoolId,
      Username: username,
    });
    expect(answer.status).toBe(200);
  }

  beforeAll(async () => {
    server = await startApp({}, { module: testModule });
    http = new Http(server.url);
    await createGroup('admin');
    await createGroup('staff');
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('a user in no group', () => {
    let tokens: Tokens;
    let email: string;
    let sub: string;

    beforeAll(async () => {
      email = await confirmedUser(http, newEmail('nogroup'));
      tokens = await login(http, email);
      sub = decodeJwt(tokens.accessToken).payload.sub as string;
    });

    it('reaches an unrestricted route; @CurrentUser() is the access token caller', async () => {
      const answer = await http.get(
        '/api/v1/test-admin/any',
        tokens.accessToken,
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        sub,
        username: expect.any(String),
        groups: [],
        tokenUse: 'access',
        clientId: server.connection.clientId,
      });
      expect(answer.body.username).toBe(
        decodeJwt(tokens.accessToken).payload.username,
      );
      // Access tokens carry no email.
      expect(answer.body.email).toBeUndefined();
    });

    it('with the ID token, @CurrentUser() has tokenUse id and the email', async () => {
      const answer = await http.get('/api/v1/test-admin/any', tokens.idToken);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        sub,
        email,
        groups: [],
        tokenUse: 'id',
        clientId: server.connection.clientId,
      });
      expect(answer.body.username).toBe(
        decodeJwt(tokens.idToken).payload['cognito:username'],
      );
    });

    it.each<[string, () => string]>([
      ['access token', () => tokens.accessToken],
      ['ID token', () => tokens.idToken],
    ])(
      'is refused the admin route with its %s: 403 FORBIDDEN',
      async (_name, token) => {
        const answer = await http.get('/api/v1/test-admin', token());
        expectError(answer, 403, 'FORBIDDEN');
        expect(answer.body.message).toMatch(/admin/);
      },
    );

    it('is refused the admin route twice in a row (cached token, same answer)', async () => {
      expectError(
        await http.get('/api/v1/test-admin', tokens.accessToken),
        403,
        'FORBIDDEN',
      );
    });

    it('without a token gets 401 (authentication comes before groups)', async () => {
      expectError(await http.get('/api/v1/test-admin'), 401, 'UNAUTHORIZED');
      expectError(
        await http.get('/api/v1/test-admin/any'),
        401,
        'UNAUTHORIZED',
      );
    });
  });

  describe('a user in the admin group (through the emulator API)', () => {
    let tokens: Tokens;
    let sub: string;

    beforeAll(async () => {
      const email = await confirmedUser(http, newEmail('admin'));
      const before = await login(http, email);
      sub = decodeJwt(before.accessToken).payload.sub as string;
      // The emulator finds a user by username, sub or (email pools) email.
      await addToGroup(sub, 'admin');
      tokens = await login(http, email);
    });

    it('logs in again with cognito:groups in both tokens', () => {
      expect(decodeJwt(tokens.accessToken).payload['cognito:groups']).toEqual([
        'admin',
      ]);
      expect(decodeJwt(tokens.idToken).payload['cognito:groups']).toEqual([
        'admin',
      ]);
    });

    it.each<[string, () => string, 'access' | 'id']>([
      ['access token', () => tokens.accessToken, 'access'],
      ['ID token', () => tokens.idToken, 'id'],
    ])(
      'reaches the admin route with its %s: 200 and the user',
      async (_name, token, tokenUse) => {
        const answer = await http.get('/api/v1/test-admin', token());
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({
          sub,
          groups: ['admin'],
          tokenUse,
          clientId: server.connection.clientId,
        });
      },
    );

    it('reaches a route open to several groups', async () => {
      const answer = await http.get(
        '/api/v1/test-admin/staff',
        tokens.accessToken,
      );
      expect(answer.status).toBe(200);
    });
  });

  describe('a user in another group only', () => {
    let tokens: Tokens;

    beforeAll(async () => {
      const email = await confirmedUser(http, newEmail('staff'));
      // Added by email this time.
      await addToGroup(email, 'staff');
      tokens = await login(http, email);
    });

    it('carries cognito:groups ["staff"]', () => {
      expect(decodeJwt(tokens.accessToken).payload['cognito:groups']).toEqual([
        'staff',
      ]);
    });

    it('is refused the admin-only route (403) but reaches the admin-or-staff route', async () => {
      expectError(
        await http.get('/api/v1/test-admin', tokens.accessToken),
        403,
        'FORBIDDEN',
      );
      const answer = await http.get(
        '/api/v1/test-admin/staff',
        tokens.accessToken,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.groups).toEqual(['staff']);
    });
  });

  describe('groups come only from a verified token', () => {
    it('a real no-group token with cognito:groups ["admin"] spliced in is 401, not 200', async () => {
      const email = await confirmedUser(http, newEmail('splice'));
      const { accessToken } = await login(http, email);
      const [header, payload, signature] = accessToken.split('.');
      const claims = JSON.parse(
        Buffer.from(payload, 'base64url').toString(),
      ) as Record<string, unknown>;
      claims['cognito:groups'] = ['admin'];
      const spliced = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      expectError(
        await http.get('/api/v1/test-admin', spliced),
        401,
        'UNAUTHORIZED',
      );
    });

    it('a forged token signed with the published emulator key is honoured (why the emulator is for local runs only)', async () => {
      const email = await confirmedUser(http, newEmail('forged'));
      const { accessToken } = await login(http, email);
      const claims = decodeJwt(accessToken).payload;
      const forged = forge(rs256Header(), {
        ...claims,
        'cognito:groups': ['admin'],
      });
      const answer = await http.get('/api/v1/test-admin', forged);
      expect(answer.status).toBe(200);
      expect(answer.body.groups).toEqual(['admin']);
    });

    it.each<[string, unknown]>([
      ['a string, not an array', 'admin'],
      ['an array of non-strings', [1, { admin: true }, null]],
      ['an object', { admin: true }],
    ])('cognito:groups as %s grants nothing (403)', async (_name, groups) => {
      const email = await confirmedUser(http, newEmail('oddgroups'));
      const { accessToken } = await login(http, email);
      const forged = forge(rs256Header(), {
        ...decodeJwt(accessToken).payload,
        'cognito:groups': groups,
      });
      expectError(
        await http.get('/api/v1/test-admin', forged),
        403,
        'FORBIDDEN',
      );
      const any = await http.get('/api/v1/test-admin/any', forged);
      expect(any.status).toBe(200);
      expect(any.body.groups).toEqual([]);
    });
  });
});
