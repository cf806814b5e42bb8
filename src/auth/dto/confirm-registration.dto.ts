import { IsNormalizedEmail } from '../../common/validation/email.decorator.js';
import { IsConfirmationCode } from '../../common/validation/code.decorator.js';

export class ConfirmRegistrationDto {
  @IsNormalizedEmail()
  email: string;

  @IsConfirmationCode()
  code: string;
}
