import {
  Body,
  Controller,
  HttpCode,
  HttpStatus,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { SessionCookieRoute } from './cookies/session-cookies.interceptor.js';
import { Public } from './decorators/public.decorator.js';
import { ChangePasswordDto } from './dto/change-password.dto.js';
import { ConfirmPasswordDto } from './dto/confirm-password.dto.js';
import { EmailOnlyDto } from './dto/email-only.dto.js';
import { AcceptedResponse, StatusResponse } from './dto/responses.dto.js';
import { PasswordService } from './password.service.js';
import { LimitPerEmail } from './rate-limit/email-rate-limit.interceptor.js';
import { IpThrottlerGuard } from './rate-limit/ip-throttler.guard.js';

/** Passwords: change with the current one, or reset with an emailed code. */
@ApiTags('auth')
@Public()
@UseGuards(IpThrottlerGuard)
@Controller('auth')
export class PasswordController {
  constructor(private readonly passwords: PasswordService) {}

  @Post('change-password')
  @LimitPerEmail('failedPasswords')
  @SessionCookieRoute('end')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Change the password, proving identity with the current one',
    description:
      'The email and current password are checked as at login (same answers, same rate limits); the new password must meet the policy. Every session of the user ends.',
  })
  @ApiErrors({
    cognito: ['passwordAuth', 'changePassword'],
    answers: [
      [
        HttpStatus.FORBIDDEN,
        'FORBIDDEN',
        'Cognito asks for NEW_PASSWORD_REQUIRED first: log in, complete it, then change the password.',
      ],
    ],
  })
  @ApiOkResponse({ type: StatusResponse })
  changePassword(@Body() dto: ChangePasswordDto): Promise<StatusResponse> {
    return this.passwords.changePassword(dto);
  }

  @Post('forgot-password')
  @LimitPerEmail('requests')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Send a password reset code',
    description:
      'Answers the same 202 for any email, whether or not an account exists for it. The code goes by email (to the dev outbox with the embedded emulator).',
  })
  @ApiErrors({ cognito: ['forgotPassword'] })
  @ApiAcceptedResponse({
    type: AcceptedResponse,
    description: 'The same answer for any email',
  })
  forgotPassword(@Body() dto: EmailOnlyDto): Promise<AcceptedResponse> {
    return this.passwords.forgotPassword(dto.email);
  }

  @Post('confirm-password')
  @LimitPerEmail('requests')
  @SessionCookieRoute('end')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Set a new password with the emailed reset code',
    description:
      'A wrong code and an unknown or unconfirmed email answer the same CODE_MISMATCH. Every session of the user ends.',
  })
  @ApiErrors({
    cognito: ['confirmForgotPassword'],
    answers: [
      [
        503,
        'IDP_UNAVAILABLE',
        'The password was reset, but the other sessions could not be ended: log in with the new password, then POST /api/v1/auth/logout/all.',
      ],
    ],
  })
  @ApiOkResponse({ type: StatusResponse })
  confirmPassword(@Body() dto: ConfirmPasswordDto): Promise<StatusResponse> {
    return this.passwords.confirmPassword(dto);
  }
}
