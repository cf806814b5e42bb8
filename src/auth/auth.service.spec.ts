import { HttpStatus } from '@nestjs/common';
import type { AuthConfig } from '../config/auth.config.js';
import { loadConfig } from '../config/env.validation.js';
import {
  fakeCognitoGateway,
  gatewayFailure,
  type FakeCognitoGateway,
} from '../../test/support/fake-cognito-gateway.js';
import { AuthService } from './auth.service.js';
import { RevokedSessions } from './sessions/revoked-sessions.js';
import { MemorySharedStore } from '../store/memory.store.js';
import {
  ACCESS_TOKEN as ACCESS,
  ID_TOKEN as ID,
  serviceOf,
  USER,
} from '../../test/support/auth-service.js';
import { rejectionOf } from '../../test/support/rejection.js';

/** The app's session settings (REFRESH_TOKEN_VALIDITY_DAYS 30, skew 5 s). */
const SESSION_CONFIG = loadConfig({}).auth;

const EMAIL = 'ash@example.com';

/** The app's defaults, with no failure delay (a spec of its own checks it). */
const AUTH_CONFIG: AuthConfig = loadConfig({ AUTH_FAILURE_MIN_MS: '0' }).auth;

function serviceWith(
  gateway: FakeCognitoGateway,
  revoked = new RevokedSessions(new MemorySharedStore(), SESSION_CONFIG),
  config: AuthConfig = AUTH_CONFIG,
): AuthService {
  return serviceOf(gateway, { revoked, config });
}

const ACCEPTED_BODY = {
  status: 'accepted',
  message: 'If an account exists for this email, a code has been sent to it.',
};

describe('AuthService', () => {
  describe('register', () => {
    it('signs up with the email, password and name, and answers what the pool said', async () => {
      const gateway = fakeCognitoGateway();
      gateway.signUp.mockResolvedValue({
        userSub: 'uuid-user',
        userConfirmed: false,
        codeDeliveryDestination: 'a***@e***',
      });
      await expect(
        serviceWith(gateway).register({
          name: 'Ash',
          email: EMAIL,
          password: 'Secret-123',
        }),
      ).resolves.toEqual({
        userSub: 'uuid-user',
        userConfirmed: false,
        codeDeliveryDestination: 'a***@e***',
      });
      expect(gateway.signUp).toHaveBeenCalledWith({
        email: EMAIL,
        password: 'Secret-123',
        name: 'Ash',
      });
    });

    it('rethrows what the gateway answers (409 USER_EXISTS)', async () => {
      const gateway = fakeCognitoGateway();
      gateway.signUp.mockRejectedValue(
        gatewayFailure('signUp', 'UsernameExistsException'),
      );
      const error = await rejectionOf(
        serviceWith(gateway).register({
          name: 'Ash',
          email: EMAIL,
          password: 'Secret-123',
        }),
      );
      expect(error.getStatus()).toBe(HttpStatus.CONFLICT);
      expect(error.code).toBe('USER_EXISTS');
    });
  });

  describe('confirmRegistration', () => {
    it('confirms the email with the code and answers success', async () => {
      const gateway = fakeCognitoGateway();
      gateway.confirmSignUp.mockResolvedValue(undefined);
      await expect(
        serviceWith(gateway).confirmRegistration({
          email: EMAIL,
          code: '123456',
        }),
      ).resolves.toEqual({ status: 'success' });
      expect(gateway.confirmSignUp).toHaveBeenCalledWith(EMAIL, '123456');
    });
  });

  describe('respondToChallenge', () => {
    it('passes the session exactly as given, the challenge, the email and the new password', async () => {
      const session = '  AYABeC+/=opaque-session with spaces\n';
      const gateway = fakeCognitoGateway();
      gateway.respondToChallenge.mockResolvedValue({
        kind: 'tokens',
        tokens: {
          accessToken: ACCESS,
          idToken: ID,
          refreshToken: 'refresh-1',
          expiresIn: 3600,
        },
        user: USER,
      });
      const answer = await serviceWith(gateway).respondToChallenge({
        email: EMAIL,
        challenge: 'NEW_PASSWORD_REQUIRED',
        session,
        newPassword: 'New-pass-1!',
      });
      expect(gateway.respondToChallenge).toHaveBeenCalledTimes(1);
      expect(gateway.respondToChallenge).toHaveBeenCalledWith({
        email: EMAIL,
        session,
        answer: {
          challenge: 'NEW_PASSWORD_REQUIRED',
          newPassword: 'New-pass-1!',
        },
      });
      expect(answer).toEqual({
        accessToken: ACCESS,
        idToken: ID,
        refreshToken: 'refresh-1',
        expiresIn: 3600,
        tokenType: 'Bearer',
        username: USER.username,
      });
    });

    it('passes the TOTP code (and no new password) for a TOTP challenge', async () => {
      const gateway = fakeCognitoGateway();
      gateway.respondToChallenge.mockResolvedValue({
        kind: 'tokens',
        tokens: { accessToken: ACCESS, idToken: ID },
        user: USER,
      });
      await serviceWith(gateway).respondToChallenge({
        email: EMAIL,
        challenge: 'SOFTWARE_TOKEN_MFA',
        session: 'mfa-session-1',
        code: '123456',
      });
      expect(gateway.respondToChallenge).toHaveBeenCalledWith({
        email: EMAIL,
        session: 'mfa-session-1',
        answer: { challenge: 'SOFTWARE_TOKEN_MFA', code: '123456' },
      });
    });

    it('answers a further challenge with its name and the new session', async () => {
      const gateway = fakeCognitoGateway();
      gateway.respondToChallenge.mockResolvedValue({
        kind: 'challenge',
        challenge: 'SOFTWARE_TOKEN_MFA',
        session: 'next-session',
      });
      const answer = await serviceWith(gateway).respondToChallenge({
        email: EMAIL,
        challenge: 'NEW_PASSWORD_REQUIRED',
        session: 'first-session',
        newPassword: 'New-pass-1!',
      });
      expect(answer).toEqual({
        challenge: 'SOFTWARE_TOKEN_MFA',
        session: 'next-session',
      });
    });
  });

  describe('login', () => {
    it('proves the password through the gateway and answers the tokens', async () => {
      const gateway = fakeCognitoGateway();
      gateway.passwordAuth.mockResolvedValue({
        kind: 'tokens',
        tokens: {
          accessToken: ACCESS,
          idToken: ID,
          refreshToken: 'refresh-1',
          expiresIn: 3600,
        },
        user: USER,
      });
      const answer = await serviceWith(gateway).login({
        email: EMAIL,
        password: 'Secret-123',
      });
      expect(gateway.passwordAuth).toHaveBeenCalledWith(EMAIL, 'Secret-123');
      expect(answer).toEqual({
        accessToken: ACCESS,
        idToken: ID,
        refreshToken: 'refresh-1',
        expiresIn: 3600,
        tokenType: 'Bearer',
        username: USER.username,
      });
    });

    it("takes expiresIn from the access token's exp - iat when Cognito sends no ExpiresIn", async () => {
      const gateway = fakeCognitoGateway();
      gateway.passwordAuth.mockResolvedValue({
        kind: 'tokens',
        tokens: { accessToken: ACCESS, idToken: ID, refreshToken: 'refresh-1' },
        user: USER,
      });
      const answer = await serviceWith(gateway).login({
        email: EMAIL,
        password: 'Secret-123',
      });
      expect(answer).toMatchObject({ expiresIn: 900, tokenType: 'Bearer' });
    });

    it('answers a challenge with its name and session', async () => {
      const gateway = fakeCognitoGateway();
      gateway.passwordAuth.mockResolvedValue({
        kind: 'challenge',
        challenge: 'NEW_PASSWORD_REQUIRED',
        session: 'sess-from-login',
      });
      await expect(
        serviceWith(gateway).login({ email: EMAIL, password: 'Temp-1!aa' }),
      ).resolves.toEqual({
        challenge: 'NEW_PASSWORD_REQUIRED',
        session: 'sess-from-login',
      });
    });

    it('answers a wrong password no sooner than AUTH_FAILURE_MIN_MS', async () => {
      const gateway = fakeCognitoGateway();
      gateway.passwordAuth.mockRejectedValue(
        gatewayFailure('passwordAuth', 'NotAuthorizedException'),
      );
      const service = serviceWith(
        gateway,
        new RevokedSessions(new MemorySharedStore(), SESSION_CONFIG),
        {
          ...AUTH_CONFIG,
          failureMinMs: 120,
        },
      );
      const started = performance.now();
      const error = await rejectionOf(
        service.login({ email: EMAIL, password: 'wrong' }),
      );
      // Node's timers may fire up to a millisecond early against this clock.
      expect(performance.now() - started).toBeGreaterThanOrEqual(118);
      expect(error.code).toBe('INVALID_CREDENTIALS');
    });

    it('answers other refusals (403 USER_NOT_CONFIRMED) without that wait', async () => {
      const gateway = fakeCognitoGateway();
      gateway.passwordAuth.mockRejectedValue(
        gatewayFailure('passwordAuth', 'UserNotConfirmedException'),
      );
      const service = serviceWith(
        gateway,
        new RevokedSessions(new MemorySharedStore(), SESSION_CONFIG),
        {
          ...AUTH_CONFIG,
          failureMinMs: 4000,
        },
      );
      const started = performance.now();
      const error = await rejectionOf(
        service.login({ email: EMAIL, password: 'Secret-123' }),
      );
      expect(performance.now() - started).toBeLessThan(2000);
      expect(error.code).toBe('USER_NOT_CONFIRMED');
    });
  });

  describe('resendConfirmation', () => {
    it('answers the 202 body once the gateway has asked for the code', async () => {
      const gateway = fakeCognitoGateway();
      gateway.resendConfirmationCode.mockResolvedValue(undefined);
      await expect(
        serviceWith(gateway).resendConfirmation(EMAIL),
      ).resolves.toEqual(ACCEPTED_BODY);
      expect(gateway.resendConfirmationCode).toHaveBeenCalledWith(EMAIL);
    });

    it('rethrows what the gateway answers (429 when Cognito throttles)', async () => {
      const gateway = fakeCognitoGateway();
      gateway.resendConfirmationCode.mockRejectedValue(
        gatewayFailure('resendConfirmationCode', 'TooManyRequestsException'),
      );
      const error = await rejectionOf(
        serviceWith(gateway).resendConfirmation(EMAIL),
      );
      expect(error.getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
      expect(error.code).toBe('TOO_MANY_REQUESTS');
    });
  });
});
