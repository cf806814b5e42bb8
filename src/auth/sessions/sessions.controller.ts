import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from '../../openapi/api-errors.decorator.js';
import type { AuthUser } from '../auth-user.js';
import { CurrentUser } from '../decorators/current-user.decorator.js';
import { SessionsResponse } from '../dto/sessions.dto.js';
import { NEEDS_TOKEN_REVOCATION, SessionRecords } from './session-records.js';

const NOT_IMPLEMENTED = [
  HttpStatus.NOT_IMPLEMENTED,
  'NOT_IMPLEMENTED',
  NEEDS_TOKEN_REVOCATION,
] as const;

/** The user's sessions, seen and ended one by one (README, "Sessions"). */
@ApiTags('auth')
@Controller('auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionRecords) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "The user's sessions, newest sign-in first",
    description:
      'Every session begun through this API (login, challenge, passwordless) and not ended: when it signed in, and the time, user agent and client address of its sign-in or last refresh (never updated per request). `current` marks the session of this token. Needs tokens with origin_jti (token revocation on the app client), else 501 NOT_IMPLEMENTED.',
  })
  @ApiErrors({ answers: [[...NOT_IMPLEMENTED]] })
  @ApiBearerAuth()
  @ApiOkResponse({ type: SessionsResponse })
  async list(@CurrentUser() user: AuthUser): Promise<SessionsResponse> {
    return { items: await this.sessions.list(user) };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'End one session',
    description:
      "Its access, ID and refresh tokens are refused by this API from now on, on every instance (this session may end itself). Its refresh token stays valid at Cognito itself, which cannot revoke it without the token; tokens minted from it carry the ended origin_jti and are refused here. 404 NOT_FOUND for any id that is not one of the user's live sessions (another user's, an ended one, a malformed one).",
  })
  @ApiParam({ name: 'id', description: 'A session id from GET /auth/sessions' })
  @ApiErrors({
    answers: [
      [...NOT_IMPLEMENTED],
      [
        HttpStatus.NOT_FOUND,
        'NOT_FOUND',
        'You have no live session with this id.',
      ],
    ],
  })
  @ApiBearerAuth()
  @ApiNoContentResponse({
    description: "The session's tokens are refused from now on",
  })
  async end(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
  ): Promise<void> {
    await this.sessions.end(user, id);
  }
}
