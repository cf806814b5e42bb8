import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsNormalizedEmail } from '../../common/validation/email.decorator.js';
import { IsCognitoPassword } from '../../common/validation/password.decorator.js';

export class RegisterDto {
  @ApiProperty({ example: 'Ash Ketchum' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  name: string;

  @IsNormalizedEmail()
  email: string;

  @IsCognitoPassword()
  password: string;
}
