import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsString,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { IsConfirmationCode } from '../../common/validation/code.decorator.js';
import { IsNormalizedEmail } from '../../common/validation/email.decorator.js';
import { IsCognitoPassword } from '../../common/validation/password.decorator.js';
import { IsWebAuthnCredential } from '../../common/validation/webauthn-credential.decorator.js';

/** The challenges of a password login. */
export const PASSWORD_CHALLENGES = [
  'NEW_PASSWORD_REQUIRED',
  'SOFTWARE_TOKEN_MFA',
] as const;
/** The challenges POST /auth/login/passwordless answers. */
export const PASSWORDLESS_CHALLENGES = ['WEB_AUTHN', 'EMAIL_OTP'] as const;
export const CHALLENGES = [
  ...PASSWORD_CHALLENGES,
  ...PASSWORDLESS_CHALLENGES,
] as const;
export type Challenge = (typeof CHALLENGES)[number];
export type PasswordChallenge = (typeof PASSWORD_CHALLENGES)[number];
export type PasswordlessChallenge = (typeof PASSWORDLESS_CHALLENGES)[number];

/** The answer to a challenge of login/passwordless (WEB_AUTHN, EMAIL_OTP). */
export function isPasswordlessAnswer(
  dto: ChallengeDto,
): dto is ChallengeDto & { challenge: PasswordlessChallenge } {
  return (PASSWORDLESS_CHALLENGES as readonly string[]).includes(dto.challenge);
}

/** An emailed sign-in code: 6 to 8 digits (Cognito's EMAIL_OTP). */
const EMAIL_OTP_CODE = /^\d{6,8}$/;

/**
 * The answer to a challenge login or login/passwordless returned: a new
 * password, a TOTP code, a passkey assertion or an emailed code.
 */
export class ChallengeDto {
  @IsNormalizedEmail()
  email: string;

  @ApiProperty({ enum: CHALLENGES })
  @IsIn(CHALLENGES, {
    message: `challenge must be one of ${CHALLENGES.join(', ')}`,
  })
  challenge: Challenge;

  @ApiProperty({ description: 'The session login returned with the challenge' })
  @IsString()
  @MinLength(1)
  @MaxLength(8192)
  session: string;

  @ApiPropertyOptional({ description: 'For NEW_PASSWORD_REQUIRED' })
  @ValidateIf((dto: ChallengeDto) => dto.challenge === 'NEW_PASSWORD_REQUIRED')
  @IsCognitoPassword()
  newPassword?: string;

  @ApiPropertyOptional({
    description:
      'For SOFTWARE_TOKEN_MFA: the authenticator app code; for EMAIL_OTP: the emailed code (6 to 8 digits)',
  })
  @ValidateIf(
    (dto: ChallengeDto) =>
      dto.challenge === 'SOFTWARE_TOKEN_MFA' || dto.challenge === 'EMAIL_OTP',
  )
  @IsConfirmationCode()
  @ValidateBy({
    name: 'isEmailOtpCode',
    validator: {
      validate: (value: unknown, args) =>
        (args?.object as ChallengeDto | undefined)?.challenge !== 'EMAIL_OTP' ||
        (typeof value === 'string' && EMAIL_OTP_CODE.test(value)),
      defaultMessage: () =>
        '$property must be the emailed code of 6 to 8 digits',
    },
  })
  code?: string;

  @ApiPropertyOptional({
    description:
      'For WEB_AUTHN: the AuthenticationResponseJSON of navigator.credentials.get (`credential.toJSON()`)',
  })
  @ValidateIf((dto: ChallengeDto) => dto.challenge === 'WEB_AUTHN')
  @IsWebAuthnCredential('authentication')
  credential?: Record<string, unknown>;
}
