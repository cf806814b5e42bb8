import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsNormalizedEmail } from '../../common/validation/email.decorator.js';

export class RefreshDto {
  @ApiPropertyOptional({
    description:
      'The refresh token from login. Required, except in cookie mode when the refresh_token cookie is sent',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(8192)
  refreshToken?: string;

  @ApiPropertyOptional({
    example: '1a7a024b-7229-46f9-b111-0c3df950bd7c',
    description:
      'The `username` of the login answer. Needed only when the app client has a secret (its secret hash names the user) and no bearer token of the user is sent',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u, {
    message: 'username must be the username of the login answer',
  })
  username?: string;

  @ApiPropertyOptional({
    example: 'ash@example.com',
    description: 'Accepted for older clients; not used',
  })
  @IsOptional()
  @IsNormalizedEmail()
  email?: string;
}
