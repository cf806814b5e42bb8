import { HttpStatus, Injectable, type PipeTransform } from '@nestjs/common';
import { ApiException } from '../../common/errors/api-exception.js';

/** A credential id: base64url, as Cognito's CredentialId (and WebAuthn's rawId) is. */
const CREDENTIAL_ID = /^[A-Za-z0-9_-]{1,1024}$/;

/** The `:id` of a passkey route: not base64url is 404 NOT_FOUND, as no such passkey is. */
@Injectable()
export class PasskeyIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CREDENTIAL_ID.test(value)) {
      throw new ApiException(
        HttpStatus.NOT_FOUND,
        'NOT_FOUND',
        'No passkey with this id.',
      );
    }
    return value;
  }
}
