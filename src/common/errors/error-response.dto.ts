import { ApiProperty } from '@nestjs/swagger';

/** The error body of every route, for the OpenAPI document. */
export class ErrorResponse {
  @ApiProperty({ example: 401 })
  statusCode: number;

  @ApiProperty({
    example: 'INVALID_CREDENTIALS',
    description: 'Stable machine code',
  })
  error: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'Incorrect email or password.',
  })
  message: string | string[];

  @ApiProperty({ example: '3f0c7a4e-8d1b-4b8e-9a55-0b2f6f1c9d21' })
  requestId: string;
}
