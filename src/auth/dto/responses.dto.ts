import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class RegisterResponse {
  @ApiProperty({ example: '1a7a024b-7229-46f9-b111-0c3df950bd7c' })
  userSub: string;

  @ApiProperty({ example: false })
  userConfirmed: boolean;

  @ApiPropertyOptional({
    example: 'a***@e***',
    description: 'Where the code was sent',
  })
  codeDeliveryDestination?: string;
}

export class TokensResponse {
  @ApiProperty()
  accessToken: string;

  @ApiProperty()
  idToken: string;

  @ApiProperty()
  refreshToken: string;

  @ApiProperty({
    example: 3600,
    description: 'Lifetime of the access token, in seconds',
  })
  expiresIn: number;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';
}

export class ChallengeResponse {
  @ApiProperty({ example: 'NEW_PASSWORD_REQUIRED' })
  challenge: string;

  @ApiProperty()
  session: string;
}

export class StatusResponse {
  @ApiProperty({ example: 'success' })
  status: 'success';
}

export class AcceptedResponse {
  @ApiProperty({ example: 'accepted' })
  status: 'accepted';

  @ApiProperty({
    example: 'If an account exists for this email, a code has been sent to it.',
  })
  message: string;
}
