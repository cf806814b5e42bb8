import { HttpStatus } from '@nestjs/common';
import { ApiException } from '../common/errors/api-exception.js';
import { cognitoError } from '../../test/support/cognito-stub.js';
import type { GatewayMethod } from './cognito.gateway.js';
import {
  cognitoErrorName,
  mapCognitoError as mapWithTable,
} from './cognito-errors.js';
import { GATEWAY_ERRORS } from './gateway-errors.js';

/** How an error reads with `method`'s table (cognito-errors.spec.ts checks every table). */
function mapCognitoError(method: GatewayMethod, error: unknown): ApiException {
  return mapWithTable(GATEWAY_ERRORS[method], error);
}

describe('mapCognitoError', () => {
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
    const mapped = mapCognitoError('passwordAuth', error);
    expect(mapped).toBeInstanceOf(ApiException);
    expect(mapped.getStatus()).toBe(500);
    expect(mapped.code).toBe('INTERNAL');
  });

  it.each(['constructor', 'toString'])(
    'answers 500 INTERNAL, without throwing, for an error named after an Object.prototype member (%s)',
    (name) => {
      let mapped: ApiException | undefined;
      expect(() => {
        mapped = mapCognitoError('passwordAuth', cognitoError(name));
      }).not.toThrow();
      expect(mapped?.getStatus()).toBe(500);
      expect(mapped?.code).toBe('INTERNAL');
    },
  );

  it('answers the same 401 sentence for the emulator and real Cognito at passwordAuth', () => {
    const emulator = mapCognitoError(
      'passwordAuth',
      cognitoError('InvalidPasswordException', 'Invalid password'),
    );
    const real = mapCognitoError(
      'passwordAuth',
      cognitoError('NotAuthorizedException', 'Incorrect username or password.'),
    );
    const unknownUser = mapCognitoError(
      'passwordAuth',
      cognitoError('UserNotFoundException', 'User does not exist.'),
    );
    expect(emulator.getResponse()).toEqual(real.getResponse());
    expect(unknownUser.getResponse()).toEqual(real.getResponse());
    expect(real.messages).toBe('Incorrect email or password.');
  });

  it('keeps the original error as cause, for the log', () => {
    const original = cognitoError('CodeMismatchException');
    expect(mapCognitoError('confirmForgotPassword', original).cause).toBe(
      original,
    );
    const unknown = new Error('boom');
    expect(mapCognitoError('passwordAuth', unknown).cause).toBe(unknown);
  });

  it('returns an ApiException it is given unchanged', () => {
    const already = new ApiException(429, 'TOO_MANY_REQUESTS', 'Slow down.');
    expect(mapCognitoError('passwordAuth', already)).toBe(already);
  });

  it.each<[GatewayMethod, string, string]>([
    [
      'passwordAuth',
      'ResourceNotFoundException',
      'User pool client abc does not exist',
    ],
    [
      'passwordAuth',
      'NotAuthorizedException',
      'User pool client abc does not exist',
    ],
    [
      'signUp',
      'InvalidParameterException',
      '1 validation error detected: Value at userAttributes failed',
    ],
    [
      'confirmForgotPassword',
      'CodeMismatchException',
      'Invalid verification code',
    ],
  ])(
    'never puts the Cognito message in the answer (%s + %s: "%s")',
    (method, name, upstream) => {
      const mapped = mapCognitoError(method, cognitoError(name, upstream));
      expect(JSON.stringify(mapped.getResponse())).not.toContain(upstream);
      expect(mapped.message).not.toContain(upstream);
      expect(JSON.stringify(mapped.getResponse())).not.toContain(name);
    },
  );

  it('recognises an error by its code when its name is the generic Error (library NetworkError)', () => {
    const network = Object.assign(new Error('Network error'), {
      code: 'NetworkError',
    });
    const mapped = mapCognitoError('passwordAuth', network);
    expect(mapped.getStatus()).toBe(503);
    expect(mapped.code).toBe('IDP_UNAVAILABLE');
  });

  it('recognises an error by its name when it has no code (the client timeout)', () => {
    const timeout = new Error('InitiateAuth took longer than 5000 ms');
    timeout.name = 'TimeoutError';
    const mapped = mapCognitoError('passwordAuth', timeout);
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
    [
      'an ApiException the gateway made, by its cause',
      mapCognitoError('getUser', cognitoError('NotAuthorizedException')),
      'NotAuthorizedException',
    ],
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
        'passwordAuth',
        cognitoError(name, 'Rate exceeded'),
      );
      expect(error.getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
      expect(error.retryAfterSeconds).toBe(60);
    },
  );

  it('sets no Retry-After on other answers', () => {
    expect(
      mapCognitoError(
        'passwordAuth',
        cognitoError('NotAuthorizedException', 'x'),
      ).retryAfterSeconds,
    ).toBeUndefined();
  });
});
