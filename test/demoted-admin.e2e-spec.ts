import { Instances } from './support/app.js';
import { cognitoCall } from './support/cognito-admin.js';
import { useExternalEmulator } from './support/external-emulator.js';
import { decodeJwt } from './support/forge.js';
import { Http, expectError, type Answer } from './support/http.js';
import { startRedis, type RedisServer } from './support/redis.js';
import { PASSWORD, confirmedUser, login, newEmail } from './support/users.js';

/**
 * A removed admin stays admin no longer (README, "Admin API"): removing a
 * user from a group sets the user's sign-out cutoff, so the tokens that
 * still carry the group in `cognito:groups` are refused at once on every
 * instance (two apps behind one Redis), refresh included; the next
 * sign-in carries the groups as they are. Adding a group ends nothing.
 */
describe('a demoted admin on two instances sharing one Redis', () => {
  const external = useExternalEmulator();
  let redis: RedisServer;
  const instances = new Instances();
  let one: Http;
  let two: Http;
  let bossToken: string;

  const pool = (operation: string, body: Record<string, unknown>) =>
    cognitoCall(external.pool.endpoint, operation, {
      UserPoolId: external.pool.userPoolId,
      ...body,
    });
  const admin = (
    http: Http,
    method: string,
    path: string,
    token: string,
  ): Promise<Answer> =>
    http.raw(method, `/api/v1/admin${path}`, undefined, {
      authorization: `Bearer ${token}`,
    });
  /** A confirmed user in the admin group; its username (the sub). */
  const newAdmin = async (tag: string): Promise<[string, string]> => {
    const email = await confirmedUser(one, newEmail(tag), PASSWORD, {
      codeOf: (address) => external.codeFor(address),
    });
    const { accessToken } = await login(one, email);
    const username = decodeJwt(accessToken).payload.username as string;
    expect(
      (
        await pool('AdminAddUserToGroup', {
          Username: username,
          GroupName: 'admin',
        })
      ).status,
    ).toBe(200);
    return [email, username];
  };

  beforeAll(async () => {
    redis = await startRedis();
    const env = external.awsEnv({
      REDIS_URL: redis.url,
      TRUST_PROXY: undefined,
      RATE_LIMIT_IP_PER_MINUTE: '100000',
    });
    [one, two] = await instances.start(2, env);
    for (const group of ['admin', 'staff']) {
      expect((await pool('CreateGroup', { GroupName: group })).status).toBe(
        200,
      );
    }
    const [bossEmail] = await newAdmin('boss');
    bossToken = (await login(one, bossEmail)).accessToken;
  });

  afterAll(async () => {
    await instances.close();
    await redis?.stop();
  });

  it('is refused at once on both instances, cannot re-add itself nor refresh, and signs in again without admin access', async () => {
    const [email, username] = await newAdmin('demoted');
    const tokens = await login(one, email);
    expect(decodeJwt(tokens.accessToken).payload['cognito:groups']).toEqual([
      'admin',
    ]);
    for (const http of [one, two]) {
      expect(
        (await admin(http, 'GET', `/users/${username}`, tokens.accessToken))
          .status,
      ).toBe(200);
    }

    // Adding a group ends nothing: the token still works on both.
    expect(
      (await admin(one, 'PUT', `/users/${username}/groups/staff`, bossToken))
        .status,
    ).toBe(204);
    for (const http of [one, two]) {
      expect(
        (await admin(http, 'GET', `/users/${username}`, tokens.accessToken))
          .status,
      ).toBe(200);
    }

    expect(
      (await admin(two, 'DELETE', `/users/${username}/groups/admin`, bossToken))
        .status,
    ).toBe(204);
    // Instance 2 answered once the cutoff was written to Redis; instance 1
    // hears of it through Redis within a second.
    expectError(
      await admin(two, 'GET', `/users/${username}`, tokens.accessToken),
      401,
      'UNAUTHORIZED',
    );
    await vi.waitUntil(
      async () =>
        (await admin(one, 'GET', `/users/${username}`, tokens.accessToken))
          .status === 401,
      { timeout: 1000, interval: 20 },
    );
    for (const http of [one, two]) {
      expectError(
        await admin(
          http,
          'PUT',
          `/users/${username}/groups/admin`,
          tokens.accessToken,
        ),
        401,
        'UNAUTHORIZED',
      );
      expectError(
        await http.post('/api/v1/auth/refresh', {
          refreshToken: tokens.refreshToken,
        }),
        401,
        'UNAUTHORIZED',
      );
    }
    const groups = await admin(one, 'GET', `/users/${username}`, bossToken);
    expect(groups.body.groups).toEqual(['staff']);

    const again = await login(two, email);
    expect(decodeJwt(again.accessToken).payload['cognito:groups']).toEqual([
      'staff',
    ]);
    for (const http of [one, two]) {
      expectError(
        await admin(http, 'GET', `/users/${username}`, again.accessToken),
        403,
        'FORBIDDEN',
      );
      expectError(
        await admin(
          http,
          'PUT',
          `/users/${username}/groups/admin`,
          again.accessToken,
        ),
        403,
        'FORBIDDEN',
      );
    }
    // The boss's own tokens are untouched.
    expect(
      (await admin(one, 'GET', `/users/${username}`, bossToken)).status,
    ).toBe(200);
  });
});
