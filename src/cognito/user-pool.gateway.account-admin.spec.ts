import { ApiException } from '../common/errors/api-exception.js';
import type { AdminClient } from './admin.client.js';
import type { CognitoPool } from './cognito-pool.js';
import { cognitoError, connectionOf } from '../../test/support/cognito-stub.js';
import type { UserPoolClient } from './user-pool.client.js';
import { UserPoolGateway } from './user-pool.gateway.js';

/** A client that records what it is sent and answers `reply(operation)`. */
function recording(reply: (operation: string) => unknown = () => ({})) {
  const sent: [string, unknown][] = [];
  return {
    sent,
    client: {
      clientId: 'client123',
      hasSecret: false,
      userPoolId: 'us-east-1_Test',
      secretHash: () => undefined,
      send: (operation: string, params: unknown) => {
        sent.push([operation, params]);
        const answer = reply(operation);
        return answer instanceof Error
          ? Promise.reject(answer)
          : Promise.resolve(answer);
      },
    },
  };
}

function gatewayOf(
  users: ReturnType<typeof recording>,
  admin: ReturnType<typeof recording>,
  pool: CognitoPool = connectionOf(),
): UserPoolGateway {
  return new UserPoolGateway(
    users.client as unknown as UserPoolClient,
    pool,
    null,
    admin.client as unknown as AdminClient,
  );
}

/** A JWT-shaped token whose payload is `claims` (unsigned: the gateway only reads it). */
const tokenOf = (claims: object): string =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.x`;

describe('UserPoolGateway account and admin calls', () => {
  it('updateProfile sends the attributes given and answers where the code went', async () => {
    const users = recording(() => ({
      CodeDeliveryDetailsList: [{ Destination: 'a***@e***' }],
    }));
    const answer = await gatewayOf(users, recording()).updateProfile('t', {
      name: 'Brock',
      email: 'b@example.com',
    });
    expect(users.sent).toEqual([
      [
        'UpdateUserAttributes',
        {
          AccessToken: 't',
          UserAttributes: [
            { Name: 'name', Value: 'Brock' },
            { Name: 'email', Value: 'b@example.com' },
          ],
        },
      ],
    ]);
    expect(answer).toEqual({ codeDeliveryDestination: 'a***@e***' });
  });

  it('verifyEmail and deleteUser send the access token', async () => {
    const users = recording();
    const gateway = gatewayOf(users, recording());
    await gateway.verifyEmail('t', '123456');
    await gateway.deleteUser('t');
    expect(users.sent).toEqual([
      [
        'VerifyUserAttribute',
        { AccessToken: 't', AttributeName: 'email', Code: '123456' },
      ],
      ['DeleteUser', { AccessToken: 't' }],
    ]);
  });

  it('adminListUsers filters by email prefix, asks 60 a page and reads the users', async () => {
    const admin = recording(() => ({
      Users: [
        {
          Username: 'u1',
          Attributes: [
            { Name: 'sub', Value: 's1' },
            { Name: 'email', Value: 'ash@example.com' },
          ],
          UserStatus: 'CONFIRMED',
          Enabled: false,
          UserCreateDate: new Date('2026-01-02T03:04:05Z'),
        },
      ],
      PaginationToken: 'next',
    }));
    const page = await gatewayOf(recording(), admin).adminListUsers({
      emailPrefix: 'ash',
      pageToken: 'here',
    });
    expect(admin.sent).toEqual([
      [
        'ListUsers',
        {
          UserPoolId: 'us-east-1_Test',
          Limit: 60,
          Filter: 'email ^= "ash"',
          PaginationToken: 'here',
        },
      ],
    ]);
    expect(page).toEqual({
      users: [
        {
          username: 'u1',
          sub: 's1',
          email: 'ash@example.com',
          name: null,
          status: 'CONFIRMED',
          enabled: false,
          createdAt: '2026-01-02T03:04:05.000Z',
        },
      ],
      nextToken: 'next',
    });
  });

  it('adminCreateUser asks Cognito to email the temporary password', async () => {
    const admin = recording(() => ({
      User: {
        Username: 'u1',
        Attributes: [],
        UserStatus: 'FORCE_CHANGE_PASSWORD',
      },
    }));
    const user = await gatewayOf(recording(), admin).adminCreateUser({
      email: 'm@example.com',
      name: 'Misty',
    });
    expect(admin.sent[0]).toEqual([
      'AdminCreateUser',
      {
        UserPoolId: 'us-east-1_Test',
        Username: 'm@example.com',
        UserAttributes: [
          { Name: 'email', Value: 'm@example.com' },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: 'Misty' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      },
    ]);
    expect(user.status).toBe('FORCE_CHANGE_PASSWORD');
  });

  it('adminGetUser answers 404 NOT_FOUND for an unknown user', async () => {
    const admin = recording(() => cognitoError('UserNotFoundException'));
    const error = await gatewayOf(recording(), admin)
      .adminGetUser('nobody')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException).getStatus()).toBe(404);
    expect((error as ApiException).code).toBe('NOT_FOUND');
  });

  it('adminGlobalSignOut resolves false where the emulator lacks the call', async () => {
    const admin = recording(() => cognitoError('Unsupported'));
    await expect(
      gatewayOf(recording(), admin).adminGlobalSignOut('u1'),
    ).resolves.toBe(false);
    const works = recording();
    await expect(
      gatewayOf(recording(), works).adminGlobalSignOut('u1'),
    ).resolves.toBe(true);
  });

  it('adminListGroups follows NextToken', async () => {
    let calls = 0;
    const admin = recording(() =>
      calls++ === 0
        ? { Groups: [{ GroupName: 'a' }], NextToken: 'n' }
        : { Groups: [{ GroupName: 'b' }] },
    );
    await expect(
      gatewayOf(recording(), admin).adminListGroups('u1'),
    ).resolves.toEqual(['a', 'b']);
  });

  describe('a disabled user at login', () => {
    const tokens = {
      AuthenticationResult: {
        AccessToken: tokenOf({ username: 'u1', sub: 's1' }),
        IdToken: tokenOf({ sub: 's1' }),
        RefreshToken: 'r',
      },
    };
    const disabled = () =>
      recording(() => ({ Username: 'u1', UserAttributes: [], Enabled: false }));
    const embedded = Object.assign(connectionOf(), {
      mode: 'embedded' as const,
    });

    it('is refused on an emulator run elsewhere as Cognito refuses it: 401 INVALID_CREDENTIALS', async () => {
      const error = await gatewayOf(
        recording(() => tokens),
        disabled(),
        connectionOf(),
      )
        .passwordAuth('a@b.c', 'P-1')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiException);
      expect((error as ApiException).code).toBe('INVALID_CREDENTIALS');
    });

    it('is not checked against real Cognito or the embedded emulator (both refuse it themselves)', async () => {
      const aws = Object.assign(connectionOf(), { endpoint: undefined });
      for (const pool of [aws, embedded]) {
        const admin = disabled();
        const result = await gatewayOf(
          recording(() => tokens),
          admin,
          pool,
        ).passwordAuth('a@b.c', 'P-1');
        expect(result.kind).toBe('tokens');
        expect(admin.sent).toEqual([]);
      }
    });
  });
});
