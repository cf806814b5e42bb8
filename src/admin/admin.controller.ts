import {
  Body,
  Controller,
  createParamDecorator,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Put,
  Query,
  type ExecutionContext,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { Groups } from '../auth/decorators/groups.decorator.js';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { AdminService, type AdminActor } from './admin.service.js';
import {
  AdminUserResponse,
  CreateUserDto,
  ListUsersQuery,
  UpdateUserDto,
  UserListResponse,
} from './dto/admin.dto.js';

/** The caller as the audit line names them: their sub, and the request id. */
const Actor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AdminActor => {
    const request = context
      .switchToHttp()
      .getRequest<{ user: AuthUser; id: string }>();
    return { sub: request.user.sub, requestId: String(request.id) };
  },
);

/** Users of the pool, for members of the `admin` group. */
@ApiTags('admin')
@ApiBearerAuth()
@Groups('admin')
@Controller('admin/users')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiOperation({
    summary: 'List users, a page at a time, by email prefix',
    description:
      '`limit` 1-60 (default 20); `email` an email prefix; pass `nextCursor` back as `cursor` for the next page (an opaque position). Each user comes with their groups.',
  })
  @ApiErrors({ cognito: ['adminListUsers', 'adminListGroups'] })
  @ApiOkResponse({ type: UserListResponse })
  list(
    @Actor() actor: AdminActor,
    @Query() query: ListUsersQuery,
  ): Promise<UserListResponse> {
    return this.admin.list(actor, query);
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Invite a user: Cognito emails a temporary password',
    description:
      'Creates the user and adds them to `groups`. Their first login with the temporary password answers NEW_PASSWORD_REQUIRED (in embedded mode the password reaches the dev outbox). An unknown group is 404.',
  })
  @ApiErrors({
    cognito: ['adminCreateUser', 'adminAddToGroup', 'adminListGroups'],
  })
  @ApiCreatedResponse({ type: AdminUserResponse })
  create(
    @Actor() actor: AdminActor,
    @Body() dto: CreateUserDto,
  ): Promise<AdminUserResponse> {
    return this.admin.create(actor, dto);
  }

  @Get(':username')
  @ApiOperation({
    summary: 'One user',
    description: 'By their internal username, with their groups.',
  })
  @ApiErrors({ cognito: ['adminGetUser', 'adminListGroups'] })
  @ApiOkResponse({ type: AdminUserResponse })
  get(
    @Actor() actor: AdminActor,
    @Param('username') username: string,
  ): Promise<AdminUserResponse> {
    return this.admin.get(actor, username);
  }

  @Patch(':username')
  @ApiOperation({
    summary: 'Enable or disable a user, or change the name',
    description:
      'Disabling a user also ends their sessions: their tokens are refused at once. Answers the user as it is now.',
  })
  @ApiErrors({
    cognito: [
      'adminGetUser',
      'adminSetName',
      'adminSetEnabled',
      'adminListGroups',
    ],
  })
  @ApiOkResponse({ type: AdminUserResponse })
  update(
    @Actor() actor: AdminActor,
    @Param('username') username: string,
    @Body() dto: UpdateUserDto,
  ): Promise<AdminUserResponse> {
    return this.admin.update(actor, username, dto);
  }

  @Delete(':username')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete a user; their tokens are refused',
    description: 'The user is deleted from the pool and their sessions end.',
  })
  @ApiErrors({ cognito: ['adminGetUser', 'adminDeleteUser'] })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(
    @Actor() actor: AdminActor,
    @Param('username') username: string,
  ): Promise<void> {
    await this.admin.delete(actor, username);
  }

  @Put(':username/groups/:group')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Add a user to a group (in their next tokens)',
    description:
      'Tokens issued before keep their `cognito:groups`; the change shows in the next login or refresh. An unknown user or group is 404.',
  })
  @ApiErrors({ cognito: ['adminAddToGroup'] })
  @ApiNoContentResponse({ description: 'Added' })
  async addToGroup(
    @Actor() actor: AdminActor,
    @Param('username') username: string,
    @Param('group') group: string,
  ): Promise<void> {
    await this.admin.addToGroup(actor, username, group);
  }

  @Delete(':username/groups/:group')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Remove a user from a group, ending their sessions',
    description:
      "Their tokens carry the group in `cognito:groups` until they expire, so every token of theirs issued before now is refused from now on (the user's sign-out cutoff, on every instance; refresh is refused too): a removed admin loses the admin routes at once and signs in again. An unknown user or group is 404.",
  })
  @ApiErrors({ cognito: ['adminGetUser', 'adminRemoveFromGroup'] })
  @ApiNoContentResponse({
    description: 'Removed; their tokens are refused from now on',
  })
  async removeFromGroup(
    @Actor() actor: AdminActor,
    @Param('username') username: string,
    @Param('group') group: string,
  ): Promise<void> {
    await this.admin.removeFromGroup(actor, username, group);
  }

  @Post(':username/sign-out')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'End every session of a user',
    description:
      "AdminUserGlobalSignOut and the user's sign-out cutoff in this API: every token of theirs issued before now is refused.",
  })
  @ApiErrors({ cognito: ['adminGetUser', 'adminGlobalSignOut'] })
  @ApiNoContentResponse({ description: 'Their tokens are refused from now on' })
  async signOut(
    @Actor() actor: AdminActor,
    @Param('username') username: string,
  ): Promise<void> {
    await this.admin.signOut(actor, username);
  }
}
