import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsNormalizedEmail } from '../../common/validation/email.decorator.js';

export const PASSWORDLESS_METHODS = ['WEB_AUTHN', 'EMAIL_OTP'] as const;
export type PasswordlessMethodDto = (typeof PASSWORDLESS_METHODS)[number];

/** Starts a sign-in with a passkey or an emailed code. */
export class PasswordlessLoginDto {
  @IsNormalizedEmail()
  email: string;

  @ApiProperty({ enum: PASSWORDLESS_METHODS, example: 'EMAIL_OTP' })
  @IsIn(PASSWORDLESS_METHODS, {
    message: `method must be one of ${PASSWORDLESS_METHODS.join(', ')}`,
  })
  method: PasswordlessMethodDto;
}

/** The first step of a passwordless sign-in: the same keys whether or not the account exists. */
export class PasswordlessChallengeResponse {
  @ApiProperty({ enum: PASSWORDLESS_METHODS, example: 'WEB_AUTHN' })
  challenge: PasswordlessMethodDto;

  @ApiProperty({
    description:
      "Goes back unchanged to POST /auth/challenge, once, within the app client's AuthSessionValidity",
  })
  session: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'WEB_AUTHN: the PublicKeyCredentialRequestOptions JSON, for PublicKeyCredential.parseRequestOptionsFromJSON',
    example: {
      challenge: 'm1sP2vXq8b5F1t0kq2eC3w',
      allowCredentials: [{ id: 'pA4v0d9c6x2QnRz1yW3tEg', type: 'public-key' }],
      timeout: 180000,
      userVerification: 'required',
      rpId: 'localhost',
    },
  })
  options?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: 'a***@e***',
    description: 'EMAIL_OTP: where the code was sent, masked',
  })
  codeDeliveryDestination?: string;
}
