import { IsNormalizedEmail } from '../../common/validation/email.decorator.js';

/** Body of forgot-password and resend-confirmation. */
export class EmailOnlyDto {
  @IsNormalizedEmail()
  email: string;
}
