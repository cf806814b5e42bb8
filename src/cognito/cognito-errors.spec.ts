import { HttpStatus } from '@nestjs/common';
import { ApiException } from '../common/errors/api-exception.js';
import {
  cognitoErrorName,
  mapCognitoError,
  type CognitoFlow,
} from './cognito-errors.js';

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
  'login',
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

  // wrong password: emulator InvalidPasswordException, real Cognito NotAuthorizedException
  ['login', 'InvalidPasswordException', 401, 'INVALID_CREDENTIALS'],
  ['login', 'NotAuthorizedException', 401, 'INVALID_CREDENTIALS'],
  // unknown user: emulator NotAuthorizedException, real Cognito UserNotFoundException
  ['login', 'UserNotFoundException', 401, 'INVALID_CREDENTIALS'],
  ['login', 'InvalidParameterException', 401, 'INVALID_CREDENTIALS'],
  ['login', 'UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
  ['login', 'PasswordResetRequiredException', 403, 'PASSWORD_RESET_REQUIRED'],

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
  ['changePassword', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],

  ['forgotPassword', 'CodeDeliveryFailureException', 503, 'IDP_UNAVAILABLE'],

  ['confirmPassword', 'CodeMismatchException', 400, 'CODE_MISMATCH'],
  ['confirmPassword', 'ExpiredCodeException', 400, 'CODE_EXPIRED'],
  ['confirmPassword', 'UserNotFoundException', 400, 'CODE_MISMATCH'],
  ['confirmPassword', 'NotAuthorizedException', 400, 'CODE_MISMATCH'],
  ['confirmPassword', 'InvalidPasswordException', 400, 'PASSWORD_POLICY'],
  ['confirmPassword', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],
];

/** Names that answer the same in every flow. */
const COMMON: [string, HttpStatus, string][] = [
  ['TooManyRequestsException', 429, 'TOO_MANY_REQUESTS'],
  ['LimitExceededException', 429, 'TOO_MANY_REQUESTS'],
  ['TooManyFailedAttemptsException', 429, 'TOO_MANY_REQUESTS'],
  ['NetworkError', 503, 'IDP_UNAVAILABLE'],
  ['TimeoutError', 503, 'IDP_UNAVAILABLE'],
  ['InternalErrorException', 503, 'IDP_UNAVAILABLE'],
  ['ServiceUnavailableException', 503, 'IDP_UNAVAILABLE'],
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

describe('mapCognitoError', () => {
  describe('per flow', () => {
    it.each(PER_FLOW)(
      'answers %s + %s with %i %s',
      (flow, name, status, code) => {
        const mapped = mapCognitoError(flow, cognitoError(name));
        expect(mapped).toBeInstanceOf(ApiException);
        expect(mapped.getStatus()).toBe(status);
        expect(mapped.code).toBe(code);
      },
    );
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
