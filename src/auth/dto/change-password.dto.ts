import { IsNormalizedEmail } from '../../common/validation/email.decorator.js';
import {
  IsCognitoPassword,
  IsExistingPassword,
} from '../../common/validation/password.decorator.js';

export class ChangePasswordDto {
  @IsNormalizedEmail()
  email: string;

  @IsExistingPassword()
  currentPassword: string;

  @IsCognitoPassword()
  newPassword: string;
}
