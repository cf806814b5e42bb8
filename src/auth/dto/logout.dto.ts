import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class LogoutDto {
  @ApiPropertyOptional({
    description: 'Revoked at Cognito when given, so it cannot be refreshed',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(8192)
  refreshToken?: string;
}
