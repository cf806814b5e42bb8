import type { AdminClient } from './admin.client.js';
import { cognitoErrorName } from './cognito-errors.js';
import type { GatewayMethod } from './cognito.gateway.js';
import type { PoolUserPage, PoolUserRecord } from './cognito.types.js';
import type { GatewayFailures } from './gateway-failures.js';
import type {
  AdminOperation,
  AttributeList,
  ReplyOf,
  RequestOf,
  WireUser,
} from './user-pool.wire.js';

/** Cognito answers ListUsers with at most 60 users a page. */
const LIST_USERS_PAGE = 60;

/**
 * The calls made with the server's AWS credentials (Admin*, ListUsers),
 * through AdminClient (AWS SDK v3). One of the three parts of the
 * UserPoolGateway facade; error tables in gateway-errors.ts.
 */
export class AdminGateway {
  constructor(
    private readonly failures: GatewayFailures<GatewayMethod>,
    private readonly admin?: AdminClient,
  ) {}

  /** Whether the server has credentials for the Admin* calls. */
  get configured(): boolean {
    return this.admin !== undefined;
  }

  async adminListUsers({
    emailPrefix,
    pageToken,
  }: {
    emailPrefix?: string;
    pageToken?: string;
  }): Promise<PoolUserPage> {
    const reply = await this.send('adminListUsers', 'ListUsers', {
      UserPoolId: this.client().userPoolId,
      Limit: LIST_USERS_PAGE,
      ...(emailPrefix
        ? { Filter: `email ^= ${JSON.stringify(emailPrefix)}` }
        : {}),
      ...(pageToken ? { PaginationToken: pageToken } : {}),
    });
    return {
      users: (reply.Users ?? []).map((user) => userOf(user, user.Attributes)),
      ...(reply.PaginationToken ? { nextToken: reply.PaginationToken } : {}),
    };
  }

  async adminCreateUser(user: {
    email: string;
    name: string;
  }): Promise<PoolUserRecord> {
    const { User } = await this.send('adminCreateUser', 'AdminCreateUser', {
      ...this.poolUser(user.email),
      UserAttributes: [
        { Name: 'email', Value: user.email },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: user.name },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
    return userOf(User, User.Attributes);
  }

  async adminGetUser(username: string): Promise<PoolUserRecord> {
    const reply = await this.send(
      'adminGetUser',
      'AdminGetUser',
      this.poolUser(username),
    );
    return userOf(reply, reply.UserAttributes);
  }

  async adminSetEnabled(username: string, enabled: boolean): Promise<void> {
    await this.send(
      'adminSetEnabled',
      enabled ? 'AdminEnableUser' : 'AdminDisableUser',
      this.poolUser(username),
    );
  }

  async adminSetName(username: string, name: string): Promise<void> {
    await this.send('adminSetName', 'AdminUpdateUserAttributes', {
      ...this.poolUser(username),
      UserAttributes: [{ Name: 'name', Value: name }],
    });
  }

  async adminDeleteUser(username: string): Promise<void> {
    await this.send(
      'adminDeleteUser',
      'AdminDeleteUser',
      this.poolUser(username),
    );
  }

  async adminAddToGroup(username: string, group: string): Promise<void> {
    await this.send('adminAddToGroup', 'AdminAddUserToGroup', {
      ...this.poolUser(username),
      GroupName: group,
    });
  }

  async adminRemoveFromGroup(username: string, group: string): Promise<void> {
    await this.send('adminRemoveFromGroup', 'AdminRemoveUserFromGroup', {
      ...this.poolUser(username),
      GroupName: group,
    });
  }

  async adminListGroups(username: string): Promise<string[]> {
    const groups: string[] = [];
    let nextToken: string | undefined;
    do {
      const reply = await this.send(
        'adminListGroups',
        'AdminListGroupsForUser',
        {
          ...this.poolUser(username),
          ...(nextToken ? { NextToken: nextToken } : {}),
        },
      );
      for (const { GroupName } of reply.Groups ?? [])
        if (GroupName) groups.push(GroupName);
      nextToken = reply.NextToken;
    } while (nextToken);
    return groups;
  }

  /** cognito-local lacks the call (`Unsupported`): then false, no error. */
  async adminGlobalSignOut(username: string): Promise<boolean> {
    try {
      await this.client().send(
        'AdminUserGlobalSignOut',
        this.poolUser(username),
      );
      return true;
    } catch (error) {
      if (cognitoErrorName(error) === 'Unsupported') return false;
      throw this.failures.answer('adminGlobalSignOut', error);
    }
  }

  private send<O extends AdminOperation>(
    method: GatewayMethod,
    operation: O,
    params: RequestOf<O>,
  ): Promise<ReplyOf<O>> {
    return this.failures.call(method, () =>
      this.client().send(operation, params),
    );
  }

  private poolUser(username: string): { UserPoolId: string; Username: string } {
    return { UserPoolId: this.client().userPoolId, Username: username };
  }

  private client(): AdminClient {
    if (!this.admin) throw new Error('The admin client is not configured');
    return this.admin;
  }
}

/** A user of ListUsers, AdminGetUser or AdminCreateUser in the app's words. */
function userOf(
  user: Omit<WireUser, 'Attributes'>,
  list: AttributeList | undefined,
): PoolUserRecord {
  const attribute = (name: string): string | null =>
    list?.find((a) => a.Name === name)?.Value ?? null;
  const created = user.UserCreateDate;
  const date = created === undefined ? undefined : new Date(created);
  return {
    username: user.Username,
    sub: attribute('sub'),
    email: attribute('email'),
    name: attribute('name'),
    status: user.UserStatus ?? 'UNKNOWN',
    enabled: user.Enabled ?? true,
    createdAt:
      date && !Number.isNaN(date.getTime()) ? date.toISOString() : null,
  };
}
