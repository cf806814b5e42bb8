import { HttpStatus, Injectable } from '@nestjs/common';
import { CognitoClient } from '../cognito/cognito.client.js';
import { cognitoErrorName } from '../cognito/cognito-errors.js';
import { ApiException } from '../common/errors/api-exception.js';
import { ANSWERED_AS_ACCEPTED } from './account-enumeration.js';
import { AuthService } from './auth.service.js';
import type { ChangePasswordDto } from './dto/change-password.dto.js';
import type { ConfirmPasswordDto } from './dto/confirm-password.dto.js';
import {
  ACCEPTED,
  SUCCESS,
  type AcceptedResponse,
  type StatusResponse,
} from './dto/responses.dto.js';

/** Change, forget and reset a password. */
@Injectable()
export class PasswordService {
  constructor(
    private readonly cognito: CognitoClient,
    private readonly auth: AuthService,
  ) {}

  /**
   * The tutorial's contract: identity is proven with the current password
   * (a login, mapped as one), then Cognito changes it with the access token
   * it gave. The refresh token of that internal login is revoked right away.
   */
  async changePassword(dto: ChangePasswordDto): Promise<StatusResponse> {
    const result = await this.auth.passwordAuth(dto.email, dto.currentPassword);
    const tokens = result.AuthenticationResult;
    if (!tokens) {
      throw new ApiException(
        HttpStatus.FORBIDDEN,
        'FORBIDDEN',
        `Cognito asks for ${result.ChallengeName ?? 'a challenge'} first: log in, complete it, then change the password.`,
      );
    }
    await this.cognito.send('changePassword', 'ChangePassword', {
      AccessToken: tokens.AccessToken,
      PreviousPassword: dto.currentPassword,
      ProposedPassword: dto.newPassword,
    });
    if (tokens.RefreshToken) {
      await this.auth
        .revokeRefreshToken('changePassword', tokens.RefreshToken)
        .catch(() => undefined);
    }
    return SUCCESS;
  }

  /** 202 whether or not the account exists: the answer reveals nothing. */
  async forgotPassword(email: string): Promise<AcceptedResponse> {
    try {
      await this.cognito.send('forgotPassword', 'ForgotPassword', {
        ClientId: this.cognito.clientId,
        Username: email,
      });
    } catch (error) {
      const name = cognitoErrorName(error);
      if (!ANSWERED_AS_ACCEPTED.has(name ?? '')) throw error;
    }
    return ACCEPTED;
  }

  async confirmPassword(dto: ConfirmPasswordDto): Promise<StatusResponse> {
    await this.cognito.send('confirmPassword', 'ConfirmForgotPassword', {
      ClientId: this.cognito.clientId,
      Username: dto.email,
      ConfirmationCode: dto.confirmationCode,
      Password: dto.newPassword,
    });
    return SUCCESS;
  }
}
