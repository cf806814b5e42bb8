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
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { Groups } from '../auth/decorators/groups.decorator.js';
import { ErrorResponse } from '../common/errors/error-response.dto.js';
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

const NOT_FOUND = {
  type: ErrorResponse,
  description: 'NOT_FOUND: no such user',
};

/** Users of the pool, for members of the `admin` group. */
@ApiTags('admin')
@ApiBearerAuth()
@Groups('admin')
@ApiForbiddenResponse({
  type: ErrorResponse,
  description: 'FORBIDDEN: not in the admin group',
})
@ApiUnauthorizedResponse({ type: ErrorResponse, description: 'UNAUTHORIZED' })
@ApiBadRequestResponse({
  type: ErrorResponse,
  description: 'VALIDATION_FAILED',
})
@Controller('admin/users')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get()
  @ApiOperation({ summary: 'List users, a page at a time, by email prefix' })
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
  })
  @ApiCreatedResponse({ type: AdminUserResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'USER_EXISTS' })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: 'NOT_FOUND: no such group',
  })
  create(
    @Actor() actor: AdminActor,
    @Body() dto: CreateUserDto,
  ): Promise<AdminUserResponse> {
    return this.admin.create(actor, dto);
  }

  @Get(':username')
  @ApiOperation({ summary: 'One user' })
  @ApiOkResponse({ type: AdminUserResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  get(
    @Actor() actor: AdminActor,
    @Param('username') username: string,
  ): Promise<AdminUserResponse> {
    return this.admin.get(actor, username);
  }

  @Patch(':username')
  @ApiOperation({ summary: 'Enable or disable a user, or change the name' })
  @ApiOkResponse({ type: AdminUserResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  update(
    @Actor() actor: AdminActor,
    @Param('username') username: string,
    @Body() dto: UpdateUserDto,
  ): Promise<AdminUserResponse> {
    return this.admin.update(actor, username, dto);
  }

  @Delete(':username')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a user; their tokens are refused' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  async delete(
    @Actor() actor: AdminActor,
    @Param('username') username: string,
  ): Promise<void> {
    await this.admin.delete(actor, username);
  }

  @Put(':username/groups/:group')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Add a user to a group (in their next tokens)' })
  @ApiNoContentResponse({ description: 'Added' })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: 'NOT_FOUND: no such user or group',
  })
  async addToGroup(
    @Actor() actor: AdminActor,
    @Param('username') username: string,
    @Param('group') group: string,
  ): Promise<void> {
    await this.admin.addToGroup(actor, username, group);
  }

  @Delete(':username/groups/:group')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a user from a group' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: 'NOT_FOUND: no such user or group',
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
  @ApiOperation({ summary: 'End every session of a user' })
  @ApiNoContentResponse({ description: 'Their tokens are refused from now on' })
  @ApiNotFoundResponse(NOT_FOUND)
  async signOut(
    @Actor() actor: AdminActor,
    @Param('username') username: string,
  ): Promise<void> {
    await this.admin.signOut(actor, username);
  }
}
