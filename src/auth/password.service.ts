import { HttpStatus, Injectable } from '@nestjs/common';
import { CognitoGateway } from '../cognito/cognito.gateway.js';
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

/** Change, forget and reset a password. */
@Injectable()
export class PasswordService {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly auth: AuthService,
  ) {}

  /**
   * The tutorial's contract: identity is proven with the current password
   * (a login, mapped as one), then Cognito changes it with the access token
   * it gave. The refresh token of that internal login is revoked right away.
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
    const { accessToken, refreshToken } = result.tokens;
    await this.cognito.changePassword({
      accessToken,
      previousPassword: dto.currentPassword,
      proposedPassword: dto.newPassword,
    });
    if (refreshToken) {
      await this.cognito
        .revokeRefreshToken(refreshToken)
        .catch(() => undefined);
    }
    return SUCCESS;
  }

  /** 202 whether or not the account exists (the gateway hides which). */
  async forgotPassword(email: string): Promise<AcceptedResponse> {
    await this.cognito.forgotPassword(email);
    return ACCEPTED;
  }

  async confirmPassword(dto: ConfirmPasswordDto): Promise<StatusResponse> {
    await this.cognito.confirmForgotPassword({
      email: dto.email,
      code: dto.confirmationCode,
      newPassword: dto.newPassword,
    });
    return SUCCESS;
  }
}
