import { IsNormalizedEmail } from '../../common/validation/email.decorator.js';
import { IsExistingPassword } from '../../common/validation/password.decorator.js';

export class LoginDto {
  @IsNormalizedEmail()
  email: string;

  @IsExistingPassword()
  password: string;
}
