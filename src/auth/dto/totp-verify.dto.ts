import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class TotpVerifyDto {
  @ApiProperty({
    example: '123456',
    description: 'A code from the authenticator app',
  })
  @Matches(/^\d{6}$/, {
    message: 'code must be the 6 digits the authenticator app shows',
  })
  code: string;
}
