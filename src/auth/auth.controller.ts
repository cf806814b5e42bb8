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
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import type { AuthUser } from './auth-user.js';
import { AuthService, SESSION_ENDED } from './auth.service.js';
import {
  SessionCookieRoute,
  SessionCookiesSent,
} from './cookies/session-cookies.interceptor.js';
import type { SessionCookieValues } from './cookies/session-cookies.js';
import { CurrentUser } from './decorators/current-user.decorator.js';
import { Public } from './decorators/public.decorator.js';
import { RawBearerToken } from './decorators/raw-bearer-token.decorator.js';
import { ChallengeDto, isPasswordlessAnswer } from './dto/challenge.dto.js';
import { ConfirmRegistrationDto } from './dto/confirm-registration.dto.js';
import { EmailOnlyDto } from './dto/email-only.dto.js';
import { LoginDto } from './dto/login.dto.js';
import { LogoutDto } from './dto/logout.dto.js';
import { AllowEndedSession } from './guards/jwt-auth.guard.js';
import {
  CurrentClient,
  type SessionClient,
} from './sessions/session-client.decorator.js';
import {
  NEEDS_TOKEN_REVOCATION,
  SessionRecords,
} from './sessions/session-records.js';
import { RefreshDto } from './dto/refresh.dto.js';
import { RegisterDto } from './dto/register.dto.js';
import {
  PasswordlessChallengeResponse,
  PasswordlessLoginDto,
} from './dto/passwordless.dto.js';
import {
  PasswordlessRoute,
  passwordlessOff,
} from './guards/passwordless-on.guard.js';
import { PasswordlessService } from './passwordless.service.js';
import { LimitPerEmail } from './rate-limit/email-rate-limit.interceptor.js';
import { IpThrottlerGuard } from './rate-limit/ip-throttler.guard.js';
import {
  AcceptedResponse,
  ChallengeResponse,
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

/** Sign-up and the session: login, challenges, refresh, logout (this session, or all). */
@ApiTags('auth')
@ApiExtraModels(TokensResponse, ChallengeResponse)
@UseGuards(IpThrottlerGuard)
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionRecords,
    private readonly passwordless: PasswordlessService,
  ) {}

  @Public()
  @Post('register')
  @LimitPerEmail('requests')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Register a user',
    description:
      'Creates an unconfirmed account and sends a confirmation code to the email (to the dev outbox with the embedded emulator). The password policy: 8+ characters with an upper-case letter, a lower-case letter, a digit and a symbol.',
  })
  @ApiErrors({ cognito: ['signUp'] })
  @ApiCreatedResponse({ type: RegisterResponse })
  register(@Body() dto: RegisterDto): Promise<RegisterResponse> {
    return this.auth.register(dto);
  }

  @Public()
  @Post('confirm-registration')
  @LimitPerEmail('requests')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Confirm a registration with the emailed code',
    description:
      'A wrong code, an unknown email and an account already confirmed all answer CODE_MISMATCH, so that the route does not tell which accounts exist.',
  })
  @ApiErrors({ cognito: ['confirmSignUp'] })
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
  @ApiOperation({
    summary: 'Send the confirmation code again',
    description:
      'Answers the same 202 for any email, whether or not an unconfirmed account exists for it.',
  })
  @ApiErrors({ cognito: ['resendConfirmationCode'] })
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
  @ApiOperation({
    summary: 'Log in with email and password',
    description:
      'Answers the access, ID and refresh tokens and the internal username, or a challenge (NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA) to answer at POST /auth/challenge. A wrong password and an unknown email get the same answer, no sooner than AUTH_FAILURE_MIN_MS; failures are rate-limited per email and client address.',
  })
  @ApiErrors({ cognito: ['passwordAuth'] })
  @ApiOkResponse(TOKENS_OR_CHALLENGE)
  login(
    @Body() dto: LoginDto,
    @CurrentClient() client: SessionClient,
  ): Promise<TokensResponse | ChallengeResponse> {
    return this.auth.login(dto, client);
  }

  @Public()
  @Post('login/passwordless')
  @PasswordlessRoute()
  @LimitPerEmail('passwordless')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Start a sign-in with a passkey or an emailed code',
    description:
      "Cognito's choice-based sign-in (USER_AUTH). `WEB_AUTHN` answers the PublicKeyCredentialRequestOptions JSON for `PublicKeyCredential.parseRequestOptionsFromJSON`; `EMAIL_OTP` emails a code. Answer either at POST /auth/challenge with the `session`. An unknown email, an unconfirmed account and a user without a passkey get the same status, keys and `challenge` as a user with one (a session nothing can pass). Limited per email and client address; EMAIL_OTP also per email. 404 NOT_FOUND while AUTH_PASSWORDLESS is off.",
  })
  @ApiErrors({
    passwordless: ['startSignIn'],
    answers: [
      [
        HttpStatus.NOT_FOUND,
        'NOT_FOUND',
        'Cannot POST /api/v1/auth/login/passwordless',
      ],
    ],
  })
  @ApiOkResponse({ type: PasswordlessChallengeResponse })
  loginPasswordless(
    @Body() dto: PasswordlessLoginDto,
  ): Promise<PasswordlessChallengeResponse> {
    return this.passwordless.start(dto.email, dto.method);
  }

  @Public()
  @Post('challenge')
  @LimitPerEmail('challenges')
  @SessionCookieRoute('issue')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Answer a login challenge',
    description:
      "With the `session` that login or login/passwordless answered: `newPassword` for NEW_PASSWORD_REQUIRED, `code` (from the authenticator app) for SOFTWARE_TOKEN_MFA, `credential` (the AuthenticationResponseJSON of `navigator.credentials.get`, `credential.toJSON()`) for WEB_AUTHN, `code` (the emailed 6-8 digits) for EMAIL_OTP. Answers tokens, or the next challenge (SOFTWARE_TOKEN_MFA after an email code for a user with TOTP on). A wrong code or a refused passkey is 401 INVALID_CREDENTIALS, counted like a failed password; the passwordless forms are 404 NOT_FOUND while AUTH_PASSWORDLESS is off. A session is good for its user and challenge only, once, within the app client's AuthSessionValidity (3 minutes by default): any other is 401 UNAUTHORIZED, counted like a failed password.",
  })
  @ApiErrors({
    cognito: ['respondToChallenge'],
    passwordless: ['answerChallenge'],
    answers: [
      [
        HttpStatus.NOT_FOUND,
        'NOT_FOUND',
        'Passkeys and email codes are off on this server (AUTH_PASSWORDLESS).',
      ],
    ],
  })
  @ApiOkResponse(TOKENS_OR_CHALLENGE)
  challenge(
    @Body() dto: ChallengeDto,
    @CurrentClient() client: SessionClient,
  ): Promise<TokensResponse | ChallengeResponse> {
    if (!isPasswordlessAnswer(dto)) {
      return this.auth.respondToChallenge(dto, client);
    }
    if (!this.passwordless.enabled) {
      throw passwordlessOff('POST', '/api/v1/auth/challenge');
    }
    return this.passwordless.answer(dto, client);
  }

  @Public()
  @Post('refresh')
  @SessionCookieRoute('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'New access and ID tokens from a refresh token',
    description:
      "Public. With an app client secret Cognito needs the internal username: send `username`, or the user's access or ID token as a bearer token (of this pool, expired or not). A revoked, expired or foreign refresh token, or a session ended (logout, DELETE /auth/sessions/{id}, POST /auth/logout/others, a password change or a sign-out everywhere), is 401. Writes the session's last activity, user agent and address (GET /auth/sessions).",
  })
  @ApiErrors({
    cognito: ['refresh'],
    answers: [
      [
        HttpStatus.UNAUTHORIZED,
        'UNAUTHORIZED',
        'This session has ended (password changed or signed out everywhere); log in again.',
      ],
      [HttpStatus.UNAUTHORIZED, 'UNAUTHORIZED', SESSION_ENDED],
      [
        HttpStatus.SERVICE_UNAVAILABLE,
        'IDP_UNAVAILABLE',
        'The identity provider cannot be reached to check the token; try again later.',
      ],
    ],
  })
  @ApiOkResponse({ type: RefreshResponse })
  @ApiBearerAuth()
  refresh(
    @Body() dto: RefreshDto,
    @RawBearerToken() bearer: string | undefined,
    @SessionCookiesSent() cookies: SessionCookieValues,
    @CurrentClient() client: SessionClient,
  ): Promise<RefreshResponse> {
    return this.auth.refresh(
      {
        refreshToken: dto.refreshToken ?? cookies.refreshToken,
        username: dto.username,
      },
      bearer ?? cookies.accessToken,
      client,
    );
  }

  @Post('logout')
  @AllowEndedSession()
  @SessionCookieRoute('end')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Log out: revoke the refresh token, end this session',
    description:
      "Revokes the refresh token at Cognito, then refuses this session's access and ID tokens. On 503 (Cognito or the session store cannot be reached) or 429 nothing has been refused yet: retry the same request with the same bearer token. Logging out twice is fine.",
  })
  @ApiErrors({ cognito: ['revokeRefreshToken'] })
  @ApiBearerAuth()
  @ApiNoContentResponse({
    description: 'Refresh token revoked; this session refused from now on',
  })
  async logout(
    @CurrentUser() user: AuthUser,
    @Body() dto: LogoutDto,
    @SessionCookiesSent() cookies: SessionCookieValues,
  ): Promise<void> {
    await this.auth.logout(user, dto.refreshToken ?? cookies.refreshToken);
  }

  @Post('logout/others')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'End every other session of the user',
    description:
      "Every session of the user but the one of this token ends, listed in GET /auth/sessions or not: their access, ID and refresh tokens are refused by this API from now on, on every instance (the user's sign-out cutoff, sparing this session by its origin_jti). Their refresh tokens stay valid at Cognito itself, which cannot revoke them without the tokens; tokens minted from them are refused here. Answers once the next whole second has begun (at most 1 s), so a sign-in that follows is never refused. Needs tokens with origin_jti (token revocation on the app client), else 501 NOT_IMPLEMENTED.",
  })
  @ApiErrors({
    answers: [
      [HttpStatus.NOT_IMPLEMENTED, 'NOT_IMPLEMENTED', NEEDS_TOKEN_REVOCATION],
    ],
  })
  @ApiBearerAuth()
  @ApiNoContentResponse({
    description: 'Every other session of the user is refused from now on',
  })
  async logoutOthers(@CurrentUser() user: AuthUser): Promise<void> {
    await this.sessions.endOthers(user);
  }

  @Post('logout/all')
  @SessionCookieRoute('end')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'End every session of the user, on every device',
    description:
      "An access or ID token will do. GlobalSignOut where Cognito has it, and the user's sign-out cutoff in this API: every token of the user issued before now is refused, and their refresh tokens mint no more.",
  })
  @ApiNoContentResponse({
    description: 'Every token of the user issued before now is refused',
  })
  async logoutAll(
    @CurrentUser() user: AuthUser,
    @RawBearerToken() token: string | undefined,
  ): Promise<void> {
    await this.auth.logoutEverywhere(user, token);
  }
}
