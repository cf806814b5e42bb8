import { ApiProperty } from '@nestjs/swagger';

/** One session of the user, as GET /auth/sessions lists it. */
export class SessionItem {
  @ApiProperty({
    description: 'Opaque id, for DELETE /auth/sessions/{id}',
    example: '9wH2I1sRDG6hjs-NGAO2utCQdN5OvnDWNWDB8e41o64',
  })
  id!: string;

  @ApiProperty({ format: 'date-time', description: 'When it signed in' })
  createdAt!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Its sign-in or last refresh',
  })
  lastActiveAt!: string;

  @ApiProperty({
    description:
      'User-Agent of its sign-in or last refresh (256 characters at most)',
    example: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)',
  })
  userAgent!: string;

  @ApiProperty({
    description:
      'Client address of its sign-in or last refresh (as TRUST_PROXY decides)',
    example: '203.0.113.7',
  })
  ipAddress!: string;

  @ApiProperty({ description: 'The session of the token of this request' })
  current!: boolean;
}

export class SessionsResponse {
  @ApiProperty({ type: [SessionItem], description: 'Newest sign-in first' })
  items!: SessionItem[];
}
