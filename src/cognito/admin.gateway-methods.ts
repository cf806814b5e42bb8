import { Logger } from '@nestjs/common';
import type { ApiException } from '../common/errors/api-exception.js';
import type { AdminClient } from './admin.client.js';
import { isEmulatedPool, type CognitoPool } from './cognito-pool.js';
import { cognitoErrorName } from './cognito-errors.js';
import { CognitoGateway, type GatewayMethod } from './cognito.gateway.js';
import type {
  PoolUserPage,
  PoolUserRecord,
  ProfileChange,
  SignInResult,
} from './cognito.types.js';
import type { UserPoolClient } from './user-pool.client.js';
import type {
  AdminOperation,
  AttributeList,
  ReplyOf,
  RequestOf,
  UserPoolOperation,
  WireUser,
} from './user-pool.wire.js';

/** Cognito answers ListUsers with at most 60 users a page. */
const LIST_USERS_PAGE = 60;

/**
 * The gateway methods beyond sign-in: the user's own account (access
 * token, through UserPoolClient) and the Admin* operations (server
 * credentials, through AdminClient). UserPoolGateway extends this class;
 * the error tables are in gateway-errors.ts like the others'.
 */
export abstract class AdminGatewayMethods extends CognitoGateway {
  private readonly adminLogger = new Logger('UserPoolGateway');
  protected abstract readonly userPool: UserPoolClient;
  protected abstract readonly pool: CognitoPool;
  protected abstract readonly admin?: AdminClient;

  /** The answer for a failure of `method` (UserPoolGateway's rules). */
  protected abstract fail(method: GatewayMethod, error: unknown): ApiException;

  async updateProfile(
    accessToken: string,
    change: ProfileChange,
  ): Promise<{ codeDeliveryDestination?: string }> {
    const attributes: AttributeList = [];
    if (change.name !== undefined)
      attributes.push({ Name: 'name', Value: change.name });
    if (change.email !== undefined)
      attributes.push({ Name: 'email', Value: change.email });
    const reply = await this.account('updateProfile', 'UpdateUserAttributes', {
      AccessToken: accessToken,
      UserAttributes: attributes,
    });
    const destination = reply.CodeDeliveryDetailsList?.[0]?.Destination;
    return destination ? { codeDeliveryDestination: destination } : {};
  }

  async verifyEmail(accessToken: string, code: string): Promise<void> {
    await this.account('verifyEmail', 'VerifyUserAttribute', {
      AccessToken: accessToken,
      AttributeName: 'email',
      Code: code,
    });
  }

  async deleteUser(accessToken: string): Promise<void> {
    await this.account('deleteUser', 'DeleteUser', {
      AccessToken: accessToken,
    });
  }

  async adminListUsers({
    emailPrefix,
    pageToken,
  }: {
    emailPrefix?: string;
    pageToken?: string;
  }): Promise<PoolUserPage> {
    const reply = await this.adminCall('adminListUsers', 'ListUsers', {
      UserPoolId: this.adminClient().userPoolId,
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
    const { User } = await this.adminCall(
      'adminCreateUser',
      'AdminCreateUser',
      {
        ...this.poolUser(user.email),
        UserAttributes: [
          { Name: 'email', Value: user.email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: user.name },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      },
    );
    return userOf(User, User.Attributes);
  }

  async adminGetUser(username: string): Promise<PoolUserRecord> {
    const reply = await this.adminCall(
      'adminGetUser',
      'AdminGetUser',
      this.poolUser(username),
    );
    return userOf(reply, reply.UserAttributes);
  }

  async adminSetEnabled(username: string, enabled: boolean): Promise<void> {
    await this.adminCall(
      'adminSetEnabled',
      enabled ? 'AdminEnableUser' : 'AdminDisableUser',
      this.poolUser(username),
    );
  }

  async adminSetName(username: string, name: string): Promise<void> {
    await this.adminCall('adminSetName', 'AdminUpdateUserAttributes', {
      ...this.poolUser(username),
      UserAttributes: [{ Name: 'name', Value: name }],
    });
  }

  async adminDeleteUser(username: string): Promise<void> {
    await this.adminCall(
      'adminDeleteUser',
      'AdminDeleteUser',
      this.poolUser(username),
    );
  }

  async adminAddToGroup(username: string, group: string): Promise<void> {
    await this.adminCall('adminAddToGroup', 'AdminAddUserToGroup', {
      ...this.poolUser(username),
      GroupName: group,
    });
  }

  async adminRemoveFromGroup(username: string, group: string): Promise<void> {
    await this.adminCall('adminRemoveFromGroup', 'AdminRemoveUserFromGroup', {
      ...this.poolUser(username),
      GroupName: group,
    });
  }

  async adminListGroups(username: string): Promise<string[]> {
    const groups: string[] = [];
    let nextToken: string | undefined;
    do {
      const reply = await this.adminCall(
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
      await this.adminClient().send(
        'AdminUserGlobalSignOut',
        this.poolUser(username),
      );
      return true;
    } catch (error) {
      if (cognitoErrorName(error) === 'Unsupported') return false;
      throw this.fail('adminGlobalSignOut', error);
    }
  }

  /**
   * cognito-local logs disabled users in. The embedded emulator refuses
   * them itself, as Cognito does (emulator/password-sign-in.cjs); against an
   * emulator run elsewhere (an http endpoint) a sign-in that gave tokens is
   * refused here as Cognito refuses a disabled user (NotAuthorizedException
   * "User is disabled."). The AdminGetUser (by the email, an alias of the
   * username in an email-as-username pool) is sent beside the sign-in, so
   * that a login waits for the slower of the two, not for both. Real
   * Cognito and the embedded emulator need no check. Start it with
   * `enabledOnEmulator`, judge with `refuseDisabledOnEmulator`.
   */
  protected enabledOnEmulator(
    email: string,
  ): Promise<EnabledCheck> | undefined {
    if (!isEmulatedPool(this.pool) || this.pool.mode === 'embedded')
      return undefined;
    if (!this.admin) return undefined;
    return this.adminGetUser(email).then(
      (user): EnabledCheck => ({ enabled: user.enabled }),
      (error: unknown): EnabledCheck => ({ error }),
    );
  }

  /** If the check failed, the login stands (logged: only for a sign-in that gave tokens). */
  protected async refuseDisabledOnEmulator(
    result: SignInResult,
    check: Promise<EnabledCheck> | undefined,
  ): Promise<SignInResult> {
    if (!check || result.kind !== 'tokens') return result;
    const answer = await check;
    if ('error' in answer) {
      this.adminLogger.warn(
        `Could not check whether the user is disabled (${String(answer.error)})`,
      );
      return result;
    }
    if (answer.enabled) return result;
    throw this.fail(
      'passwordAuth',
      Object.assign(new Error('User is disabled.'), {
        name: 'NotAuthorizedException',
      }),
    );
  }

  private async account<O extends UserPoolOperation>(
    method: GatewayMethod,
    operation: O,
    params: RequestOf<O>,
  ): Promise<ReplyOf<O>> {
    try {
      return await this.userPool.send(operation, params);
    } catch (error) {
      throw this.fail(method, error);
    }
  }

  private async adminCall<O extends AdminOperation>(
    method: GatewayMethod,
    operation: O,
    params: RequestOf<O>,
  ): Promise<ReplyOf<O>> {
    try {
      return await this.adminClient().send(operation, params);
    } catch (error) {
      throw this.fail(method, error);
    }
  }

  private poolUser(username: string): { UserPoolId: string; Username: string } {
    return { UserPoolId: this.adminClient().userPoolId, Username: username };
  }

  private adminClient(): AdminClient {
    if (!this.admin) throw new Error('The admin client is not configured');
    return this.admin;
  }
}

/** What the emulator said of a user being enabled, or why it could not say. */
type EnabledCheck = { enabled: boolean } | { error: unknown };

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
