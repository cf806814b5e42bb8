import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { isEmail, MaxLength, ValidateBy } from 'class-validator';

/**
 * An email address, trimmed and lower-cased before it is checked and sent
 * to Cognito (Cognito usernames are case-sensitive).
 */
export function IsNormalizedEmail(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ example: 'ash@example.com' }),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim().toLowerCase() : value,
    ),
    MaxLength(254, {
      message: '$property must be at most 254 characters long',
    }),
    IsEmailAddress(),
  );
}

/**
 * class-validator's isEmail, for well-formed strings only: validator.js
 * calls encodeURI, which throws on a lone surrogate (a 500 from a body
 * like {"email":"\ud800"}).
 */
function IsEmailAddress(): PropertyDecorator {
  return ValidateBy({
    name: 'isEmail',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && value.isWellFormed() && isEmail(value),
      defaultMessage: () => '$property must be an email address',
    },
  });
}
