import { HttpStatus } from '@nestjs/common';
import type {
  CognitoClient,
  CognitoOperation,
} from '../cognito/cognito.client.js';
import {
  mapCognitoError,
  type CognitoFlow,
} from '../cognito/cognito-errors.js';
import { ApiException } from '../common/errors/api-exception.js';
import { AuthService } from './auth.service.js';
import { RevokedSessions } from './sessions/revoked-sessions.js';
import { PasswordService } from './password.service.js';

const CLIENT_ID = 'client123';
const EMAIL = 'ash@example.com';

type Params = Record<string, any>;
type Answer = (operation: CognitoOperation, params: Params) => unknown;

/** A stand-in for CognitoClient whose `send` answers per operation. */
function fakeCognito(answer: Answer = () => ({})) {
  return {
    clientId: CLIENT_ID,
    connection: { clientId: CLIENT_ID, authFlow: 'USER_PASSWORD_AUTH' },
    secretHash: vi.fn(() => undefined),
    send: vi.fn(
      (_flow: CognitoFlow, operation: CognitoOperation, params: Params) =>
        Promise.resolve().then(() => answer(operation, params)),
    ),
    authenticateSrp: vi.fn(),
  };
}

function servicesWith(cognito: ReturnType<typeof fakeCognito>): {
  passwords: PasswordService;
  auth: AuthService;
} {
  const client = cognito as unknown as CognitoClient;
  const auth = new AuthService(client, new RevokedSessions(), null);
  return { passwords: new PasswordService(client, auth), auth };
}

/** What CognitoClient.send throws for a Cognito error in a flow. */
function thrownBySend(flow: CognitoFlow, name: string): ApiException {
  const error = new Error('upstream detail') as Error & { code: string };
  error.name = name;
  error.code = name;
  return mapCognitoError(flow, error);
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

const LOGIN_TOKENS = {
  AuthenticationResult: {
    AccessToken: 'internal-access-token',
    IdToken: 'internal-id-token',
    RefreshToken: 'internal-refresh-token',
    ExpiresIn: 3600,
  },
};

const ACCEPTED_BODY = {
  status: 'accepted',
  message: 'If an account exists for this email, a code has been sent to it.',
};

describe('PasswordService', () => {
  describe('changePassword', () => {
    it('proves identity with the current password, changes it with that access token, then revokes that refresh token', async () => {
      const cognito = fakeCognito((operation) =>
        operation === 'InitiateAuth' ? LOGIN_TOKENS : {},
      );
      const { passwords, auth } = servicesWith(cognito);
      const passwordAuth = vi.spyOn(auth, 'passwordAuth');

      await expect(passwords.changePassword(CHANGE)).resolves.toEqual({
        status: 'success',
      });

      expect(passwordAuth).toHaveBeenCalledWith(EMAIL, 'Old-pass-1!');
      expect(cognito.send.mock.calls.map((call) => [call[0], call[1]])).toEqual(
        [
          ['login', 'InitiateAuth'],
          ['changePassword', 'ChangePassword'],
          ['changePassword', 'RevokeToken'],
        ],
      );
      expect(cognito.send.mock.calls[1][2]).toEqual({
        AccessToken: 'internal-access-token',
        PreviousPassword: 'Old-pass-1!',
        ProposedPassword: 'New-pass-2!',
      });
      expect(cognito.send.mock.calls[2][2]).toEqual({
        ClientId: CLIENT_ID,
        Token: 'internal-refresh-token',
      });
    });

    it('still answers success when revoking the internal refresh token fails', async () => {
      const cognito = fakeCognito((operation) => {
        if (operation === 'InitiateAuth') return LOGIN_TOKENS;
        if (operation === 'RevokeToken') {
          throw thrownBySend('changePassword', 'TooManyRequestsException');
        }
        return {};
      });
      await expect(
        servicesWith(cognito).passwords.changePassword(CHANGE),
      ).resolves.toEqual({ status: 'success' });
    });

    it('answers 403 FORBIDDEN without changing the password when the identity step gives a challenge', async () => {
      const cognito = fakeCognito(() => ({
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: 'mfa-session',
      }));
      const error = await rejectionOf(
        servicesWith(cognito).passwords.changePassword(CHANGE),
      );
      expect(error.getStatus()).toBe(HttpStatus.FORBIDDEN);
      expect(error.code).toBe('FORBIDDEN');
      expect(cognito.send.mock.calls.map((call) => call[1])).toEqual([
        'InitiateAuth',
      ]);
    });

    it('answers 401 INVALID_CREDENTIALS and changes nothing when the current password is wrong', async () => {
      const cognito = fakeCognito(() => {
        throw thrownBySend('login', 'NotAuthorizedException');
      });
      const error = await rejectionOf(
        servicesWith(cognito).passwords.changePassword(CHANGE),
      );
      expect(error.code).toBe('INVALID_CREDENTIALS');
      expect(cognito.send).toHaveBeenCalledTimes(1);
    });
  });

  describe('forgotPassword', () => {
    it('answers the 202 body when Cognito sends the code', async () => {
      const cognito = fakeCognito();
      await expect(
        servicesWith(cognito).passwords.forgotPassword(EMAIL),
      ).resolves.toEqual(ACCEPTED_BODY);
      expect(cognito.send).toHaveBeenCalledWith(
        'forgotPassword',
        'ForgotPassword',
        { ClientId: CLIENT_ID, Username: EMAIL },
      );
    });

    it.each([
      'UserNotFoundException',
      'InvalidParameterException',
      'NotAuthorizedException',
      'UserNotConfirmedException',
      // Only an existing account can hit Cognito's per-account limit, fail
      // delivery or be refused by a trigger: a 429/503 would reveal it.
      'LimitExceededException',
      'CodeDeliveryFailureException',
      'UserLambdaValidationException',
    ])(
      'answers the same 202 body when Cognito fails with %s (the account stays secret)',
      async (name) => {
        const cognito = fakeCognito(() => {
          throw thrownBySend('forgotPassword', name);
        });
        await expect(
          servicesWith(cognito).passwords.forgotPassword(EMAIL),
        ).resolves.toEqual(ACCEPTED_BODY);
      },
    );

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
    ])('rethrows %s as %i %s', async (name, status, code) => {
      const cognito = fakeCognito(() => {
        throw thrownBySend('forgotPassword', name);
      });
      const error = await rejectionOf(
        servicesWith(cognito).passwords.forgotPassword(EMAIL),
      );
      expect(error.getStatus()).toBe(status);
      expect(error.code).toBe(code);
    });
  });

  describe('confirmPassword', () => {
    it('sends ConfirmForgotPassword with the code and the new password', async () => {
      const cognito = fakeCognito();
      await expect(
        servicesWith(cognito).passwords.confirmPassword({
          email: EMAIL,
          confirmationCode: '123456',
          newPassword: 'New-pass-2!',
        }),
      ).resolves.toEqual({ status: 'success' });
      expect(cognito.send).toHaveBeenCalledWith(
        'confirmPassword',
        'ConfirmForgotPassword',
        {
          ClientId: CLIENT_ID,
          Username: EMAIL,
          ConfirmationCode: '123456',
          Password: 'New-pass-2!',
        },
      );
    });
  });
});
