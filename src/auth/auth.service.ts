import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { setTimeout } from 'node:timers/promises';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { CognitoGateway } from '../cognito/cognito.gateway.js';
import type { SignInResult } from '../cognito/cognito.types.js';
import { ApiException } from '../common/errors/api-exception.js';
import type { AuthUser } from './auth-user.js';
import type { ChallengeDto } from './dto/challenge.dto.js';
import type { ConfirmRegistrationDto } from './dto/confirm-registration.dto.js';
import type { LoginDto } from './dto/login.dto.js';
import type { RefreshDto } from './dto/refresh.dto.js';
import type { RegisterDto } from './dto/register.dto.js';
import {
  ACCEPTED,
  SUCCESS,
  type AcceptedResponse,
  type ChallengeResponse,
  type MeResponse,
  type RefreshResponse,
  type RegisterResponse,
  type StatusResponse,
  type TokensResponse,
} from './dto/responses.dto.js';
import { RevokedSessions } from './sessions/revoked-sessions.js';
import { toLoginAnswer, toRefreshAnswer } from './token-answers.js';

/** Sign-up and the session lifecycle, each a short sequence of Cognito calls. */
@Injectable()
export class AuthService {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly revoked: RevokedSessions,
    @Inject(authConfig.KEY)
    private readonly config: AuthConfig,
  ) {}

  async register({
    name,
    email,
    password,
  }: RegisterDto): Promise<RegisterResponse> {
    const result = await this.cognito.signUp({ email, password, name });
    return {
      userSub: result.userSub,
      userConfirmed: result.userConfirmed,
      codeDeliveryDestination: result.codeDeliveryDestination,
    };
  }

  async confirmRegistration({
    email,
    code,
  }: ConfirmRegistrationDto): Promise<StatusResponse> {
    await this.cognito.confirmSignUp(email, code);
    return SUCCESS;
  }

  /** 202 whether or not the account exists (the gateway hides which). */
  async resendConfirmation(email: string): Promise<AcceptedResponse> {
    await this.cognito.resendConfirmationCode(email);
    return ACCEPTED;
  }

  async login({
    email,
    password,
  }: LoginDto): Promise<TokensResponse | ChallengeResponse> {
    return toLoginAnswer(await this.passwordAuth(email, password));
  }

  /**
   * Proves a password (the pool's flow: USER_PASSWORD_AUTH or SRP). A
   * refusal takes at least AUTH_FAILURE_MIN_MS, so that an unknown email
   * and a wrong password cannot be told apart by timing either.
   */
  async passwordAuth(email: string, password: string): Promise<SignInResult> {
    const started = Date.now();
    try {
      return await this.cognito.passwordAuth(email, password);
    } catch (error) {
      if (
        error instanceof ApiException &&
        error.code === 'INVALID_CREDENTIALS'
      ) {
        const wait = this.config.failureMinMs - (Date.now() - started);
        if (wait > 0) await setTimeout(wait);
      }
      throw error;
    }
  }

  /** Completes NEW_PASSWORD_REQUIRED or SOFTWARE_TOKEN_MFA with the session login gave. */
  async respondToChallenge(
    dto: ChallengeDto,
  ): Promise<TokensResponse | ChallengeResponse> {
    // The DTO requires the field its challenge needs.
    const answer =
      dto.challenge === 'NEW_PASSWORD_REQUIRED'
        ? { challenge: dto.challenge, newPassword: dto.newPassword! }
        : { challenge: dto.challenge, code: dto.code! };
    const result = await this.cognito.respondToChallenge({
      email: dto.email,
      session: dto.session,
      answer,
    });
    return toLoginAnswer(result);
  }

  async refresh({ refreshToken, email }: RefreshDto): Promise<RefreshResponse> {
    const result = await this.cognito.refresh({ refreshToken, email });
    if (result.kind === 'challenge') {
      throw new ApiException(
        HttpStatus.UNAUTHORIZED,
        'UNAUTHORIZED',
        'Cognito asks for a challenge on refresh; log in again.',
      );
    }
    return toRefreshAnswer(result.tokens);
  }

  /**
   * Refuses this session's tokens in this API from now on (though their
   * signatures stay valid until they expire), then revokes the refresh
   * token at Cognito when one is given. A refresh token Cognito does not
   * know (already revoked, of another client, not a refresh token) changes
   * nothing: the session is over either way, and logging out twice is fine.
   * If Cognito cannot be reached or throttles the call, the 503 or 429
   * tells the client to retry so the refresh token does get revoked.
   */
  async logout(user: AuthUser, refreshToken?: string): Promise<void> {
    this.revoked.revoke(user);
    if (!refreshToken) return;
    try {
      await this.cognito.revokeRefreshToken(refreshToken);
    } catch (error) {
      // Cognito does not know the token: nothing left to revoke. Anything
      // else (throttled, unreachable) means it may still be valid: retry.
      const unknownToken =
        error instanceof ApiException &&
        (error.code === 'UNAUTHORIZED' || error.code === 'VALIDATION_FAILED');
      if (!unknownToken) throw error;
    }
  }

  /**
   * The user's profile: from Cognito (GetUser) with an access token; from
   * the verified claims with an ID token, which GetUser does not take.
   */
  async me(
    user: AuthUser,
    accessToken: string | undefined,
  ): Promise<MeResponse> {
    if (user.tokenUse === 'id' || !accessToken) {
      return {
        sub: user.sub,
        email: user.email ?? null,
        name: user.name ?? null,
        emailVerified: user.emailVerified ?? false,
        groups: user.groups,
      };
    }
    const profile = await this.cognito.getUser(accessToken);
    return {
      sub: profile.sub ?? user.sub,
      email: profile.email ?? null,
      name: profile.name ?? null,
      emailVerified: profile.emailVerified,
      groups: user.groups,
    };
  }
}
