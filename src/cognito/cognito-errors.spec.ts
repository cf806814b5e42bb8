import { HttpStatus } from '@nestjs/common';
import { ApiException } from '../common/errors/api-exception.js';
import {
  cognitoErrorName,
  mapCognitoError,
  type CognitoFlow,
} from './cognito-errors.js';
import type { CognitoOperation } from './cognito.client.js';

/** An error as amazon-cognito-identity-js builds it: `code` and `name` both set. */
function cognitoError(code: string, message = 'upstream detail'): Error {
  const error = new Error(message) as Error & { code: string };
  error.name = code;
  error.code = code;
  return error;
}

const FLOWS: CognitoFlow[] = [
  'register',
  'confirmRegistration',
  'resendConfirmation',
  'login',
  'challenge',
  'refresh',
  'logout',
  'profile',
  'mfa',
  'changePassword',
  'forgotPassword',
  'confirmPassword',
];

type Row = [CognitoFlow, string, HttpStatus, string];

/** Every name of the per-flow tables, with the answer the contract gives. */
const PER_FLOW: Row[] = [
  ['register', 'UsernameExistsException', 409, 'USER_EXISTS'],
  ['register', 'AliasExistsException', 409, 'USER_EXISTS'],
  ['register', 'InvalidPasswordException', 400, 'PASSWORD_POLICY'],
  ['register', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],
  ['register', 'CodeDeliveryFailureException', 503, 'IDP_UNAVAILABLE'],
  ['register', 'LimitExceededException', 429, 'TOO_MANY_REQUESTS'],

  ['confirmRegistration', 'CodeMismatchException', 400, 'CODE_MISMATCH'],
  ['confirmRegistration', 'ExpiredCodeException', 400, 'CODE_EXPIRED'],
  ['confirmRegistration', 'UserNotFoundException', 400, 'CODE_MISMATCH'],
  ['confirmRegistration', 'NotAuthorizedException', 400, 'CODE_MISMATCH'],
  ['confirmRegistration', 'AliasExistsException', 409, 'USER_EXISTS'],
  [
    'confirmRegistration',
    'InvalidParameterException',
    400,
    'VALIDATION_FAILED',
  ],

  [
    'resendConfirmation',
    'CodeDeliveryFailureException',
    503,
    'IDP_UNAVAILABLE',
  ],

  // wrong password: emulator InvalidPasswordException, real Cognito NotAuthorizedException
  ['login', 'InvalidPasswordException', 401, 'INVALID_CREDENTIALS'],
  ['login', 'NotAuthorizedException', 401, 'INVALID_CREDENTIALS'],
  // unknown user: emulator NotAuthorizedException, real Cognito UserNotFoundException
  ['login', 'UserNotFoundException', 401, 'INVALID_CREDENTIALS'],
  ['login', 'InvalidParameterException', 401, 'INVALID_CREDENTIALS'],
  ['login', 'UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
  ['login', 'PasswordResetRequiredException', 403, 'PASSWORD_RESET_REQUIRED'],

  ['challenge', 'CodeMismatchException', 400, 'CODE_MISMATCH'],
  ['challenge', 'ExpiredCodeException', 400, 'CODE_EXPIRED'],
  ['challenge', 'EnableSoftwareTokenMFAException', 400, 'CODE_MISMATCH'],
  ['challenge', 'InvalidPasswordException', 400, 'PASSWORD_POLICY'],
  [
    'challenge',
    'PasswordHistoryPolicyViolationException',
    400,
    'PASSWORD_POLICY',
  ],
  ['challenge', 'NotAuthorizedException', 401, 'UNAUTHORIZED'],
  ['challenge', 'UserNotFoundException', 401, 'INVALID_CREDENTIALS'],
  ['challenge', 'UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
  [
    'challenge',
    'PasswordResetRequiredException',
    403,
    'PASSWORD_RESET_REQUIRED',
  ],
  ['challenge', 'AliasExistsException', 409, 'USER_EXISTS'],
  ['challenge', 'MFAMethodNotFoundException', 400, 'VALIDATION_FAILED'],
  ['challenge', 'SoftwareTokenMFANotFoundException', 400, 'VALIDATION_FAILED'],
  ['challenge', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],

  ['refresh', 'NotAuthorizedException', 401, 'UNAUTHORIZED'],
  ['refresh', 'UserNotFoundException', 401, 'UNAUTHORIZED'],
  ['refresh', 'InvalidParameterException', 401, 'UNAUTHORIZED'],
  ['refresh', 'UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
  ['refresh', 'PasswordResetRequiredException', 403, 'PASSWORD_RESET_REQUIRED'],

  ['logout', 'UnsupportedTokenTypeException', 400, 'VALIDATION_FAILED'],
  ['logout', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],
  ['logout', 'UnauthorizedException', 401, 'UNAUTHORIZED'],
  ['logout', 'NotAuthorizedException', 401, 'UNAUTHORIZED'],

  ['profile', 'NotAuthorizedException', 401, 'UNAUTHORIZED'],
  ['profile', 'UserNotFoundException', 401, 'UNAUTHORIZED'],
  ['profile', 'InvalidParameterException', 401, 'UNAUTHORIZED'],
  ['profile', 'UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
  ['profile', 'PasswordResetRequiredException', 403, 'PASSWORD_RESET_REQUIRED'],

  ['mfa', 'NotAuthorizedException', 401, 'UNAUTHORIZED'],
  ['mfa', 'UserNotFoundException', 401, 'UNAUTHORIZED'],
  ['mfa', 'UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
  ['mfa', 'PasswordResetRequiredException', 403, 'PASSWORD_RESET_REQUIRED'],
  ['mfa', 'CodeMismatchException', 400, 'CODE_MISMATCH'],
  ['mfa', 'EnableSoftwareTokenMFAException', 400, 'CODE_MISMATCH'],
  ['mfa', 'SoftwareTokenMFANotFoundException', 400, 'VALIDATION_FAILED'],
  ['mfa', 'ConcurrentModificationException', 429, 'TOO_MANY_REQUESTS'],
  ['mfa', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],

  ['changePassword', 'NotAuthorizedException', 401, 'INVALID_CREDENTIALS'],
  ['changePassword', 'UserNotFoundException', 401, 'INVALID_CREDENTIALS'],
  ['changePassword', 'UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
  [
    'changePassword',
    'PasswordResetRequiredException',
    403,
    'PASSWORD_RESET_REQUIRED',
  ],
  ['changePassword', 'InvalidPasswordException', 400, 'PASSWORD_POLICY'],
  [
    'changePassword',
    'PasswordHistoryPolicyViolationException',
    400,
    'PASSWORD_POLICY',
  ],
  ['changePassword', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],

  ['forgotPassword', 'CodeDeliveryFailureException', 503, 'IDP_UNAVAILABLE'],

  ['confirmPassword', 'CodeMismatchException', 400, 'CODE_MISMATCH'],
  ['confirmPassword', 'ExpiredCodeException', 400, 'CODE_EXPIRED'],
  ['confirmPassword', 'UserNotFoundException', 400, 'CODE_MISMATCH'],
  ['confirmPassword', 'UserNotConfirmedException', 400, 'CODE_MISMATCH'],
  ['confirmPassword', 'NotAuthorizedException', 400, 'CODE_MISMATCH'],
  ['confirmPassword', 'InvalidPasswordException', 400, 'PASSWORD_POLICY'],
  [
    'confirmPassword',
    'PasswordHistoryPolicyViolationException',
    400,
    'PASSWORD_POLICY',
  ],
  ['confirmPassword', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],
];

/** Names that answer the same in every flow (unless a flow has its own entry). */
const COMMON: [string, HttpStatus, string][] = [
  ['TooManyRequestsException', 429, 'TOO_MANY_REQUESTS'],
  ['LimitExceededException', 429, 'TOO_MANY_REQUESTS'],
  ['TooManyFailedAttemptsException', 429, 'TOO_MANY_REQUESTS'],
  ['ThrottlingException', 429, 'TOO_MANY_REQUESTS'],
  ['UserLambdaValidationException', 400, 'VALIDATION_FAILED'],
  ['NetworkError', 503, 'IDP_UNAVAILABLE'],
  ['TimeoutError', 503, 'IDP_UNAVAILABLE'],
  ['InternalErrorException', 503, 'IDP_UNAVAILABLE'],
  ['ServiceUnavailableException', 503, 'IDP_UNAVAILABLE'],
  ['ServiceUnavailable', 503, 'IDP_UNAVAILABLE'],
  ['InternalFailure', 503, 'IDP_UNAVAILABLE'],
];

const COMMON_ROWS: Row[] = FLOWS.flatMap((flow) =>
  COMMON.map(([name, status, code]): Row => [flow, name, status, code]),
);

/** Errors of a flow that are not in its table: 500 INTERNAL. */
const UNMAPPED: [CognitoFlow, string][] = [
  ['login', 'CodeMismatchException'],
  ['register', 'UserNotConfirmedException'],
  ['forgotPassword', 'UserNotFoundException'],
  ['confirmRegistration', 'InvalidPasswordException'],
  ...FLOWS.map((flow): [CognitoFlow, string] => [flow, 'Unsupported']),
  ...FLOWS.map((flow): [CognitoFlow, string] => [
    flow,
    'SomethingNewException',
  ]),
];

/**
 * The errors each operation documents: Amazon Cognito user pools API
 * reference, "Errors" of each operation (the `errors` of the service model,
 * botocore cognito-idp/2016-04-18/service-2.json); checked 2026-11. Written
 * out here, not taken from the module, so that the check below can fail.
 */
const DOCUMENTED: Record<CognitoOperation, string[]> = {
  SignUp: [
    'CodeDeliveryFailureException',
    'ForbiddenException',
    'InternalErrorException',
    'InvalidEmailRoleAccessPolicyException',
    'InvalidLambdaResponseException',
    'InvalidParameterException',
    'InvalidPasswordException',
    'InvalidSmsRoleAccessPolicyException',
    'InvalidSmsRoleTrustRelationshipException',
    'LimitExceededException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UnexpectedLambdaException',
    'UserLambdaValidationException',
    'UsernameExistsException',
  ],
  ConfirmSignUp: [
    'AliasExistsException',
    'CodeMismatchException',
    'ExpiredCodeException',
    'ForbiddenException',
    'InternalErrorException',
    'InvalidLambdaResponseException',
    'InvalidParameterException',
    'LimitExceededException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyFailedAttemptsException',
    'TooManyRequestsException',
    'UnexpectedLambdaException',
    'UserLambdaValidationException',
    'UserNotFoundException',
  ],
  ResendConfirmationCode: [
    'CodeDeliveryFailureException',
    'ForbiddenException',
    'InternalErrorException',
    'InvalidEmailRoleAccessPolicyException',
    'InvalidLambdaResponseException',
    'InvalidParameterException',
    'InvalidSmsRoleAccessPolicyException',
    'InvalidSmsRoleTrustRelationshipException',
    'LimitExceededException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UnexpectedLambdaException',
    'UserLambdaValidationException',
    'UserNotFoundException',
  ],
  InitiateAuth: [
    'ForbiddenException',
    'InternalErrorException',
    'InvalidEmailRoleAccessPolicyException',
    'InvalidLambdaResponseException',
    'InvalidParameterException',
    'InvalidSmsRoleAccessPolicyException',
    'InvalidSmsRoleTrustRelationshipException',
    'InvalidUserPoolConfigurationException',
    'NotAuthorizedException',
    'PasswordResetRequiredException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UnexpectedLambdaException',
    'UserLambdaValidationException',
    'UserNotConfirmedException',
    'UserNotFoundException',
  ],
  RespondToAuthChallenge: [
    'AliasExistsException',
    'CodeMismatchException',
    'ExpiredCodeException',
    'ForbiddenException',
    'InternalErrorException',
    'InvalidEmailRoleAccessPolicyException',
    'InvalidLambdaResponseException',
    'InvalidParameterException',
    'InvalidPasswordException',
    'InvalidSmsRoleAccessPolicyException',
    'InvalidSmsRoleTrustRelationshipException',
    'InvalidUserPoolConfigurationException',
    'MFAMethodNotFoundException',
    'NotAuthorizedException',
    'PasswordHistoryPolicyViolationException',
    'PasswordResetRequiredException',
    'ResourceNotFoundException',
    'SoftwareTokenMFANotFoundException',
    'TooManyRequestsException',
    'UnexpectedLambdaException',
    'UserLambdaValidationException',
    'UserNotConfirmedException',
    'UserNotFoundException',
  ],
  ChangePassword: [
    'ForbiddenException',
    'InternalErrorException',
    'InvalidParameterException',
    'InvalidPasswordException',
    'LimitExceededException',
    'NotAuthorizedException',
    'PasswordHistoryPolicyViolationException',
    'PasswordResetRequiredException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UserNotConfirmedException',
    'UserNotFoundException',
  ],
  ForgotPassword: [
    'CodeDeliveryFailureException',
    'ForbiddenException',
    'InternalErrorException',
    'InvalidEmailRoleAccessPolicyException',
    'InvalidLambdaResponseException',
    'InvalidParameterException',
    'InvalidSmsRoleAccessPolicyException',
    'InvalidSmsRoleTrustRelationshipException',
    'LimitExceededException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UnexpectedLambdaException',
    'UserLambdaValidationException',
    'UserNotFoundException',
  ],
  ConfirmForgotPassword: [
    'CodeMismatchException',
    'ExpiredCodeException',
    'ForbiddenException',
    'InternalErrorException',
    'InvalidLambdaResponseException',
    'InvalidParameterException',
    'InvalidPasswordException',
    'LimitExceededException',
    'NotAuthorizedException',
    'PasswordHistoryPolicyViolationException',
    'ResourceNotFoundException',
    'TooManyFailedAttemptsException',
    'TooManyRequestsException',
    'UnexpectedLambdaException',
    'UserLambdaValidationException',
    'UserNotConfirmedException',
    'UserNotFoundException',
  ],
  GetUser: [
    'ForbiddenException',
    'InternalErrorException',
    'InvalidParameterException',
    'NotAuthorizedException',
    'PasswordResetRequiredException',
    'ResourceNotFoundException',
    'TooManyRequestsException',
    'UserNotConfirmedException',
    'UserNotFoundException',
  ],
  RevokeToken: [
    'ForbiddenException',
    'InternalErrorException',
    'InvalidParameterException',
    'TooManyRequestsException',
    'UnauthorizedException',
    'UnsupportedOperationException',
    'UnsupportedTokenTypeException',
  ],
  AssociateSoftwareToken: [
    'ConcurrentModificationException',
    'ForbiddenException',
    'InternalErrorException',
    'InvalidParameterException',
    'NotAuthorizedException',
    'ResourceNotFoundException',
    'SoftwareTokenMFANotFoundException',
  ],
  VerifySoftwareToken: [
    'CodeMismatchException',
    'EnableSoftwareTokenMFAException',
    'ForbiddenException',
    'InternalErrorException',
    'InvalidParameterException',
    'InvalidUserPoolConfigurationException',
    'NotAuthorizedException',
    'PasswordResetRequiredException',
    'ResourceNotFoundException',
    'SoftwareTokenMFANotFoundException',
    'TooManyRequestsException',
    'UserNotConfirmedException',
    'UserNotFoundException',
  ],
  SetUserMFAPreference: [
    'ForbiddenException',
    'InternalErrorException',
    'InvalidParameterException',
    'NotAuthorizedException',
    'PasswordResetRequiredException',
    'ResourceNotFoundException',
    'UserNotConfirmedException',
    'UserNotFoundException',
  ],
};

/** Errors common to all AWS actions that a client of this API could cause or wait out. */
const AWS_COMMON = [
  'ThrottlingException',
  'ServiceUnavailable',
  'InternalFailure',
];

/** Which operations each flow sends (see the services and CognitoClient). */
const FLOW_OPERATIONS: Record<CognitoFlow, CognitoOperation[]> = {
  register: ['SignUp'],
  confirmRegistration: ['ConfirmSignUp'],
  resendConfirmation: ['ResendConfirmationCode'],
  // USER_PASSWORD_AUTH, or USER_SRP_AUTH: InitiateAuth, then the library's
  // RespondToAuthChallenge with PASSWORD_VERIFIER.
  login: ['InitiateAuth', 'RespondToAuthChallenge'],
  challenge: ['RespondToAuthChallenge'],
  refresh: ['InitiateAuth'],
  logout: ['RevokeToken'],
  profile: ['GetUser'],
  mfa: [
    'AssociateSoftwareToken',
    'GetUser',
    'VerifySoftwareToken',
    'SetUserMFAPreference',
  ],
  changePassword: ['ChangePassword', 'RevokeToken'],
  forgotPassword: ['ForgotPassword'],
  confirmPassword: ['ConfirmForgotPassword'],
};

/**
 * Documented names deliberately left to the generic 500 in every flow: the
 * pool's or the app's configuration is wrong, no client can fix it, and the
 * logged cause is what an operator needs.
 */
const ALWAYS_500: Record<string, string> = {
  ResourceNotFoundException:
    'the configured user pool or app client does not exist',
  InvalidUserPoolConfigurationException:
    'the pool lacks a setting the call needs (e.g. TOTP MFA turned off)',
  InvalidLambdaResponseException:
    'a Lambda trigger of the pool answered something Cognito cannot use',
  UnexpectedLambdaException: 'a Lambda trigger of the pool failed',
  InvalidSmsRoleAccessPolicyException:
    'the pool may not publish SMS with its role',
  InvalidSmsRoleTrustRelationshipException:
    'the pool SMS role does not trust Cognito',
  InvalidEmailRoleAccessPolicyException:
    'the pool may not send from its SES identity',
  ForbiddenException:
    'the pool WAF web ACL blocked the call, and it sees this server, not the user',
  UnsupportedOperationException:
    'token revocation is not turned on for the app client',
};

/** Documented names deliberately left to 500 in one flow, with the reason. */
const FLOW_500: [CognitoFlow, string, string][] = [
  [
    'register',
    'NotAuthorizedException',
    'SignUp refuses only the app: a wrong SECRET_HASH, or a pool where only admins create users',
  ],
  ...[
    'UserNotFoundException',
    'InvalidParameterException',
    'NotAuthorizedException',
  ].flatMap((name): [CognitoFlow, string, string][] => [
    [
      'resendConfirmation',
      name,
      'AuthService answers 202 for it (HIDDEN_ON_RESEND), unmapped',
    ],
    [
      'forgotPassword',
      name,
      'PasswordService answers 202 for it (HIDDEN_ON_FORGOT), unmapped',
    ],
  ]),
  ...[
    'CodeMismatchException',
    'ExpiredCodeException',
    'PasswordHistoryPolicyViolationException',
    'MFAMethodNotFoundException',
    'SoftwareTokenMFANotFoundException',
    'AliasExistsException',
  ].map((name): [CognitoFlow, string, string] => [
    'login',
    name,
    'the SRP step (PASSWORD_VERIFIER) sends no code, new password, attribute or MFA choice: a bug',
  ]),
  ...['UnauthorizedException', 'UnsupportedTokenTypeException'].map(
    (name): [CognitoFlow, string, string] => [
      'changePassword',
      name,
      'RevokeToken after the change: PasswordService ignores its failure',
    ],
  ),
];

type DocumentedCase = [CognitoFlow, string, string, string | undefined];

function deliberate500(flow: CognitoFlow, name: string): string | undefined {
  return (
    ALWAYS_500[name] ?? FLOW_500.find(([f, n]) => f === flow && n === name)?.[2]
  );
}

/** flow x every name documented for the flow's operations. */
const DOCUMENTED_ROWS: [CognitoFlow, string, string | undefined][] =
  FLOWS.flatMap((flow) =>
    [
      ...new Set([
        ...FLOW_OPERATIONS[flow].flatMap((operation) => DOCUMENTED[operation]),
        ...AWS_COMMON,
      ]),
    ].map((name): [CognitoFlow, string, string | undefined] => [
      flow,
      name,
      deliberate500(flow, name),
    ]),
  );

describe('mapCognitoError', () => {
  describe('per flow', () => {
    it.each(PER_FLOW)(
      'answers %s + %s with %i %s',
      (flow, name, status, code) => {
        const mapped = mapCognitoError(flow, cognitoError(name));
        expect(mapped).toBeInstanceOf(ApiException);
        expect(mapped.getStatus()).toBe(status);
        expect(mapped.code).toBe(code);
        const body = JSON.stringify(mapped.getResponse());
        expect(body).not.toContain('upstream detail');
        expect(body).not.toContain(name);
      },
    );
  });

  describe('against the API reference', () => {
    it.each(
      DOCUMENTED_ROWS.map(([flow, name, reason]): DocumentedCase => [
        flow,
        name,
        reason ? `500 on purpose (${reason})` : 'an answer of its own, not 500',
        reason,
      ]),
    )(
      'answers %s + %s (documented) with %s',
      (flow, name, _expected, reason) => {
        const mapped = mapCognitoError(flow, cognitoError(name));
        if (reason) {
          expect(mapped.getStatus()).toBe(HttpStatus.INTERNAL_SERVER_ERROR);
          expect(mapped.code).toBe('INTERNAL');
          expect(mapped.messages).toBe(
            'Something went wrong; the error was logged.',
          );
        } else {
          expect(mapped.code).not.toBe('INTERNAL');
          expect(mapped.getStatus()).not.toBe(HttpStatus.INTERNAL_SERVER_ERROR);
        }
      },
    );

    it.each(FLOW_500)(
      'lists %s + %s as deliberately 500 only where the reference documents it',
      (flow, name) => {
        const documented = FLOW_OPERATIONS[flow].flatMap(
          (operation) => DOCUMENTED[operation],
        );
        expect(documented).toContain(name);
      },
    );

    it.each(Object.keys(ALWAYS_500))(
      'lists %s as deliberately 500 only if some operation documents it',
      (name) => {
        expect(Object.values(DOCUMENTED).flat()).toContain(name);
      },
    );

    it('has a row in the tables above for every documented answer that is not 500', () => {
      const tabled = new Set([
        ...PER_FLOW.map(([flow, name]) => `${flow} ${name}`),
        ...COMMON_ROWS.map(([flow, name]) => `${flow} ${name}`),
      ]);
      const missing = DOCUMENTED_ROWS.filter(
        ([flow, name, reason]) => !reason && !tabled.has(`${flow} ${name}`),
      );
      expect(missing).toEqual([]);
    });
  });

  describe('in every flow', () => {
    it.each(COMMON_ROWS)(
      'answers %s + %s with %i %s',
      (flow, name, status, code) => {
        const mapped = mapCognitoError(flow, cognitoError(name));
        expect(mapped.getStatus()).toBe(status);
        expect(mapped.code).toBe(code);
      },
    );
  });

  it.each(UNMAPPED)(
    'answers %s + %s with 500 INTERNAL (not in that flow, or the emulator cannot do it)',
    (flow, name) => {
      const mapped = mapCognitoError(flow, cognitoError(name));
      expect(mapped.getStatus()).toBe(HttpStatus.INTERNAL_SERVER_ERROR);
      expect(mapped.code).toBe('INTERNAL');
      expect(mapped.messages).toBe(
        'Something went wrong; the error was logged.',
      );
    },
  );

  it.each([
    ['a plain Error', new Error('boom')],
    ['a TypeError', new TypeError('x is not a function')],
    ['a string', 'NotAuthorizedException'],
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object without code or name', { message: 'nope' }],
    ['an object with an empty code and no name', { code: '' }],
  ])('answers %s with 500 INTERNAL', (_label, error) => {
    const mapped = mapCognitoError('login', error);
    expect(mapped).toBeInstanceOf(ApiException);
    expect(mapped.getStatus()).toBe(500);
    expect(mapped.code).toBe('INTERNAL');
  });

  it.each(['constructor', 'toString'])(
    'answers 500 INTERNAL, without throwing, for an error named after an Object.prototype member (%s)',
    (name) => {
      let mapped: ApiException | undefined;
      expect(() => {
        mapped = mapCognitoError('login', cognitoError(name));
      }).not.toThrow();
      expect(mapped?.getStatus()).toBe(500);
      expect(mapped?.code).toBe('INTERNAL');
    },
  );

  it('answers the same 401 sentence for the emulator and real Cognito at login', () => {
    const emulator = mapCognitoError(
      'login',
      cognitoError('InvalidPasswordException', 'Invalid password'),
    );
    const real = mapCognitoError(
      'login',
      cognitoError('NotAuthorizedException', 'Incorrect username or password.'),
    );
    const unknownUser = mapCognitoError(
      'login',
      cognitoError('UserNotFoundException', 'User does not exist.'),
    );
    expect(emulator.getResponse()).toEqual(real.getResponse());
    expect(unknownUser.getResponse()).toEqual(real.getResponse());
    expect(real.messages).toBe('Incorrect email or password.');
  });

  it('keeps the original error as cause, for the log', () => {
    const original = cognitoError('CodeMismatchException');
    expect(mapCognitoError('confirmPassword', original).cause).toBe(original);
    const unknown = new Error('boom');
    expect(mapCognitoError('login', unknown).cause).toBe(unknown);
  });

  it('returns an ApiException it is given unchanged', () => {
    const already = new ApiException(429, 'TOO_MANY_REQUESTS', 'Slow down.');
    expect(mapCognitoError('login', already)).toBe(already);
  });

  it.each<[CognitoFlow, string, string]>([
    [
      'login',
      'ResourceNotFoundException',
      'User pool client abc does not exist',
    ],
    ['login', 'NotAuthorizedException', 'User pool client abc does not exist'],
    [
      'register',
      'InvalidParameterException',
      '1 validation error detected: Value at userAttributes failed',
    ],
    ['confirmPassword', 'CodeMismatchException', 'Invalid verification code'],
  ])(
    'never puts the Cognito message in the answer (%s + %s: "%s")',
    (flow, name, upstream) => {
      const mapped = mapCognitoError(flow, cognitoError(name, upstream));
      expect(JSON.stringify(mapped.getResponse())).not.toContain(upstream);
      expect(mapped.message).not.toContain(upstream);
      expect(JSON.stringify(mapped.getResponse())).not.toContain(name);
    },
  );

  it('recognises an error by its code when its name is the generic Error (library NetworkError)', () => {
    const network = Object.assign(new Error('Network error'), {
      code: 'NetworkError',
    });
    const mapped = mapCognitoError('login', network);
    expect(mapped.getStatus()).toBe(503);
    expect(mapped.code).toBe('IDP_UNAVAILABLE');
  });

  it('recognises an error by its name when it has no code (the client timeout)', () => {
    const timeout = new Error('InitiateAuth took longer than 5000 ms');
    timeout.name = 'TimeoutError';
    const mapped = mapCognitoError('login', timeout);
    expect(mapped.getStatus()).toBe(503);
    expect(mapped.code).toBe('IDP_UNAVAILABLE');
  });
});

describe('cognitoErrorName', () => {
  it.each([
    [
      'code and name both set',
      cognitoError('UserNotFoundException'),
      'UserNotFoundException',
    ],
    [
      'code wins over name',
      Object.assign(new Error('x'), {
        code: 'NetworkError',
        name: 'TypeError',
      }),
      'NetworkError',
    ],
    [
      'name only',
      Object.assign(new Error('x'), { name: 'TimeoutError' }),
      'TimeoutError',
    ],
    [
      'empty code falls back to name',
      { code: '', name: 'ExpiredCodeException' },
      'ExpiredCodeException',
    ],
    ['a plain Error', new Error('x'), undefined],
    ['a non-string code and no name', { code: 42 }, undefined],
    ['a string', 'NotAuthorizedException', undefined],
    ['undefined', undefined, undefined],
    ['null', null, undefined],
  ])('gives the name for %s', (_label, error, expected) => {
    expect(cognitoErrorName(error)).toBe(expected);
  });
});

describe('Retry-After of Cognito throttling', () => {
  it.each([
    'TooManyRequestsException',
    'LimitExceededException',
    'TooManyFailedAttemptsException',
  ])(
    'asks the client to wait a minute after %s (Cognito says no time)',
    (name) => {
      const error = mapCognitoError(
        'login',
        cognitoError(name, 'Rate exceeded'),
      );
      expect(error.getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
      expect(error.retryAfterSeconds).toBe(60);
    },
  );

  it('sets no Retry-After on other answers', () => {
    expect(
      mapCognitoError('login', cognitoError('NotAuthorizedException', 'x'))
        .retryAfterSeconds,
    ).toBeUndefined();
  });
});
