import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsNormalizedEmail } from '../../common/validation/email.decorator.js';

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login' })
  @IsString()
  @MinLength(1)
  @MaxLength(8192)
  refreshToken: string;

  @ApiPropertyOptional({
    example: 'ash@example.com',
    description:
      'Needed only when the app client has a secret (for SECRET_HASH)',
  })
  @IsOptional()
  @IsNormalizedEmail()
  email?: string;
}
