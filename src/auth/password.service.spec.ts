import { HttpStatus } from '@nestjs/common';
import type { Mock } from 'vitest';
import type { AuthConfig } from '../config/auth.config.js';
import { loadConfig } from '../config/env.validation.js';
import { ApiException } from '../common/errors/api-exception.js';
import {
  fakeCognitoGateway,
  gatewayFailure,
  type FakeCognitoGateway,
} from '../../test/support/fake-cognito-gateway.js';
import { AuthService } from './auth.service.js';
import { RevokedSessions } from './sessions/revoked-sessions.js';
import { PasswordService } from './password.service.js';

const EMAIL = 'ash@example.com';

/** The app's defaults, with no failure delay (a spec of its own checks it). */
const AUTH_CONFIG: AuthConfig = loadConfig({ AUTH_FAILURE_MIN_MS: '0' }).auth;

function servicesWith(gateway: FakeCognitoGateway): {
  passwords: PasswordService;
  auth: AuthService;
} {
  const auth = new AuthService(gateway, new RevokedSessions(), AUTH_CONFIG);
  return { passwords: new PasswordService(gateway, auth), auth };
}

async function rejectionOf(promise: Promise<unknown>): Promise<ApiException> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiException);
    return error as ApiException;
  }
  throw new Error('expected the promise to reject');
}

const CHANGE = {
  email: EMAIL,
  currentPassword: 'Old-pass-1!',
  newPassword: 'New-pass-2!',
};

/** The gateway with the internal login of change-password succeeding. */
function loggedInGateway(): FakeCognitoGateway {
  const gateway = fakeCognitoGateway();
  gateway.passwordAuth.mockResolvedValue({
    kind: 'tokens',
    tokens: {
      accessToken: 'internal-access-token',
      idToken: 'internal-id-token',
      refreshToken: 'internal-refresh-token',
      expiresIn: 3600,
    },
  });
  return gateway;
}

/** The order in which the gateway's methods were called. */
function callOrder(gateway: FakeCognitoGateway): string[] {
  return Object.entries<Mock>(gateway)
    .flatMap(([method, mock]) =>
      mock.mock.invocationCallOrder.map((order): [number, string] => [
        order,
        method,
      ]),
    )
    .sort(([a], [b]) => a - b)
    .map(([, method]) => method);
}

const ACCEPTED_BODY = {
  status: 'accepted',
  message: 'If an account exists for this email, a code has been sent to it.',
};

describe('PasswordService', () => {
  describe('changePassword', () => {
    it('proves identity with the current password, changes it with that access token, then revokes that refresh token', async () => {
      const gateway = loggedInGateway();
      gateway.changePassword.mockResolvedValue(undefined);
      gateway.revokeRefreshToken.mockResolvedValue(undefined);
      const { passwords, auth } = servicesWith(gateway);
      const passwordAuth = vi.spyOn(auth, 'passwordAuth');

      await expect(passwords.changePassword(CHANGE)).resolves.toEqual({
        status: 'success',
      });

      expect(passwordAuth).toHaveBeenCalledWith(EMAIL, 'Old-pass-1!');
      expect(callOrder(gateway)).toEqual([
        'passwordAuth',
        'changePassword',
        'revokeRefreshToken',
      ]);
      expect(gateway.passwordAuth).toHaveBeenCalledWith(EMAIL, 'Old-pass-1!');
      expect(gateway.changePassword).toHaveBeenCalledWith({
        accessToken: 'internal-access-token',
        previousPassword: 'Old-pass-1!',
        proposedPassword: 'New-pass-2!',
      });
      expect(gateway.revokeRefreshToken).toHaveBeenCalledWith(
        'internal-refresh-token',
      );
    });

    it('still answers success when revoking the internal refresh token fails', async () => {
      const gateway = loggedInGateway();
      gateway.changePassword.mockResolvedValue(undefined);
      gateway.revokeRefreshToken.mockRejectedValue(
        gatewayFailure('revokeRefreshToken', 'TooManyRequestsException'),
      );
      await expect(
        servicesWith(gateway).passwords.changePassword(CHANGE),
      ).resolves.toEqual({ status: 'success' });
      expect(gateway.revokeRefreshToken).toHaveBeenCalledTimes(1);
    });

    it('answers 403 FORBIDDEN without changing the password when the identity step gives a challenge', async () => {
      const gateway = fakeCognitoGateway();
      gateway.passwordAuth.mockResolvedValue({
        kind: 'challenge',
        challenge: 'SOFTWARE_TOKEN_MFA',
        session: 'mfa-session',
      });
      const error = await rejectionOf(
        servicesWith(gateway).passwords.changePassword(CHANGE),
      );
      expect(error.getStatus()).toBe(HttpStatus.FORBIDDEN);
      expect(error.code).toBe('FORBIDDEN');
      expect(error.messages).toBe(
        'Cognito asks for SOFTWARE_TOKEN_MFA first: log in, complete it, then change the password.',
      );
      expect(callOrder(gateway)).toEqual(['passwordAuth']);
    });

    it('answers 401 INVALID_CREDENTIALS and changes nothing when the current password is wrong', async () => {
      const gateway = fakeCognitoGateway();
      gateway.passwordAuth.mockRejectedValue(
        gatewayFailure('passwordAuth', 'NotAuthorizedException'),
      );
      const error = await rejectionOf(
        servicesWith(gateway).passwords.changePassword(CHANGE),
      );
      expect(error.code).toBe('INVALID_CREDENTIALS');
      expect(callOrder(gateway)).toEqual(['passwordAuth']);
    });

    it('rethrows what the gateway answers for the new password (400 PASSWORD_POLICY), revoking nothing', async () => {
      const gateway = loggedInGateway();
      gateway.changePassword.mockRejectedValue(
        gatewayFailure('changePassword', 'InvalidPasswordException'),
      );
      const error = await rejectionOf(
        servicesWith(gateway).passwords.changePassword(CHANGE),
      );
      expect(error.getStatus()).toBe(HttpStatus.BAD_REQUEST);
      expect(error.code).toBe('PASSWORD_POLICY');
      expect(gateway.revokeRefreshToken).not.toHaveBeenCalled();
    });
  });

  describe('forgotPassword', () => {
    it('answers the 202 body once the gateway has asked for the code', async () => {
      const gateway = fakeCognitoGateway();
      gateway.forgotPassword.mockResolvedValue(undefined);
      await expect(
        servicesWith(gateway).passwords.forgotPassword(EMAIL),
      ).resolves.toEqual(ACCEPTED_BODY);
      expect(gateway.forgotPassword).toHaveBeenCalledWith(EMAIL);
    });

    it.each<[string, HttpStatus, string]>([
      [
        'TooManyRequestsException',
        HttpStatus.TOO_MANY_REQUESTS,
        'TOO_MANY_REQUESTS',
      ],
      [
        'InternalErrorException',
        HttpStatus.SERVICE_UNAVAILABLE,
        'IDP_UNAVAILABLE',
      ],
    ])(
      'rethrows what the gateway answers for %s (%i %s)',
      async (name, status, code) => {
        const gateway = fakeCognitoGateway();
        gateway.forgotPassword.mockRejectedValue(
          gatewayFailure('forgotPassword', name),
        );
        const error = await rejectionOf(
          servicesWith(gateway).passwords.forgotPassword(EMAIL),
        );
        expect(error.getStatus()).toBe(status);
        expect(error.code).toBe(code);
      },
    );
  });

  describe('confirmPassword', () => {
    it('resets the password with the code and the new password', async () => {
      const gateway = fakeCognitoGateway();
      gateway.confirmForgotPassword.mockResolvedValue(undefined);
      await expect(
        servicesWith(gateway).passwords.confirmPassword({
          email: EMAIL,
          confirmationCode: '123456',
          newPassword: 'New-pass-2!',
        }),
      ).resolves.toEqual({ status: 'success' });
      expect(gateway.confirmForgotPassword).toHaveBeenCalledWith({
        email: EMAIL,
        code: '123456',
        newPassword: 'New-pass-2!',
      });
    });
  });
});
