import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

/** A code Cognito sent by email (sign-up, forgot password) or an authenticator app's code. */
export function IsConfirmationCode(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ example: '123456' }),
    IsString({ message: '$property must be a string' }),
    Matches(/^\S{1,64}$/, {
      message: '$property must be a code of 1 to 64 characters without spaces',
    }),
  );
}
