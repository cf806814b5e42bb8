import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { CognitoGateway } from '../cognito/cognito.gateway.js';
import type { SignInResult } from '../cognito/cognito.types.js';
import { ApiException } from '../common/errors/api-exception.js';
import { AuthService } from './auth.service.js';
import type { ChangePasswordDto } from './dto/change-password.dto.js';
import type { ConfirmPasswordDto } from './dto/confirm-password.dto.js';
import {
  ACCEPTED,
  SUCCESS,
  type AcceptedResponse,
  type StatusResponse,
} from './dto/responses.dto.js';

/** Change, forget and reset a password; either ends the user's sessions. */
@Injectable()
export class PasswordService {
  private readonly logger = new Logger(PasswordService.name);

  constructor(
    private readonly cognito: CognitoGateway,
    private readonly auth: AuthService,
  ) {}

  /**
   * The tutorial's contract: identity is proven with the current password
   * (a login, mapped as one), then Cognito changes it with the access token
   * it gave. Every session of the user then ends, that internal login's too
   * (ChangePassword itself revokes nothing).
   */
  async changePassword(dto: ChangePasswordDto): Promise<StatusResponse> {
    const result = await this.auth.passwordAuth(dto.email, dto.currentPassword);
    if (result.kind === 'challenge') {
      throw new ApiException(
        HttpStatus.FORBIDDEN,
        'FORBIDDEN',
        `Cognito asks for ${result.challenge} first: log in, complete it, then change the password.`,
      );
    }
    await this.cognito.changePassword({
      accessToken: result.tokens.accessToken,
      previousPassword: dto.currentPassword,
      proposedPassword: dto.newPassword,
    });
    await this.endSessions(result);
    return SUCCESS;
  }

  /** 202 whether or not the account exists (the gateway hides which). */
  async forgotPassword(email: string): Promise<AcceptedResponse> {
    await this.cognito.forgotPassword(email);
    return ACCEPTED;
  }

  /**
   * Sets the new password with the emailed code, then ends every session of
   * the user. The route knows only the email: a sign-in with the new
   * password tells who the user is (and gives the access token
   * GlobalSignOut needs).
   */
  async confirmPassword(dto: ConfirmPasswordDto): Promise<StatusResponse> {
    try {
      await this.cognito.confirmForgotPassword({
        email: dto.email,
        code: dto.confirmationCode,
        newPassword: dto.newPassword,
      });
    } catch (error) {
      throw await this.auth.asEmailLimit(error, dto.email);
    }
    let result: SignInResult;
    try {
      result = await this.cognito.passwordAuth(dto.email, dto.newPassword);
    } catch (error) {
      await this.endSessionsByAdmin(dto.email, error);
      return SUCCESS;
    }
    await this.endSessions(result);
    return SUCCESS;
  }

  /**
   * The password is reset but the sign-in that names the user failed
   * (Cognito throttling, say): the user is looked up with the admin API
   * instead. When that fails too, the route must not answer as if the old
   * sessions had ended (a reset is often what follows a stolen password).
   */
  private async endSessionsByAdmin(
    email: string,
    signInError: unknown,
  ): Promise<void> {
    try {
      const user = await this.cognito.adminGetUser(email);
      await this.auth.endSessionsOf(user.sub ?? user.username);
      await this.cognito
        .adminGlobalSignOut(user.username)
        .catch(() => undefined);
    } catch (error) {
      this.logger.error(
        `Password reset, but its sessions could not be ended: sign-in failed (${String(signInError)}), AdminGetUser failed (${String(error)})`,
      );
      throw new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        'IDP_UNAVAILABLE',
        'The password was reset, but the other sessions could not be ended: log in with the new password, then POST /api/v1/auth/logout/all.',
        { cause: error },
      );
    }
  }

  /**
   * Ends every session of the user a sign-in names: by GlobalSignOut and
   * the cutoff of its sub (tokens), or by the cutoff alone (a challenge
   * names only the username, the sub in an email-as-username pool). That
   * sign-in's own refresh token is revoked where GlobalSignOut did not.
   */
  private async endSessions(result: SignInResult): Promise<void> {
    if (result.kind === 'challenge') {
      if (result.username) await this.auth.endSessionsOf(result.username);
      else this.logger.error(`Cognito named no user in ${result.challenge}`);
      return;
    }
    const { accessToken, refreshToken } = result.tokens;
    const sub = result.user.sub ?? result.user.username;
    const signedOut = sub
      ? await this.auth.endSessionsOf(sub, accessToken)
      : false;
    if (!signedOut && refreshToken) {
      await this.cognito
        .revokeRefreshToken(refreshToken)
        .catch(() => undefined);
    }
  }
}
