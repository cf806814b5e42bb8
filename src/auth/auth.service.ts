import { HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import { setTimeout } from 'node:timers/promises';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { CognitoClient, type AuthResult } from '../cognito/cognito.client.js';
import { cognitoErrorName } from '../cognito/cognito-errors.js';
import type { EmbeddedCognito } from '../cognito/emulator/embedded-cognito.js';
import { EMBEDDED_COGNITO } from '../cognito/emulator/embedded.token.js';
import { ApiException } from '../common/errors/api-exception.js';
import { ANSWERED_AS_ACCEPTED } from './account-enumeration.js';
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
    private readonly cognito: CognitoClient,
    private readonly revoked: RevokedSessions,
    @Optional()
    @Inject(EMBEDDED_COGNITO)
    private readonly embedded: EmbeddedCognito | null = null,
    @Optional()
    @Inject(authConfig.KEY)
    private readonly config?: Pick<AuthConfig, 'failureMinMs'>,
  ) {}

  async register({
    name,
    email,
    password,
  }: RegisterDto): Promise<RegisterResponse> {
    const result = await this.cognito.send<{
      UserSub: string;
      UserConfirmed: boolean;
      CodeDeliveryDetails?: { Destination?: string };
    }>('register', 'SignUp', {
      ClientId: this.cognito.clientId,
      Username: email,
      Password: password,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'name', Value: name },
      ],
    });
    return {
      userSub: result.UserSub,
      userConfirmed: result.UserConfirmed,
      codeDeliveryDestination: result.CodeDeliveryDetails?.Destination,
    };
  }

  async confirmRegistration({
    email,
    code,
  }: ConfirmRegistrationDto): Promise<StatusResponse> {
    await this.cognito.send('confirmRegistration', 'ConfirmSignUp', {
      ClientId: this.cognito.clientId,
      Username: email,
      ConfirmationCode: code,
    });
    return SUCCESS;
  }

  /**
   * 202 whether or not the account exists. The emulator lacks the call: in
   * embedded mode the stored sign-up code goes to the outbox again.
   */
  async resendConfirmation(email: string): Promise<AcceptedResponse> {
    try {
      await this.cognito.send('resendConfirmation', 'ResendConfirmationCode', {
        ClientId: this.cognito.clientId,
        Username: email,
      });
    } catch (error) {
      const name = cognitoErrorName(error) ?? '';
      if (name === 'Unsupported' && this.embedded) {
        await this.embedded.resendSignUpCode(email);
      } else if (!ANSWERED_AS_ACCEPTED.has(name)) {
        throw error;
      }
    }
    return ACCEPTED;
  }

  async login({
    email,
    password,
  }: LoginDto): Promise<TokensResponse | ChallengeResponse> {
    return toLoginAnswer(await this.passwordAuth(email, password));
  }

  /**
   * Proves a password; USER_PASSWORD_AUTH unless the pool wants SRP. A
   * refusal takes at least AUTH_FAILURE_MIN_MS, so that an unknown email
   * and a wrong password cannot be told apart by timing either.
   */
  async passwordAuth(email: string, password: string): Promise<AuthResult> {
    const started = Date.now();
    try {
      if (this.cognito.connection.authFlow === 'USER_SRP_AUTH') {
        return await this.cognito.authenticateSrp(email, password);
      }
      return await this.cognito.send<AuthResult>('login', 'InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: this.cognito.clientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      });
    } catch (error) {
      if (
        error instanceof ApiException &&
        error.code === 'INVALID_CREDENTIALS'
      ) {
        const wait = (this.config?.failureMinMs ?? 0) - (Date.now() - started);
        if (wait > 0) await setTimeout(wait);
      }
      throw error;
    }
  }

  /** Completes NEW_PASSWORD_REQUIRED or SOFTWARE_TOKEN_MFA with the session login gave. */
  async respondToChallenge(
    dto: ChallengeDto,
  ): Promise<TokensResponse | ChallengeResponse> {
    const answer =
      dto.challenge === 'NEW_PASSWORD_REQUIRED'
        ? { NEW_PASSWORD: dto.newPassword }
        : { SOFTWARE_TOKEN_MFA_CODE: dto.code };
    const result = await this.cognito.send<AuthResult>(
      'challenge',
      'RespondToAuthChallenge',
      {
        ClientId: this.cognito.clientId,
        ChallengeName: dto.challenge,
        Session: dto.session,
        ChallengeResponses: { USERNAME: dto.email, ...answer },
      },
    );
    return toLoginAnswer(result);
  }

  async refresh({ refreshToken, email }: RefreshDto): Promise<RefreshResponse> {
    const secretHash = email ? this.cognito.secretHash(email) : undefined;
    if (this.cognito.connection.clientSecret && !secretHash) {
      throw new ApiException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', [
        'email is required: the app client has a secret, and SECRET_HASH needs the user',
      ]);
    }
    const result = await this.cognito.send<AuthResult>(
      'refresh',
      'InitiateAuth',
      {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: this.cognito.clientId,
        AuthParameters: {
          REFRESH_TOKEN: refreshToken,
          ...(secretHash ? { SECRET_HASH: secretHash } : {}),
        },
      },
    );
    if (!result.AuthenticationResult) {
      throw new ApiException(
        HttpStatus.UNAUTHORIZED,
        'UNAUTHORIZED',
        'Cognito asks for a challenge on refresh; log in again.',
      );
    }
    return toRefreshAnswer(result);
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
      await this.revokeRefreshToken('logout', refreshToken);
    } catch (error) {
      // Cognito does not know the token: nothing left to revoke. Anything
      // else (throttled, unreachable) means it may still be valid: retry.
      const unknownToken =
        error instanceof ApiException &&
        (error.code === 'UNAUTHORIZED' || error.code === 'VALIDATION_FAILED');
      if (!unknownToken) throw error;
    }
  }

  /** RevokeToken (ClientSecret is added by CognitoClient when there is one). */
  revokeRefreshToken(
    flow: 'logout' | 'changePassword',
    refreshToken: string,
  ): Promise<unknown> {
    return this.cognito.send(flow, 'RevokeToken', {
      ClientId: this.cognito.clientId,
      Token: refreshToken,
    });
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
    const { UserAttributes } = await this.cognito.send<{
      UserAttributes: { Name: string; Value: string }[];
    }>('profile', 'GetUser', { AccessToken: accessToken });
    const attribute = (name: string): string | undefined =>
      UserAttributes.find((a) => a.Name === name)?.Value;
    return {
      sub: attribute('sub') ?? user.sub,
      email: attribute('email') ?? null,
      name: attribute('name') ?? null,
      emailVerified: attribute('email_verified') === 'true',
      groups: user.groups,
    };
  }
}
