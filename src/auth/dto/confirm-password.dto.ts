import { IsNormalizedEmail } from '../../common/validation/email.decorator.js';
import { IsConfirmationCode } from '../../common/validation/code.decorator.js';
import { IsCognitoPassword } from '../../common/validation/password.decorator.js';

export class ConfirmPasswordDto {
  @IsNormalizedEmail()
  email: string;

  @IsConfirmationCode()
  confirmationCode: string;

  @IsCognitoPassword()
  newPassword: string;
}
