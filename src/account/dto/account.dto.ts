import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsConfirmationCode } from '../../common/validation/code.decorator.js';
import { IsNormalizedEmail } from '../../common/validation/email.decorator.js';

export class UpdateProfileDto {
  @ApiPropertyOptional({ example: 'Ash Ketchum', minLength: 1, maxLength: 256 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  name?: string;

  @ApiPropertyOptional({
    example: 'ash@example.com',
    description:
      'A code goes to the NEW address; confirm it at POST /auth/me/email/verify',
  })
  @IsOptional()
  @IsNormalizedEmail()
  email?: string;
}

export class VerifyEmailDto {
  @IsConfirmationCode()
  code: string;
}

export class DeleteAccountDto {
  @ApiProperty({
    example: 'Passw0rd!',
    description: 'The current password: proves the caller is the user',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password: string;
}

export class EmailChangeResponse {
  @ApiProperty({
    example: 'm***@e***',
    required: false,
    description: 'Where the code went (masked), when Cognito says',
  })
  codeDeliveryDestination?: string;
}
