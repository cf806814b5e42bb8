import {
  Body,
  Controller,
  HttpCode,
  HttpStatus,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../common/errors/error-response.dto.js';
import { AccessToken } from './decorators/access-token.decorator.js';
import { StatusResponse, TotpSetupResponse } from './dto/responses.dto.js';
import { TotpVerifyDto } from './dto/totp-verify.dto.js';
import { MfaService } from './mfa.service.js';
import { IpThrottlerGuard } from './rate-limit/ip-throttler.guard.js';

/** Two-factor login with an authenticator app (TOTP). Needs the ACCESS token. */
@ApiTags('mfa')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: 'UNAUTHORIZED (an ID token is not enough)',
})
@UseGuards(IpThrottlerGuard)
@Controller('auth/mfa/totp')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Post('setup')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Start TOTP enrolment: a secret and its otpauth:// URI',
  })
  @ApiOkResponse({ type: TotpSetupResponse })
  setup(@AccessToken() accessToken: string): Promise<TotpSetupResponse> {
    return this.mfa.setupTotp(accessToken);
  }

  @Post('verify')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Check a first code; TOTP is then required at login',
  })
  @ApiOkResponse({ type: StatusResponse })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'CODE_MISMATCH' })
  verify(
    @AccessToken() accessToken: string,
    @Body() dto: TotpVerifyDto,
  ): Promise<StatusResponse> {
    return this.mfa.verifyTotp(accessToken, dto.code);
  }
}
