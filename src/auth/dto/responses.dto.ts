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

export class RefreshResponse {
  @ApiProperty()
  accessToken: string;

  @ApiProperty()
  idToken: string;

  @ApiProperty({
    example: 3600,
    description: 'Lifetime of the access token, in seconds',
  })
  expiresIn: number;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiPropertyOptional({
    description:
      'Only when the app client rotates refresh tokens: the new refresh token (the old one stops working)',
  })
  refreshToken?: string;
}

export class TokensResponse extends RefreshResponse {
  @ApiProperty()
  declare refreshToken: string;

  @ApiProperty({
    example: '1a7a024b-7229-46f9-b111-0c3df950bd7c',
    description:
      "The user's internal Cognito username (cognito:username; the sub in an email-as-username pool): send it to POST /auth/refresh",
  })
  username: string;
}

export class MfaStatus {
  @ApiProperty({
    example: false,
    nullable: true,
    type: Boolean,
    description: 'TOTP is on; null when asked with an ID token (unknown)',
  })
  totp: boolean | null;
}

export class MeResponse {
  @ApiProperty({ example: '1a7a024b-7229-46f9-b111-0c3df950bd7c' })
  sub: string;

  @ApiProperty({
    example: '1a7a024b-7229-46f9-b111-0c3df950bd7c',
    description: 'The internal Cognito username',
  })
  username: string;

  @ApiProperty({ example: 'ash@example.com', nullable: true, type: String })
  email: string | null;

  @ApiProperty({ example: 'Ash Ketchum', nullable: true, type: String })
  name: string | null;

  @ApiProperty({ example: true })
  emailVerified: boolean;

  @ApiProperty({ example: ['admin'], type: [String] })
  groups: string[];

  @ApiProperty({ type: MfaStatus })
  mfa: MfaStatus;

  @ApiPropertyOptional({
    example: ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'],
    type: [String],
    description:
      "With an access token and AUTH_PASSWORDLESS on: the sign-in factors the user has (Cognito's GetUserAuthFactors)",
  })
  factors?: string[];
}

export class TotpSetupResponse {
  @ApiProperty({
    example: 'JBSWY3DPEHPK3PXP',
    description: 'Base32 TOTP secret',
  })
  secretCode: string;

  @ApiProperty({
    example:
      'otpauth://totp/nest-cognito-auth:ash%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=nest-cognito-auth',
    description: 'For authenticator apps (as a QR code)',
  })
  otpauthUri: string;
}

export class ChallengeResponse {
  @ApiProperty({ example: 'NEW_PASSWORD_REQUIRED' })
  challenge: string;

  @ApiProperty()
  session: string;

  @ApiPropertyOptional({
    description: "The user's internal Cognito username, when Cognito names it",
  })
  username?: string;
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

export const SUCCESS: StatusResponse = { status: 'success' };

/** The one answer of forgot-password and resend-confirmation, account or not. */
export const ACCEPTED: AcceptedResponse = {
  status: 'accepted',
  message: 'If an account exists for this email, a code has been sent to it.',
};
