import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { IsConfirmationCode } from '../../common/validation/code.decorator.js';
import { IsNormalizedEmail } from '../../common/validation/email.decorator.js';
import { IsCognitoPassword } from '../../common/validation/password.decorator.js';

export const CHALLENGES = [
  'NEW_PASSWORD_REQUIRED',
  'SOFTWARE_TOKEN_MFA',
] as const;
export type Challenge = (typeof CHALLENGES)[number];

/** The answer to a challenge login returned: a new password, or a TOTP code. */
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
    description: 'For SOFTWARE_TOKEN_MFA: the authenticator app code',
  })
  @ValidateIf((dto: ChallengeDto) => dto.challenge === 'SOFTWARE_TOKEN_MFA')
  @IsConfirmationCode()
  code?: string;
}
