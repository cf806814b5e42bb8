import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { isEmail, MaxLength, ValidateBy } from 'class-validator';

const MAX_EMAIL_LENGTH = 254;

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
    MaxLength(MAX_EMAIL_LENGTH, {
      message: '$property must be at most 254 characters long',
    }),
    IsEmailAddress(),
  );
}

/**
 * The email as the DTOs take it (trimmed, lower case), or undefined when
 * they would refuse it: for code that runs before validation (the per-email
 * rate limits).
 */
export function validEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  return email.length <= MAX_EMAIL_LENGTH && isEmailAddress(email)
    ? email
    : undefined;
}

const isEmailAddress = (value: unknown): boolean =>
  typeof value === 'string' && value.isWellFormed() && isEmail(value);

/**
 * class-validator's isEmail, for well-formed strings only: validator.js
 * calls encodeURI, which throws on a lone surrogate (a 500 from a body
 * like {"email":"\ud800"}).
 */
function IsEmailAddress(): PropertyDecorator {
  return ValidateBy({
    name: 'isEmail',
    validator: {
      validate: isEmailAddress,
      defaultMessage: () => '$property must be an email address',
    },
  });
}
