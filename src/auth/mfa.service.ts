import { HttpStatus, Injectable } from '@nestjs/common';
import { CognitoClient } from '../cognito/cognito.client.js';
import { ApiException } from '../common/errors/api-exception.js';
import {
  SUCCESS,
  type StatusResponse,
  type TotpSetupResponse,
} from './dto/responses.dto.js';

const ISSUER = 'nest-cognito-auth';

/** TOTP (authenticator app) enrolment of the signed-in user. */
@Injectable()
export class MfaService {
  constructor(private readonly cognito: CognitoClient) {}

  /** A new TOTP secret, and the otpauth:// URI authenticator apps read (as a QR code). */
  async setupTotp(accessToken: string): Promise<TotpSetupResponse> {
    const [{ SecretCode }, account] = await Promise.all([
      this.cognito.send<{ SecretCode: string }>(
        'mfa',
        'AssociateSoftwareToken',
        {
          AccessToken: accessToken,
        },
      ),
      this.accountName(accessToken),
    ]);
    const uri = new URL(
      `otpauth://totp/${encodeURIComponent(`${ISSUER}:${account}`)}`,
    );
    uri.searchParams.set('secret', SecretCode);
    uri.searchParams.set('issuer', ISSUER);
    return { secretCode: SecretCode, otpauthUri: uri.toString() };
  }

  /** The label authenticator apps show: the user's email. */
  private async accountName(accessToken: string): Promise<string> {
    const { Username, UserAttributes } = await this.cognito.send<{
      Username: string;
      UserAttributes: { Name: string; Value: string }[];
    }>('mfa', 'GetUser', { AccessToken: accessToken });
    return UserAttributes.find((a) => a.Name === 'email')?.Value ?? Username;
  }

  /** Checks a first code, then makes TOTP the user's MFA for later logins. */
  async verifyTotp(accessToken: string, code: string): Promise<StatusResponse> {
    const { Status } = await this.cognito.send<{ Status: string }>(
      'mfa',
      'VerifySoftwareToken',
      { AccessToken: accessToken, UserCode: code, FriendlyDeviceName: ISSUER },
    );
    if (Status !== 'SUCCESS') {
      throw new ApiException(
        HttpStatus.BAD_REQUEST,
        'CODE_MISMATCH',
        'The code is not valid for this authenticator; try the next one.',
      );
    }
    await this.cognito.send('mfa', 'SetUserMFAPreference', {
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    });
    return SUCCESS;
  }
}
