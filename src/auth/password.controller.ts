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
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../common/errors/error-response.dto.js';
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
@ApiBadRequestResponse({
  type: ErrorResponse,
  description:
    'VALIDATION_FAILED, PASSWORD_POLICY, CODE_MISMATCH, CODE_EXPIRED',
})
@Public()
@UseGuards(IpThrottlerGuard)
@Controller('auth')
export class PasswordController {
  constructor(private readonly passwords: PasswordService) {}

  @Post('change-password')
  @LimitPerEmail('failedPasswords')
  @SessionCookieRoute('end')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: StatusResponse })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'INVALID_CREDENTIALS',
  })
  changePassword(@Body() dto: ChangePasswordDto): Promise<StatusResponse> {
    return this.passwords.changePassword(dto);
  }

  @Post('forgot-password')
  @LimitPerEmail('requests')
  @HttpCode(HttpStatus.ACCEPTED)
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
  @ApiOkResponse({ type: StatusResponse })
  confirmPassword(@Body() dto: ConfirmPasswordDto): Promise<StatusResponse> {
    return this.passwords.confirmPassword(dto);
  }
}
