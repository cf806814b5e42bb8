import { loadConfig } from '../config/env.validation.js';
import { HttpStatus } from '@nestjs/common';
import type { Mock } from 'vitest';
import { ApiException } from '../common/errors/api-exception.js';
import {
  fakeCognitoGateway,
  gatewayFailure,
  type FakeCognitoGateway,
} from '../../test/support/fake-cognito-gateway.js';
import type { AuthService } from './auth.service.js';
import { CONFIG, USER, serviceOf } from '../../test/support/auth-service.js';
import { RevokedSessions } from './sessions/revoked-sessions.js';
import { MemorySharedStore } from '../store/memory.store.js';
import { PasswordService } from './password.service.js';
import { EmailRateLimiter } from './rate-limit/email-rate-limiter.js';
import { rejectionOf } from '../../test/support/rejection.js';

/** The app's session settings (REFRESH_TOKEN_VALIDITY_DAYS 30, skew 5 s). */
const SESSION_CONFIG = loadConfig({}).auth;

const EMAIL = 'ash@example.com';

function servicesWith(gateway: FakeCognitoGateway): {
  passwords: PasswordService;
  auth: AuthService;
  revoked: RevokedSessions;
  limiter: EmailRateLimiter;
} {
  const revoked = new RevokedSessions(new MemorySharedStore(), SESSION_CONFIG);
  const limiter = new EmailRateLimiter(
    CONFIG.rateLimit,
    new MemorySharedStore(),
  );
  const auth = serviceOf(gateway, { revoked, limiter });
  return {
    passwords: new PasswordService(gateway, auth),
    auth,
    revoked,
    limiter,
  };
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
    user: USER,
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
    it('proves identity with the current password, changes it with that access token, then signs the user out everywhere and cuts off their sessions', async () => {
      const gateway = loggedInGateway();
      gateway.changePassword.mockResolvedValue(undefined);
      gateway.globalSignOut.mockResolvedValue(true);
      const { passwords, auth, revoked } = servicesWith(gateway);
      const passwordAuth = vi.spyOn(auth, 'passwordAuth');
      expect(await revoked.isCutOff(USER.sub, USER.sessionStartedAt)).toBe(
        false,
      );

      const before = Date.now();
      await expect(passwords.changePassword(CHANGE)).resolves.toEqual({
        status: 'success',
      });

      // The answer waits for the next whole second (auth_time is in seconds).
      expect(Math.floor(Date.now() / 1000)).toBeGreaterThan(
        Math.floor(before / 1000),
      );
      expect(await revoked.isCutOff(USER.sub, USER.sessionStartedAt)).toBe(
        true,
      );
      expect(await revoked.isCutOff(USER.sub, Math.floor(before / 1000))).toBe(
        true,
      );
      expect(
        await revoked.isCutOff(USER.sub, Math.floor(Date.now() / 1000)),
      ).toBe(false);
      expect(await revoked.isCutOff('uuid-other', USER.sessionStartedAt)).toBe(
        false,
      );
      expect(passwordAuth).toHaveBeenCalledWith(EMAIL, 'Old-pass-1!');
      // GlobalSignOut revoked the internal login's refresh token too.
      expect(callOrder(gateway)).toEqual([
        'passwordAuth',
        'changePassword',
        'globalSignOut',
      ]);
      expect(gateway.globalSignOut).toHaveBeenCalledWith(
        'internal-access-token',
      );
      expect(gateway.passwordAuth).toHaveBeenCalledWith(EMAIL, 'Old-pass-1!');
      expect(gateway.changePassword).toHaveBeenCalledWith({
        accessToken: 'internal-access-token',
        previousPassword: 'Old-pass-1!',
        proposedPassword: 'New-pass-2!',
      });
    });

    it.each<[string, () => Promise<boolean>]>([
      ['lacks GlobalSignOut (the emulator)', () => Promise.resolve(false)],
      [
        'fails GlobalSignOut (503)',
        () =>
          Promise.reject(
            gatewayFailure('globalSignOut', 'InternalErrorException'),
          ),
      ],
    ])(
      'when Cognito %s: answers success, the cutoff alone ends the sessions, and the internal refresh token is revoked',
      async (_label, globalSignOut) => {
        const gateway = loggedInGateway();
        gateway.changePassword.mockResolvedValue(undefined);
        gateway.globalSignOut.mockImplementation(globalSignOut);
        gateway.revokeRefreshToken.mockResolvedValue(undefined);
        const { passwords, revoked } = servicesWith(gateway);
        await expect(passwords.changePassword(CHANGE)).resolves.toEqual({
          status: 'success',
        });
        expect(await revoked.isCutOff(USER.sub, USER.sessionStartedAt)).toBe(
          true,
        );
        expect(callOrder(gateway)).toEqual([
          'passwordAuth',
          'changePassword',
          'globalSignOut',
          'revokeRefreshToken',
        ]);
        expect(gateway.revokeRefreshToken).toHaveBeenCalledWith(
          'internal-refresh-token',
        );
      },
    );

    it('still answers success when revoking the internal refresh token fails', async () => {
      const gateway = loggedInGateway();
      gateway.changePassword.mockResolvedValue(undefined);
      gateway.globalSignOut.mockResolvedValue(false);
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
      expect(callOrder(gateway)).toEqual(['passwordAuth', 'changePassword']);
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
    const RESET = {
      email: EMAIL,
      confirmationCode: '123456',
      newPassword: 'New-pass-2!',
    };

    it('resets the password, signs in with the new one to learn the user, then signs them out everywhere and cuts off their sessions', async () => {
      const gateway = loggedInGateway();
      gateway.confirmForgotPassword.mockResolvedValue(undefined);
      gateway.globalSignOut.mockResolvedValue(true);
      const { passwords, revoked } = servicesWith(gateway);
      await expect(passwords.confirmPassword(RESET)).resolves.toEqual({
        status: 'success',
      });
      expect(gateway.confirmForgotPassword).toHaveBeenCalledWith({
        email: EMAIL,
        code: '123456',
        newPassword: 'New-pass-2!',
      });
      expect(callOrder(gateway)).toEqual([
        'confirmForgotPassword',
        'passwordAuth',
        'globalSignOut',
      ]);
      expect(gateway.passwordAuth).toHaveBeenCalledWith(EMAIL, 'New-pass-2!');
      expect(gateway.globalSignOut).toHaveBeenCalledWith(
        'internal-access-token',
      );
      expect(await revoked.isCutOff(USER.sub, USER.sessionStartedAt)).toBe(
        true,
      );
    });

    it('revokes the internal refresh token where GlobalSignOut is missing (the emulator)', async () => {
      const gateway = loggedInGateway();
      gateway.confirmForgotPassword.mockResolvedValue(undefined);
      gateway.globalSignOut.mockResolvedValue(false);
      gateway.revokeRefreshToken.mockResolvedValue(undefined);
      const { passwords, revoked } = servicesWith(gateway);
      await passwords.confirmPassword(RESET);
      expect(gateway.revokeRefreshToken).toHaveBeenCalledWith(
        'internal-refresh-token',
      );
      expect(await revoked.isCutOff(USER.sub, USER.sessionStartedAt)).toBe(
        true,
      );
    });

    it('cuts off the user a challenge names (USER_ID_FOR_SRP) when the new password meets one (TOTP)', async () => {
      const gateway = fakeCognitoGateway();
      gateway.confirmForgotPassword.mockResolvedValue(undefined);
      gateway.passwordAuth.mockResolvedValue({
        kind: 'challenge',
        challenge: 'SOFTWARE_TOKEN_MFA',
        session: 'mfa-session',
        username: 'uuid-user',
      });
      const { passwords, revoked } = servicesWith(gateway);
      await expect(passwords.confirmPassword(RESET)).resolves.toEqual({
        status: 'success',
      });
      expect(callOrder(gateway)).toEqual([
        'confirmForgotPassword',
        'passwordAuth',
      ]);
      expect(await revoked.isCutOff('uuid-user', USER.sessionStartedAt)).toBe(
        true,
      );
    });

    it('ends the sessions through the admin API when the sign-in after the reset fails', async () => {
      const gateway = fakeCognitoGateway();
      gateway.confirmForgotPassword.mockResolvedValue(undefined);
      gateway.passwordAuth.mockRejectedValue(
        gatewayFailure('passwordAuth', 'TooManyRequestsException'),
      );
      gateway.adminGetUser.mockResolvedValue({
        username: USER.sub,
        sub: USER.sub,
        email: EMAIL,
        name: null,
        status: 'CONFIRMED',
        enabled: true,
        createdAt: null,
      });
      gateway.adminGlobalSignOut.mockResolvedValue(true);
      const { passwords, revoked } = servicesWith(gateway);
      await expect(passwords.confirmPassword(RESET)).resolves.toEqual({
        status: 'success',
      });
      expect(gateway.adminGetUser).toHaveBeenCalledWith(EMAIL);
      expect(gateway.adminGlobalSignOut).toHaveBeenCalledWith(USER.sub);
      expect(await revoked.isCutOff(USER.sub, USER.sessionStartedAt)).toBe(
        true,
      );
    });

    it('answers 503 IDP_UNAVAILABLE, saying the password was reset, when no way to end the sessions works', async () => {
      const gateway = fakeCognitoGateway();
      gateway.confirmForgotPassword.mockResolvedValue(undefined);
      gateway.passwordAuth.mockRejectedValue(
        gatewayFailure('passwordAuth', 'InternalErrorException'),
      );
      gateway.adminGetUser.mockRejectedValue(
        gatewayFailure('adminGetUser', 'NotAuthorizedException'),
      );
      const { passwords, revoked } = servicesWith(gateway);
      const error = await rejectionOf(passwords.confirmPassword(RESET));
      expect(error).toBeInstanceOf(ApiException);
      expect((error as ApiException).getStatus()).toBe(503);
      expect((error as ApiException).getResponse()).toMatchObject({
        code: 'IDP_UNAVAILABLE',
        message: expect.stringContaining('The password was reset'),
      });
      expect(await revoked.isCutOff(USER.sub, USER.sessionStartedAt)).toBe(
        false,
      );
    });

    it("answers Cognito's per-account LimitExceededException exactly as the API's own per-email limit answers", async () => {
      const gateway = fakeCognitoGateway();
      gateway.confirmForgotPassword.mockRejectedValue(
        gatewayFailure('confirmForgotPassword', 'LimitExceededException'),
      );
      const { passwords, limiter } = servicesWith(gateway);
      // As the route's interceptor does before the handler runs.
      await limiter.takeRequest(EMAIL);
      const error = await rejectionOf(passwords.confirmPassword(RESET));
      const own = await ownLimitAnswer(EMAIL);
      expect(error.getStatus()).toBe(own.getStatus());
      expect(error.getResponse()).toEqual(own.getResponse());
      expect(error.retryAfterSeconds).toBe(own.retryAfterSeconds);
      expect(gateway.passwordAuth).not.toHaveBeenCalled();
    });

    it('rethrows other answers unchanged (400 CODE_MISMATCH), ending no session', async () => {
      const gateway = fakeCognitoGateway();
      gateway.confirmForgotPassword.mockRejectedValue(
        gatewayFailure('confirmForgotPassword', 'CodeMismatchException'),
      );
      const error = await rejectionOf(
        servicesWith(gateway).passwords.confirmPassword(RESET),
      );
      expect(error.code).toBe('CODE_MISMATCH');
      expect(callOrder(gateway)).toEqual(['confirmForgotPassword']);
    });
  });
});

/** What the API's own limiter answers for `email` once its window is used up. */
async function ownLimitAnswer(email: string): Promise<ApiException> {
  const limiter = new EmailRateLimiter(
    { ...CONFIG.rateLimit, requestsPerEmail: 1 },
    new MemorySharedStore(),
  );
  await limiter.takeRequest(email);
  try {
    await limiter.takeRequest(email);
  } catch (error) {
    return error as ApiException;
  }
  throw new Error('the limiter did not refuse');
}
