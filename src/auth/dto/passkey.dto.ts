import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsWebAuthnCredential } from '../../common/validation/webauthn-credential.decorator.js';

/** A passkey of the user (ListWebAuthnCredentials). */
export class PasskeyResponse {
  @ApiProperty({
    example: 'pA4v0d9c6x2QnRz1yW3tEg',
    description: "Cognito's CredentialId",
  })
  id: string;

  @ApiProperty({
    example: 'Chrome on Mac',
    description: "Cognito's FriendlyCredentialName",
  })
  name: string;

  @ApiProperty({ example: '2026-12-06T10:30:00.000Z' })
  createdAt: string;

  @ApiPropertyOptional({ example: 'platform' })
  authenticatorAttachment?: string;
}

export class PasskeyListResponse {
  @ApiProperty({ type: [PasskeyResponse] })
  items: PasskeyResponse[];
}

export class PasskeyOptionsResponse {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The PublicKeyCredentialCreationOptions JSON of StartWebAuthnRegistration, for PublicKeyCredential.parseCreationOptionsFromJSON',
  })
  options: Record<string, unknown>;
}

/** The RegistrationResponseJSON of navigator.credentials.create (`credential.toJSON()`). */
export class RegisterPasskeyDto {
  @IsWebAuthnCredential('registration')
  credential: Record<string, unknown>;
}
