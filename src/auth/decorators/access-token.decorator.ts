import {
  createParamDecorator,
  HttpStatus,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiException } from '../../common/errors/api-exception.js';
import type { AuthUser } from '../auth-user.js';
import { credentialToken, type Credentials } from '../bearer.js';

/**
 * The caller's verified ACCESS token, for routes that act on the user at
 * Cognito (GetUser, TOTP enrolment). An ID token is refused with 401.
 */
export const AccessToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const request = context
      .switchToHttp()
      .getRequest<
        Credentials & { user?: AuthUser; headers: { authorization?: string } }
      >();
    const token = credentialToken(request);
    if (!token || request.user?.tokenUse !== 'access') {
      throw new ApiException(
        HttpStatus.UNAUTHORIZED,
        'UNAUTHORIZED',
        'This route needs the access token (not the ID token).',
      );
    }
    return token;
  },
);
