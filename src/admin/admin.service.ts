import { Injectable, Logger } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { CognitoGateway } from '../cognito/cognito.gateway.js';
import type { PoolUserRecord } from '../cognito/cognito.types.js';
import type {
  AdminUserResponse,
  CreateUserDto,
  ListUsersQuery,
  UpdateUserDto,
  UserListResponse,
} from './dto/admin.dto.js';
import {
  decodeCursor,
  encodeCursor,
  type UsersPosition,
} from './users-cursor.js';

/** Who does what to whom, for the audit line. */
export interface AdminActor {
  sub: string;
  requestId: string;
}

/**
 * The admin API over Cognito's Admin* operations. Every action writes one
 * audit line (actor sub, action, target username, request id), never a
 * secret. Disabling, deleting, signing out a user and removing a user from
 * a group also set the user's sign-out cutoff: their tokens are refused
 * from then on. Adding a group ends nothing: the next refresh or sign-in
 * carries it.
 */
@Injectable()
export class AdminService {
  private readonly audit = new Logger('Audit');

  constructor(
    private readonly cognito: CognitoGateway,
    private readonly auth: AuthService,
  ) {}

  /**
   * A page of `limit` users from the position of the cursor. Cognito pages
   * by up to 60 (the emulator ignores the limit and answers all): the page
   * is cut here, and the cursor says where the next one starts (Cognito's
   * page token and how many of that page were already given).
   */
  async list(
    actor: AdminActor,
    { limit, cursor, email }: ListUsersQuery,
  ): Promise<UserListResponse> {
    let { token, skip }: UsersPosition = decodeCursor(cursor);
    const users: PoolUserRecord[] = [];
    let next: UsersPosition | undefined;
    for (;;) {
      const page = await this.cognito.adminListUsers({
        ...(email ? { emailPrefix: email } : {}),
        ...(token ? { pageToken: token } : {}),
      });
      const rest = page.users.slice(skip);
      const room = limit - users.length;
      users.push(...rest.slice(0, room));
      if (rest.length > room) {
        next = { ...(token ? { token } : {}), skip: skip + room };
        break;
      }
      if (!page.nextToken) break;
      token = page.nextToken;
      skip = 0;
      if (users.length === limit) {
        next = { token, skip: 0 };
        break;
      }
    }
    this.log(actor, 'users.list', '-');
    return {
      items: await Promise.all(users.map((user) => this.withGroups(user))),
      ...(next ? { nextCursor: encodeCursor(next) } : {}),
    };
  }

  async create(
    actor: AdminActor,
    { email, name, groups = [] }: CreateUserDto,
  ): Promise<AdminUserResponse> {
    const user = await this.cognito.adminCreateUser({ email, name });
    this.log(actor, 'users.create', user.username);
    for (const group of groups) {
      await this.cognito.adminAddToGroup(user.username, group);
    }
    return this.withGroups(user);
  }

  async get(actor: AdminActor, username: string): Promise<AdminUserResponse> {
    const user = await this.cognito.adminGetUser(username);
    this.log(actor, 'users.get', username);
    return this.withGroups(user);
  }

  async update(
    actor: AdminActor,
    username: string,
    { enabled, name }: UpdateUserDto,
  ): Promise<AdminUserResponse> {
    const before = await this.cognito.adminGetUser(username);
    if (name !== undefined) await this.cognito.adminSetName(username, name);
    if (enabled !== undefined) {
      await this.cognito.adminSetEnabled(username, enabled);
      if (!enabled) await this.endSessions(before);
    }
    const changed = [
      ...(name !== undefined ? ['name'] : []),
      ...(enabled !== undefined ? [enabled ? 'enable' : 'disable'] : []),
    ];
    this.log(actor, `users.update(${changed.join(',')})`, username);
    return this.withGroups(await this.cognito.adminGetUser(username));
  }

  async delete(actor: AdminActor, username: string): Promise<void> {
    const user = await this.cognito.adminGetUser(username);
    await this.cognito.adminDeleteUser(username);
    this.log(actor, 'users.delete', username);
    await this.endSessions(user);
  }

  async addToGroup(
    actor: AdminActor,
    username: string,
    group: string,
  ): Promise<void> {
    await this.cognito.adminAddToGroup(username, group);
    this.log(actor, `groups.add(${group})`, username);
  }

  async removeFromGroup(
    actor: AdminActor,
    username: string,
    group: string,
  ): Promise<void> {
    const user = await this.cognito.adminGetUser(username);
    await this.cognito.adminRemoveFromGroup(username, group);
    this.log(actor, `groups.remove(${group})`, username);
    // The user's tokens carry the group in `cognito:groups` until they
    // expire: refused from now on (refresh too), so the next sign-in
    // carries the groups as they are.
    await this.endSessions(user);
  }

  /** AdminUserGlobalSignOut where Cognito has it, and the user's cutoff here. */
  async signOut(actor: AdminActor, username: string): Promise<void> {
    const user = await this.cognito.adminGetUser(username);
    await this.cognito.adminGlobalSignOut(username);
    this.log(actor, 'users.sign-out', username);
    await this.endSessions(user);
  }

  private async endSessions(user: PoolUserRecord): Promise<void> {
    await this.auth.endSessionsOf(user.sub ?? user.username);
  }

  private async withGroups(user: PoolUserRecord): Promise<AdminUserResponse> {
    const groups = await this.cognito.adminListGroups(user.username);
    return { ...user, groups };
  }

  private log(actor: AdminActor, action: string, target: string): void {
    this.audit.log(
      `admin action=${action} actor=${actor.sub} target=${target} requestId=${actor.requestId}`,
    );
  }
}
