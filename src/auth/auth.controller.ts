import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ErrorResponse } from '../common/errors/error-response.dto.js';
import { AuthService } from './auth.service.js';
import { Public } from './decorators/public.decorator.js';
import { ChangePasswordDto } from './dto/change-password.dto.js';
import { ConfirmPasswordDto } from './dto/confirm-password.dto.js';
import { ConfirmRegistrationDto } from './dto/confirm-registration.dto.js';
import { EmailOnlyDto } from './dto/email-only.dto.js';
import { LoginDto } from './dto/login.dto.js';
import { RegisterDto } from './dto/register.dto.js';
import {
  AcceptedResponse,
  ChallengeResponse,
  RegisterResponse,
  StatusResponse,
  TokensResponse,
} from './dto/responses.dto.js';

@ApiTags('auth')
@ApiExtraModels(TokensResponse, ChallengeResponse)
@ApiBadRequestResponse({
  type: ErrorResponse,
  description: 'VALIDATION_FAILED and the like',
})
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({ type: RegisterResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'USER_EXISTS' })
  register(@Body() dto: RegisterDto): Promise<RegisterResponse> {
    return this.auth.register(dto);
  }

  @Public()
  @Post('confirm-registration')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: StatusResponse })
  confirmRegistration(
    @Body() dto: ConfirmRegistrationDto,
  ): Promise<StatusResponse> {
    return this.auth.confirmRegistration(dto);
  }

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    description: 'Tokens, or a challenge to answer at /auth/challenge',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(TokensResponse) },
        { $ref: getSchemaPath(ChallengeResponse) },
      ],
    },
  })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'INVALID_CREDENTIALS',
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description: 'USER_NOT_CONFIRMED',
  })
  login(@Body() dto: LoginDto): Promise<TokensResponse | ChallengeResponse> {
    return this.auth.login(dto);
  }

  @Public()
  @Post('change-password')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: StatusResponse })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'INVALID_CREDENTIALS',
  })
  changePassword(@Body() dto: ChangePasswordDto): Promise<StatusResponse> {
    return this.auth.changePassword(dto);
  }

  @Public()
  @Post('forgot-password')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    type: AcceptedResponse,
    description: 'The same answer for any email',
  })
  forgotPassword(@Body() dto: EmailOnlyDto): Promise<AcceptedResponse> {
    return this.auth.forgotPassword(dto.email);
  }

  @Public()
  @Post('confirm-password')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: StatusResponse })
  confirmPassword(@Body() dto: ConfirmPasswordDto): Promise<StatusResponse> {
    return this.auth.confirmPassword(dto);
  }
}
