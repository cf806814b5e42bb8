import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, MaxLength } from 'class-validator';

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
    IsEmail({}, { message: '$property must be an email address' }),
  );
}
