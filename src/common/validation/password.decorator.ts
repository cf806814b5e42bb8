import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength, ValidateBy } from 'class-validator';

export const PASSWORD_POLICY_CONTEXT = 'passwordPolicy';
const policy = { context: { [PASSWORD_POLICY_CONTEXT]: true } };

/** The pool's policy, stated once: 8+ characters, upper, lower, digit, symbol. */
export const PASSWORD_POLICY_TEXT =
  'at least 8 characters, with an upper-case letter, a lower-case letter, a digit and a symbol';

/**
 * A NEW password (register, change, confirm, challenge): the Cognito
 * password policy. Never used on a password that is only checked (login,
 * currentPassword): an old password may predate the policy.
 */
export function IsCognitoPassword(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      example: 'N3w-Passw0rd!',
      description: `New password: ${PASSWORD_POLICY_TEXT}.`,
    }),
    IsString({ message: '$property must be a string' }),
    MinLength(8, {
      message: '$property must be at least 8 characters long',
      ...policy,
    }),
    MaxLength(256, {
      message: '$property must be at most 256 characters long',
    }),
    Contains('upperCase', /[A-Z]/, 'an upper-case letter'),
    Contains('lowerCase', /[a-z]/, 'a lower-case letter'),
    Contains('digit', /[0-9]/, 'a digit'),
    Contains('symbol', /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/, 'a symbol'),
  );
}

/** A password that is only checked against Cognito: any non-empty string. */
export function IsExistingPassword(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ example: 'Passw0rd!' }),
    IsString({ message: '$property must be a string' }),
    MinLength(1, { message: '$property must not be empty' }),
    MaxLength(256, {
      message: '$property must be at most 256 characters long',
    }),
  );
}

/**
 * One rule of the policy under its own constraint name (`Matches` used four
 * times would share one name, and class-validator would report only the last).
 */
function Contains(
  rule: string,
  pattern: RegExp,
  what: string,
): PropertyDecorator {
  return ValidateBy(
    {
      name: `passwordContains:${rule}`,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && pattern.test(value),
        defaultMessage: () => `$property must contain ${what}`,
      },
    },
    policy,
  );
}
