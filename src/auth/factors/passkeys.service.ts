import { HttpStatus, Injectable } from '@nestjs/common';
import {
  PasswordlessGateway,
  type Passkey,
  type WebAuthnJson,
} from '../../cognito/passwordless.gateway.js';
import { ApiException } from '../../common/errors/api-exception.js';
import type { PasskeyResponse } from '../dto/passkey.dto.js';

/** The user's passkeys at Cognito, with their access token. */
@Injectable()
export class PasskeysService {
  constructor(private readonly gateway: PasswordlessGateway) {}

  async list(accessToken: string): Promise<PasskeyResponse[]> {
    return (await this.gateway.listAllPasskeys(accessToken)).map(toResponse);
  }

  /** StartWebAuthnRegistration: the creation options for the browser. */
  creationOptions(accessToken: string): Promise<WebAuthnJson> {
    return this.gateway.startPasskeyRegistration(accessToken);
  }

  /**
   * CompleteWebAuthnRegistration answers nothing: the new passkey is the
   * one ListWebAuthnCredentials names with the credential's id.
   */
  async register(
    accessToken: string,
    credential: WebAuthnJson,
  ): Promise<PasskeyResponse> {
    await this.gateway.completePasskeyRegistration(accessToken, credential);
    const passkeys = await this.gateway.listAllPasskeys(accessToken);
    const id = String(credential.id);
    const added =
      passkeys.find((passkey) => passkey.id === id) ??
      // Newest last, as Cognito lists them.
      passkeys[passkeys.length - 1];
    if (!added) {
      throw new ApiException(
        HttpStatus.INTERNAL_SERVER_ERROR,
        'INTERNAL',
        'Something went wrong; the error was logged.',
        {
          cause: new Error(
            'ListWebAuthnCredentials does not name the passkey just registered',
          ),
        },
      );
    }
    return toResponse(added);
  }

  /** DeleteWebAuthnCredential; 404 NOT_FOUND when the user has no such passkey. */
  async remove(accessToken: string, id: string): Promise<void> {
    await this.gateway.deletePasskey(accessToken, id);
  }
}

function toResponse(passkey: Passkey): PasskeyResponse {
  return {
    id: passkey.id,
    name: passkey.name,
    createdAt: passkey.createdAt,
    ...(passkey.authenticatorAttachment
      ? { authenticatorAttachment: passkey.authenticatorAttachment }
      : {}),
  };
}
