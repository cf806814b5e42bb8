import {
  Body,
  Controller,
  HttpCode,
  HttpStatus,
  Delete,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from '../../openapi/api-errors.decorator.js';
import type { AuthUser } from '../auth-user.js';
import { AccessToken } from '../decorators/access-token.decorator.js';
import { CurrentUser } from '../decorators/current-user.decorator.js';
import { RecentSignIn } from '../decorators/recent-sign-in.decorator.js';
import { StatusResponse, TotpSetupResponse } from '../dto/responses.dto.js';
import { TotpVerifyDto } from '../dto/totp-verify.dto.js';
import { TOTP_CODE_MISMATCH, TotpService } from './totp.service.js';
import { IpThrottlerGuard } from '../rate-limit/ip-throttler.guard.js';

/** Two-factor login with an authenticator app (TOTP): set up, verify, turn off. Needs the ACCESS token. */
@ApiTags('mfa')
@ApiBearerAuth()
@UseGuards(IpThrottlerGuard)
@Controller('auth/mfa/totp')
export class TotpController {
  constructor(private readonly totp: TotpService) {}

  @Post('setup')
  @RecentSignIn()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Start TOTP enrolment: a secret and its otpauth:// URI',
    description:
      'Needs the access token (an ID token is 401) of a recent sign-in (AUTH_RECENT_SIGN_IN_SECONDS, else 403 REAUTHENTICATION_REQUIRED). Show `otpauthUri` as a QR code, or type `secretCode`, in an authenticator app, then verify a first code.',
  })
  @ApiErrors({ cognito: ['associateSoftwareToken', 'getUser'] })
  @ApiOkResponse({ type: TotpSetupResponse })
  setup(@AccessToken() accessToken: string): Promise<TotpSetupResponse> {
    return this.totp.setupTotp(accessToken);
  }

  @Post('verify')
  @RecentSignIn()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Check a first code; TOTP is then required at login',
    description:
      'Needs the access token of a recent sign-in (else 403 REAUTHENTICATION_REQUIRED). Once verified, login answers a SOFTWARE_TOKEN_MFA challenge instead of tokens.',
  })
  @ApiErrors({
    cognito: ['verifySoftwareToken', 'setTotpPreference'],
    answers: [TOTP_CODE_MISMATCH],
  })
  @ApiOkResponse({ type: StatusResponse })
  verify(
    @CurrentUser() user: AuthUser,
    @AccessToken() accessToken: string,
    @Body() dto: TotpVerifyDto,
  ): Promise<StatusResponse> {
    return this.totp.verifyTotp(user.sub, accessToken, dto.code);
  }

  @Delete()
  @RecentSignIn()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Turn TOTP off (a current code proves the authenticator)',
    description:
      'Needs the access token of a recent sign-in (AUTH_RECENT_SIGN_IN_SECONDS, else 403 REAUTHENTICATION_REQUIRED) and a current code from the authenticator app. Login then answers tokens without a challenge.',
  })
  @ApiErrors({
    cognito: ['verifySoftwareToken', 'setTotpPreference'],
    answers: [TOTP_CODE_MISMATCH],
  })
  @ApiNoContentResponse({
    description: 'TOTP is off; login answers tokens directly',
  })
  async disableTotp(
    @CurrentUser() user: AuthUser,
    @AccessToken() accessToken: string,
    @Body() dto: TotpVerifyDto,
  ): Promise<void> {
    await this.totp.disableTotp(user.sub, accessToken, dto.code);
  }
}
