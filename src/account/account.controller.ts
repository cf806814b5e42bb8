import {
  Body,
  Controller,
  Delete,
  Get,
  Ip,
  UseGuards,
  HttpCode,
  HttpStatus,
  Patch,
  Post,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { AccessToken } from '../auth/decorators/access-token.decorator.js';
import { SessionCookieRoute } from '../auth/cookies/session-cookies.interceptor.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { RawBearerToken } from '../auth/decorators/raw-bearer-token.decorator.js';
import { RecentSignIn } from '../auth/decorators/recent-sign-in.decorator.js';
import { MeResponse } from '../auth/dto/responses.dto.js';
import { INVALID_CREDENTIALS } from '../cognito/cognito-errors.js';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { AccountService } from './account.service.js';
import {
  DeleteAccountDto,
  EmailChangeResponse,
  UpdateProfileDto,
  VerifyEmailDto,
} from './dto/account.dto.js';
import { normalizeIp } from '@nestjs/throttler';
import { IpThrottlerGuard } from '../auth/rate-limit/ip-throttler.guard.js';

/** The signed-in user's own account: /auth/me and its email. Changes need the ACCESS token. */
@ApiTags('account')
@ApiBearerAuth()
@UseGuards(IpThrottlerGuard)
@Controller('auth')
export class AccountController {
  constructor(private readonly account: AccountService) {}

  @Get('me')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "The signed-in user's profile",
    description:
      'From Cognito (GetUser) with an access token; from the verified claims with an ID token, then `mfa.totp` is null. With an access token and AUTH_PASSWORDLESS on, `factors` lists the sign-in factors the user has (GetUserAuthFactors: PASSWORD, EMAIL_OTP, WEB_AUTHN).',
  })
  @ApiErrors({ cognito: ['getUser'], passwordless: ['getAuthFactors'] })
  @ApiOkResponse({ type: MeResponse })
  me(
    @CurrentUser() user: AuthUser,
    @RawBearerToken() token: string,
  ): Promise<MeResponse> {
    return this.account.me(user, token);
  }

  @Patch('me')
  @RecentSignIn({ whenBodyHas: 'email' })
  @ApiOperation({
    summary: 'Change the name and/or email of the account',
    description:
      'Needs the access token; an email change also needs a recent sign-in (AUTH_RECENT_SIGN_IN_SECONDS, else 403 REAUTHENTICATION_REQUIRED). A name change answers 200 with the profile; an email change answers 202: a code goes to the new address, to confirm at POST /auth/me/email/verify (the emulator switches the login at once).',
  })
  @ApiErrors({ cognito: ['updateProfile', 'getUser'] })
  @ApiOkResponse({ type: MeResponse, description: 'Name changed: the profile' })
  @ApiAcceptedResponse({
    type: EmailChangeResponse,
    description: 'Email changed: a code went to the new address',
  })
  async updateProfile(
    @CurrentUser() user: AuthUser,
    @AccessToken() accessToken: string,
    @Body() dto: UpdateProfileDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MeResponse | EmailChangeResponse> {
    const result = await this.account.updateProfile(user, accessToken, dto);
    if (result.kind === 'profile') return result.profile;
    void reply.status(HttpStatus.ACCEPTED);
    return result.answer;
  }

  @Post('me/email/verify')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Confirm a new email with the code sent to it',
    description:
      'Needs the access token. Answers the profile with the new email.',
  })
  @ApiErrors({ cognito: ['verifyEmail', 'getUser'] })
  @ApiOkResponse({ type: MeResponse })
  verifyEmail(
    @CurrentUser() user: AuthUser,
    @AccessToken() accessToken: string,
    @Body() dto: VerifyEmailDto,
  ): Promise<MeResponse> {
    return this.account.verifyEmail(user, accessToken, dto.code);
  }

  @Delete('me')
  @SessionCookieRoute('end')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete the account (the password proves it is the user)',
    description:
      'Needs the access token and the current password (a wrong one is 401 INVALID_CREDENTIALS, limited as login is). The account is deleted and its tokens are refused from then on.',
  })
  @ApiErrors({
    cognito: ['getUser', 'passwordAuth', 'deleteUser'],
    answers: [INVALID_CREDENTIALS],
  })
  @ApiNoContentResponse({
    description: 'Deleted; its tokens are refused from now on',
  })
  async deleteAccount(
    @CurrentUser() user: AuthUser,
    @AccessToken() accessToken: string,
    @Body() dto: DeleteAccountDto,
    @Ip() ip: string,
  ): Promise<void> {
    // As the per-IP throttler counts it: an IPv6 client by its /64.
    await this.account.deleteAccount(
      user,
      accessToken,
      dto.password,
      normalizeIp(ip),
    );
  }
}
