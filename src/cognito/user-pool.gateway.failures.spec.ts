import { HttpStatus } from '@nestjs/common';
import { ApiException } from '../common/errors/api-exception.js';
import {
  ACCESS,
  EMAIL,
  cognitoFailure,
  gatewayOf,
  ok,
  rejectionOf,
  stubCognito,
} from '../../test/support/cognito-stub.js';

const TIMEOUT_MS = 1234;

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('UserPoolGateway failures', () => {
  describe('mapped by the method that met them', () => {
    it('answers a NotAuthorizedException of passwordAuth with 401 INVALID_CREDENTIALS, not Cognito sentence', async () => {
      stubCognito(() =>
        cognitoFailure(
          'NotAuthorizedException',
          'Incorrect username or password.',
        ),
      );
      const error = await rejectionOf(gatewayOf().passwordAuth(EMAIL, 'wrong'));
      expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
      expect(error.code).toBe('INVALID_CREDENTIALS');
      expect(error.messages).toBe('Incorrect email or password.');
    });

    it('answers the same NotAuthorizedException per method: refresh 401 UNAUTHORIZED, confirmForgotPassword 400 CODE_MISMATCH', async () => {
      stubCognito(() => cognitoFailure('NotAuthorizedException'));
      const gateway = gatewayOf();
      const refresh = await rejectionOf(gateway.refresh({ refreshToken: 'r' }));
      expect(refresh.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
      expect(refresh.code).toBe('UNAUTHORIZED');
      const confirm = await rejectionOf(
        gateway.confirmForgotPassword({
          email: EMAIL,
          code: '123456',
          newPassword: 'New-pass-2!',
        }),
      );
      expect(confirm.getStatus()).toBe(HttpStatus.BAD_REQUEST);
      expect(confirm.code).toBe('CODE_MISMATCH');
    });

    it('reads a namespaced __type (com.amazonaws...#Name)', async () => {
      stubCognito(() =>
        cognitoFailure(
          'com.amazonaws.cognito.identity.idp.model#UserNotConfirmedException',
        ),
      );
      const error = await rejectionOf(gatewayOf().passwordAuth(EMAIL, 'pw'));
      expect(error.getStatus()).toBe(HttpStatus.FORBIDDEN);
      expect(error.code).toBe('USER_NOT_CONFIRMED');
    });

    it('keeps the Cognito error as cause, for the log', async () => {
      stubCognito(() => cognitoFailure('CodeMismatchException'));
      const error = await rejectionOf(
        gatewayOf().confirmSignUp(EMAIL, '123456'),
      );
      expect(error.code).toBe('CODE_MISMATCH');
      expect(error.cause).toMatchObject({ name: 'CodeMismatchException' });
    });
  });

  describe('when Cognito cannot be heard', () => {
    it('answers 503 IDP_UNAVAILABLE when fetch rejects (network error)', async () => {
      vi.stubGlobal(
        'fetch',
        vi.fn(() => Promise.reject(new TypeError('fetch failed'))),
      );
      const error = await rejectionOf(gatewayOf().passwordAuth(EMAIL, 'pw'));
      expect(error.getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
      expect(error.code).toBe('IDP_UNAVAILABLE');
    });

    it('answers 503 IDP_UNAVAILABLE for an error answer without a JSON body (a proxy 502 page)', async () => {
      vi.stubGlobal(
        'fetch',
        vi.fn(() =>
          Promise.resolve(
            new Response('<html><body>502 Bad Gateway</body></html>', {
              status: 502,
              headers: { 'content-type': 'text/html' },
            }),
          ),
        ),
      );
      const error = await rejectionOf(gatewayOf().passwordAuth(EMAIL, 'pw'));
      expect(error.getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
      expect(error.code).toBe('IDP_UNAVAILABLE');
      expect(error.cause).toMatchObject({ name: 'UnreadableResponseError' });
    });

    it('answers 503 IDP_UNAVAILABLE when Cognito never answers, after the configured timeout and not before', async () => {
      vi.useFakeTimers();
      const fetch = vi.fn(() => new Promise<Response>(() => undefined));
      vi.stubGlobal('fetch', fetch);
      let outcome: unknown = 'pending';
      void gatewayOf({ timeoutMs: TIMEOUT_MS })
        .passwordAuth(EMAIL, 'pw')
        .then(
          () => (outcome = 'resolved'),
          (error: unknown) => (outcome = error),
        );
      expect(fetch).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
      expect(outcome).toBe('pending');
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome).toBeInstanceOf(ApiException);
      expect((outcome as ApiException).getStatus()).toBe(
        HttpStatus.SERVICE_UNAVAILABLE,
      );
      expect((outcome as ApiException).code).toBe('IDP_UNAVAILABLE');
    });

    it('ignores an answer that arrives after the timeout', async () => {
      vi.useFakeTimers();
      let answer!: (response: Response) => void;
      vi.stubGlobal(
        'fetch',
        vi.fn(
          () =>
            new Promise<Response>((resolve) => {
              answer = resolve;
            }),
        ),
      );
      const outcome = gatewayOf({ timeoutMs: TIMEOUT_MS })
        .getUser(ACCESS)
        .then(
          () => 'resolved',
          (error: unknown) => error,
        );
      await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
      answer(ok({ Username: 'late', UserAttributes: [] }));
      await vi.advanceTimersByTimeAsync(0);
      const settled = await outcome;
      expect(settled).toBeInstanceOf(ApiException);
      expect((settled as ApiException).code).toBe('IDP_UNAVAILABLE');
    });
  });

  /** Written out here, not taken from account-enumeration.ts, so that the check can fail. */
  const HIDDEN = [
    'UserNotFoundException',
    'InvalidParameterException',
    'NotAuthorizedException',
    'UserNotConfirmedException',
    // Only an existing account can hit Cognito's per-account limit, fail
    // delivery or be refused by a trigger: a 429/503 would reveal it.
    'LimitExceededException',
    'CodeDeliveryFailureException',
    'UserLambdaValidationException',
  ];

  describe.each(['forgotPassword', 'resendConfirmationCode'] as const)(
    '%s keeps accounts secret',
    (method) => {
      it.each(HIDDEN)(
        'resolves as for a success when Cognito fails with %s',
        async (name) => {
          const sent = stubCognito(() => cognitoFailure(name));
          await expect(gatewayOf()[method](EMAIL)).resolves.toBeUndefined();
          expect(sent).toHaveLength(1);
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
      ])(
        'rejects for %s with %i %s (the same for every email)',
        async (name, status, code) => {
          stubCognito(() => cognitoFailure(name));
          const error = await rejectionOf(gatewayOf()[method](EMAIL));
          expect(error.getStatus()).toBe(status);
          expect(error.code).toBe(code);
        },
      );
    },
  );

  describe('the emulator lacks ResendConfirmationCode (Unsupported)', () => {
    const unsupported = () =>
      new Response(
        JSON.stringify({ code: 'Unsupported', message: 'Not implemented' }),
        { status: 500 },
      );

    it('asks the embedded emulator to deliver the stored code again, and resolves', async () => {
      stubCognito(unsupported);
      const embedded = { resendSignUpCode: vi.fn(() => Promise.resolve()) };
      await expect(
        gatewayOf({ embedded }).resendConfirmationCode(EMAIL),
      ).resolves.toBeUndefined();
      expect(embedded.resendSignUpCode).toHaveBeenCalledWith(EMAIL);
    });

    it('answers 500 INTERNAL when no emulator is embedded', async () => {
      stubCognito(unsupported);
      const error = await rejectionOf(
        gatewayOf().resendConfirmationCode(EMAIL),
      );
      expect(error.getStatus()).toBe(HttpStatus.INTERNAL_SERVER_ERROR);
      expect(error.code).toBe('INTERNAL');
    });

    it('leaves the emulator alone when Cognito sends the code, or fails otherwise', async () => {
      const embedded = { resendSignUpCode: vi.fn(() => Promise.resolve()) };
      stubCognito(() => ok({}));
      await gatewayOf({ embedded }).resendConfirmationCode(EMAIL);
      stubCognito(() => cognitoFailure('UserNotFoundException'));
      await gatewayOf({ embedded }).resendConfirmationCode(EMAIL);
      expect(embedded.resendSignUpCode).not.toHaveBeenCalled();
    });

    it('does not apply to forgotPassword: Unsupported there is 500 INTERNAL', async () => {
      stubCognito(unsupported);
      const embedded = { resendSignUpCode: vi.fn(() => Promise.resolve()) };
      const error = await rejectionOf(
        gatewayOf({ embedded }).forgotPassword(EMAIL),
      );
      expect(error.code).toBe('INTERNAL');
      expect(embedded.resendSignUpCode).not.toHaveBeenCalled();
    });
  });
});
