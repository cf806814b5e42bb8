import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsNormalizedEmail } from '../../common/validation/email.decorator.js';

/** A Cognito group name: 1-128 characters, no spaces. */
const GROUP = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

/** Query of `GET /admin/users`. */
export class ListUsersQuery {
  @ApiPropertyOptional({ example: 20, default: 20, minimum: 1, maximum: 60 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60)
  limit: number = 20;

  @ApiPropertyOptional({
    description: 'The nextCursor of the previous page, as given',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,2048}$/, {
    message: 'cursor must be the nextCursor of a previous page',
  })
  cursor?: string;

  @ApiPropertyOptional({
    example: 'ash',
    description: 'Only users whose email starts with this (case-insensitive)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsString()
  @Matches(/^[^"\\\s]{1,254}$/, {
    message:
      'email must be 1 to 254 characters, without spaces, quotes or backslashes',
  })
  email?: string;
}

export class CreateUserDto {
  @IsNormalizedEmail()
  email: string;

  @ApiProperty({ example: 'Misty', minLength: 1, maxLength: 256 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  name: string;

  @ApiPropertyOptional({ example: ['staff'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(25)
  @Matches(GROUP, { each: true, message: 'each group must be a group name' })
  groups?: string[];
}

export class UpdateUserDto {
  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: 'Misty', minLength: 1, maxLength: 256 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  name?: string;
}

export class AdminUserResponse {
  @ApiProperty({ example: '1a7a024b-7229-46f9-b111-0c3df950bd7c' })
  username: string;

  @ApiProperty({
    example: '1a7a024b-7229-46f9-b111-0c3df950bd7c',
    nullable: true,
    type: String,
  })
  sub: string | null;

  @ApiProperty({ example: 'misty@example.com', nullable: true, type: String })
  email: string | null;

  @ApiProperty({ example: 'Misty', nullable: true, type: String })
  name: string | null;

  @ApiProperty({ example: 'CONFIRMED', description: 'Cognito UserStatus' })
  status: string;

  @ApiProperty({ example: true })
  enabled: boolean;

  @ApiProperty({ example: ['staff'], type: [String] })
  groups: string[];

  @ApiProperty({
    example: '2026-12-01T12:00:00.000Z',
    nullable: true,
    type: String,
  })
  createdAt: string | null;
}

export class UserListResponse {
  @ApiProperty({ type: [AdminUserResponse] })
  items: AdminUserResponse[];

  @ApiPropertyOptional({
    description: 'Pass as ?cursor= for the next page; absent on the last',
  })
  nextCursor?: string;
}
