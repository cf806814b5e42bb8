import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ErrorResponse } from '../common/errors/error-response.dto.js';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import {
  SessionCookieRoute,
  SessionCookiesSent,
} from './cookies/session-cookies.interceptor.js';
import type { SessionCookieValues } from './cookies/session-cookies.js';
import { CurrentUser } from './decorators/current-user.decorator.js';
import { Public } from './decorators/public.decorator.js';
import { RawBearerToken } from './decorators/raw-bearer-token.decorator.js';
import { ChallengeDto } from './dto/challenge.dto.js';
import { ConfirmRegistrationDto } from './dto/confirm-registration.dto.js';
import { EmailOnlyDto } from './dto/email-only.dto.js';
import { LoginDto } from './dto/login.dto.js';
import { LogoutDto } from './dto/logout.dto.js';
import { AllowEndedSession } from './guards/jwt-auth.guard.js';
import { RefreshDto } from './dto/refresh.dto.js';
import { RegisterDto } from './dto/register.dto.js';
import { LimitPerEmail } from './rate-limit/email-rate-limit.interceptor.js';
import { IpThrottlerGuard } from './rate-limit/ip-throttler.guard.js';
import {
  AcceptedResponse,
  ChallengeResponse,
  MeResponse,
  RefreshResponse,
  RegisterResponse,
  StatusResponse,
  TokensResponse,
} from './dto/responses.dto.js';

const TOKENS_OR_CHALLENGE = {
  description: 'Tokens, or a challenge to answer at POST /auth/challenge',
  schema: {
    oneOf: [
      { $ref: getSchemaPath(TokensResponse) },
      { $ref: getSchemaPath(ChallengeResponse) },
    ],
  },
};

/** Sign-up and the session: login, challenges, refresh, logout, profile. */
@ApiTags('auth')
@ApiExtraModels(TokensResponse, ChallengeResponse)
@ApiBadRequestResponse({
  type: ErrorResponse,
  description: 'VALIDATION_FAILED and the like',
})
@UseGuards(IpThrottlerGuard)
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  @LimitPerEmail('requests')
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({ type: RegisterResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'USER_EXISTS' })
  register(@Body() dto: RegisterDto): Promise<RegisterResponse> {
    return this.auth.register(dto);
  }

  @Public()
  @Post('confirm-registration')
  @LimitPerEmail('requests')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: StatusResponse })
  confirmRegistration(
    @Body() dto: ConfirmRegistrationDto,
  ): Promise<StatusResponse> {
    return this.auth.confirmRegistration(dto);
  }

  @Public()
  @Post('resend-confirmation')
  @LimitPerEmail('requests')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    type: AcceptedResponse,
    description: 'The same answer for any email',
  })
  resendConfirmation(@Body() dto: EmailOnlyDto): Promise<AcceptedResponse> {
    return this.auth.resendConfirmation(dto.email);
  }

  @Public()
  @Post('login')
  @LimitPerEmail('failedPasswords')
  @SessionCookieRoute('issue')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse(TOKENS_OR_CHALLENGE)
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
  @Post('challenge')
  @LimitPerEmail('challenges')
  @SessionCookieRoute('issue')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse(TOKENS_OR_CHALLENGE)
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'Session not valid or expired',
  })
  challenge(
    @Body() dto: ChallengeDto,
  ): Promise<TokensResponse | ChallengeResponse> {
    return this.auth.respondToChallenge(dto);
  }

  @Public()
  @Post('refresh')
  @SessionCookieRoute('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: RefreshResponse })
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description:
      'Revoked, expired or foreign refresh token, or a session ended by a password change',
  })
  refresh(
    @Body() dto: RefreshDto,
    @RawBearerToken() bearer: string | undefined,
    @SessionCookiesSent() cookies: SessionCookieValues,
  ): Promise<RefreshResponse> {
    return this.auth.refresh(
      {
        refreshToken: dto.refreshToken ?? cookies.refreshToken,
        username: dto.username,
      },
      bearer ?? cookies.accessToken,
    );
  }

  @Post('logout')
  @AllowEndedSession()
  @SessionCookieRoute('end')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiNoContentResponse({
    description: 'Refresh token revoked; this session refused from now on',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorResponse,
    description: 'IDP_UNAVAILABLE: nothing was revoked; retry the same request',
  })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'UNAUTHORIZED' })
  async logout(
    @CurrentUser() user: AuthUser,
    @Body() dto: LogoutDto,
    @SessionCookiesSent() cookies: SessionCookieValues,
  ): Promise<void> {
    await this.auth.logout(user, dto.refreshToken ?? cookies.refreshToken);
  }

  @Get('me')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOkResponse({ type: MeResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'UNAUTHORIZED' })
  me(
    @CurrentUser() user: AuthUser,
    @RawBearerToken() token: string,
  ): Promise<MeResponse> {
    return this.auth.me(user, token);
  }
}
