import { Controller, Get, HttpCode, HttpStatus, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { Public } from '../auth/decorators/public.decorator.js';
import { CognitoPool } from '../cognito/cognito-pool.js';
import { Outbox } from '../cognito/emulator/outbox.js';
import { ApiException } from '../common/errors/api-exception.js';
import { IsNormalizedEmail } from '../common/validation/email.decorator.js';
import { ApiErrors } from '../openapi/api-errors.decorator.js';

class OutboxQuery {
  @IsOptional()
  @IsNormalizedEmail()
  email?: string;
}

class OutboxMessageDto {
  @ApiProperty({ example: 'ash@example.com' })
  email: string;

  @ApiProperty({
    example: 'SignUp',
    description: 'SignUp, ForgotPassword, ResendCode, ...',
  })
  kind: string;

  @ApiProperty({ example: '043810' })
  code: string;

  @ApiProperty({ example: '2026-11-23T20:17:29.504Z' })
  at: string;
}

/** Codes the embedded emulator "sent". Exists only while the emulator runs. */
@ApiTags('dev')
@Public()
@Controller('dev')
export class DevController {
  constructor(
    private readonly connection: CognitoPool,
    private readonly outbox: Outbox,
  ) {}

  @Get('outbox')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Codes the embedded emulator "sent", oldest first',
    description:
      'Only with the embedded emulator (confirmation, reset and invitation codes that real Cognito emails); 404 in any other mode. `email` keeps that address only.',
  })
  @ApiErrors({
    answers: [
      [HttpStatus.NOT_FOUND, 'NOT_FOUND', 'Cannot GET /api/v1/dev/outbox'],
    ],
  })
  @ApiOkResponse({ type: [OutboxMessageDto], description: 'Oldest first' })
  list(@Query() query: OutboxQuery): OutboxMessageDto[] {
    if (this.connection.mode !== 'embedded') {
      throw new ApiException(
        HttpStatus.NOT_FOUND,
        'NOT_FOUND',
        'Cannot GET /api/v1/dev/outbox',
      );
    }
    return this.outbox.list(query.email);
  }
}
