import { HttpStatus, Injectable } from '@nestjs/common';
import { CognitoGateway } from '../../cognito/cognito.gateway.js';
import { ApiException } from '../../common/errors/api-exception.js';
import type { DocumentedAnswer } from '../../openapi/api-errors.decorator.js';
import { EmailRateLimiter } from '../rate-limit/email-rate-limiter.js';
import {
  SUCCESS,
  type StatusResponse,
  type TotpSetupResponse,
} from '../dto/responses.dto.js';

const ISSUER = 'nest-cognito-auth';

/** What a code the authenticator did not make answers (checkTotp), as the routes document it. */
export const TOTP_CODE_MISMATCH = [
  HttpStatus.BAD_REQUEST,
  'CODE_MISMATCH',
  'The code is not valid for this authenticator; try the next one.',
] as const satisfies DocumentedAnswer;

/** TOTP (authenticator app) of the signed-in user: enrolment, and turning it off. */
@Injectable()
export class TotpService {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly limiter: EmailRateLimiter,
  ) {}

  /** A new TOTP secret, and the otpauth:// URI authenticator apps read (as a QR code). */
  async setupTotp(accessToken: string): Promise<TotpSetupResponse> {
    const [secretCode, account] = await Promise.all([
      this.cognito.associateSoftwareToken(accessToken),
      this.accountName(accessToken),
    ]);
    const uri = new URL(
      `otpauth://totp/${encodeURIComponent(`${ISSUER}:${account}`)}`,
    );
    uri.searchParams.set('secret', secretCode);
    uri.searchParams.set('issuer', ISSUER);
    return { secretCode, otpauthUri: uri.toString() };
  }

  /** The label authenticator apps show: the user's email. */
  private async accountName(accessToken: string): Promise<string> {
    const profile = await this.cognito.getUser(accessToken);
    return profile.email ?? profile.username;
  }

  /**
   * Checks a first code (wrong ones limited per user), then makes TOTP the
   * user's MFA for later logins.
   */
  async verifyTotp(
    userKey: string,
    accessToken: string,
    code: string,
  ): Promise<StatusResponse> {
    await this.limiter.checkCode(userKey, () =>
      this.checkTotp(accessToken, code),
    );
    await this.cognito.setTotpPreference(accessToken, {
      enabled: true,
      preferred: true,
    });
    return SUCCESS;
  }

  /**
   * A current code proves the authenticator is at hand (wrong ones limited
   * per user); then TOTP is off.
   */
  async disableTotp(
    userKey: string,
    accessToken: string,
    code: string,
  ): Promise<void> {
    await this.limiter.checkCode(userKey, () =>
      this.checkTotp(accessToken, code),
    );
    await this.cognito.setTotpPreference(accessToken, {
      enabled: false,
      preferred: false,
    });
  }

  /** VerifySoftwareToken, a refusal answered 400 CODE_MISMATCH. */
  async checkTotp(accessToken: string, code: string): Promise<void> {
    const verified = await this.cognito.verifySoftwareToken({
      accessToken,
      code,
      deviceName: ISSUER,
    });
    if (!verified) {
      throw new ApiException(...TOTP_CODE_MISMATCH);
    }
  }
}
