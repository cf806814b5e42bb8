import { HttpStatus } from '@nestjs/common';
import {
  ApiException,
  type ErrorCode,
} from '../common/errors/api-exception.js';

/** The app's flows; each maps Cognito's error names in its own way. */
export type CognitoFlow =
  | 'register'
  | 'confirmRegistration'
  | 'resendConfirmation'
  | 'login'
  | 'challenge'
  | 'refresh'
  | 'logout'
  | 'profile'
  | 'mfa'
  | 'changePassword'
  | 'forgotPassword'
  | 'confirmPassword';

type Answer = readonly [HttpStatus, ErrorCode, string];

const INVALID_CREDENTIALS: Answer = [
  HttpStatus.UNAUTHORIZED,
  'INVALID_CREDENTIALS',
  'Incorrect email or password.',
];
const CODE_MISMATCH: Answer = [
  HttpStatus.BAD_REQUEST,
  'CODE_MISMATCH',
  'The code is not valid for this email.',
];
const CODE_EXPIRED: Answer = [
  HttpStatus.BAD_REQUEST,
  'CODE_EXPIRED',
  'The code has expired; ask for a new one.',
];
const PASSWORD_POLICY: Answer = [
  HttpStatus.BAD_REQUEST,
  'PASSWORD_POLICY',
  'The new password does not meet the password policy.',
];
const USER_NOT_CONFIRMED: Answer = [
  HttpStatus.FORBIDDEN,
  'USER_NOT_CONFIRMED',
  'The account is not confirmed yet; confirm it with the code sent by email.',
];
const PASSWORD_RESET_REQUIRED: Answer = [
  HttpStatus.FORBIDDEN,
  'PASSWORD_RESET_REQUIRED',
  'A password reset is required; use forgot-password to set a new password.',
];
const TOO_MANY: Answer = [
  HttpStatus.TOO_MANY_REQUESTS,
  'TOO_MANY_REQUESTS',
  'Too many attempts; try again later.',
];
const UNAVAILABLE: Answer = [
  HttpStatus.SERVICE_UNAVAILABLE,
  'IDP_UNAVAILABLE',
  'The identity provider cannot be reached; try again later.',
];
const SESSION_REFUSED: Answer = [
  HttpStatus.UNAUTHORIZED,
  'UNAUTHORIZED',
  'Cognito refused the token or session; log in again.',
];
const REFRESH_REFUSED: Answer = [
  HttpStatus.UNAUTHORIZED,
  'UNAUTHORIZED',
  'The refresh token is not valid, has expired or was revoked; log in again.',
];
const BAD_INPUT: Answer = [
  HttpStatus.BAD_REQUEST,
  'VALIDATION_FAILED',
  'The identity provider refused the request as invalid.',
];

/** Answers that mean the same in every flow. */
const COMMON: Record<string, Answer> = {
  TooManyRequestsException: TOO_MANY,
  LimitExceededException: TOO_MANY,
  TooManyFailedAttemptsException: TOO_MANY,
  InternalErrorException: UNAVAILABLE,
  NetworkError: UNAVAILABLE,
  TimeoutError: UNAVAILABLE,
  ServiceUnavailableException: UNAVAILABLE,
};

/**
 * Cognito error name -> answer, per flow. Both columns of COGNITO-LOCAL.md
 * are here: the emulator says InvalidPasswordException for a wrong password
 * where real Cognito says NotAuthorizedException.
 */
const BY_FLOW: Record<CognitoFlow, Record<string, Answer>> = {
  register: {
    UsernameExistsException: [
      HttpStatus.CONFLICT,
      'USER_EXISTS',
      'An account with this email already exists.',
    ],
    AliasExistsException: [
      HttpStatus.CONFLICT,
      'USER_EXISTS',
      'An account with this email already exists.',
    ],
    InvalidPasswordException: PASSWORD_POLICY,
    InvalidParameterException: BAD_INPUT,
    CodeDeliveryFailureException: UNAVAILABLE,
  },
  confirmRegistration: {
    CodeMismatchException: CODE_MISMATCH,
    ExpiredCodeException: CODE_EXPIRED,
    // An unknown or already confirmed user gets the same answer as a wrong
    // code, so that the route does not reveal which accounts exist.
    UserNotFoundException: CODE_MISMATCH,
    NotAuthorizedException: CODE_MISMATCH,
    AliasExistsException: [
      HttpStatus.CONFLICT,
      'USER_EXISTS',
      'An account with this email already exists.',
    ],
    InvalidParameterException: BAD_INPUT,
  },
  login: {
    NotAuthorizedException: INVALID_CREDENTIALS,
    UserNotFoundException: INVALID_CREDENTIALS,
    InvalidPasswordException: INVALID_CREDENTIALS,
    InvalidParameterException: INVALID_CREDENTIALS,
    UserNotConfirmedException: USER_NOT_CONFIRMED,
    PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
  },
  resendConfirmation: {
    // UserNotFound and the like are answered 202 by AuthService, unmapped.
    CodeDeliveryFailureException: UNAVAILABLE,
  },
  challenge: {
    CodeMismatchException: CODE_MISMATCH,
    ExpiredCodeException: CODE_EXPIRED,
    EnableSoftwareTokenMFAException: CODE_MISMATCH,
    InvalidPasswordException: PASSWORD_POLICY,
    NotAuthorizedException: [
      HttpStatus.UNAUTHORIZED,
      'UNAUTHORIZED',
      'The challenge session is not valid or has expired; log in again.',
    ],
    UserNotFoundException: INVALID_CREDENTIALS,
    InvalidParameterException: BAD_INPUT,
  },
  refresh: {
    NotAuthorizedException: REFRESH_REFUSED,
    UserNotFoundException: REFRESH_REFUSED,
    InvalidParameterException: REFRESH_REFUSED,
  },
  logout: {
    // RevokeToken: a token that is not a refresh token of this client.
    UnsupportedTokenTypeException: BAD_INPUT,
    UnauthorizedException: SESSION_REFUSED,
    NotAuthorizedException: SESSION_REFUSED,
  },
  profile: {
    NotAuthorizedException: SESSION_REFUSED,
    UserNotFoundException: SESSION_REFUSED,
  },
  mfa: {
    NotAuthorizedException: SESSION_REFUSED,
    CodeMismatchException: CODE_MISMATCH,
    EnableSoftwareTokenMFAException: CODE_MISMATCH,
    SoftwareTokenMFANotFoundException: [
      HttpStatus.BAD_REQUEST,
      'VALIDATION_FAILED',
      'Start with POST /auth/mfa/totp/setup, then verify a code.',
    ],
    InvalidParameterException: BAD_INPUT,
  },
  changePassword: {
    // Identity is proven first by a login with the current password, so a
    // refusal at that step is wrong credentials; a refusal of the new
    // password is the policy.
    NotAuthorizedException: INVALID_CREDENTIALS,
    UserNotFoundException: INVALID_CREDENTIALS,
    UserNotConfirmedException: USER_NOT_CONFIRMED,
    PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
    InvalidPasswordException: PASSWORD_POLICY,
    InvalidParameterException: BAD_INPUT,
  },
  forgotPassword: {
    // UserNotFound and the like are answered 202 by AuthService, unmapped.
    CodeDeliveryFailureException: UNAVAILABLE,
  },
  confirmPassword: {
    CodeMismatchException: CODE_MISMATCH,
    ExpiredCodeException: CODE_EXPIRED,
    UserNotFoundException: CODE_MISMATCH,
    NotAuthorizedException: CODE_MISMATCH,
    InvalidPasswordException: PASSWORD_POLICY,
    InvalidParameterException: BAD_INPUT,
  },
};

/** The error name Cognito (or the emulator, or fetch) gave, if any. */
export function cognitoErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && code !== '') return code;
  return typeof name === 'string' && name !== 'Error' ? name : undefined;
}

/**
 * Turns anything a Cognito call threw into the API's answer. Unknown errors
 * become 500 INTERNAL with the original kept as `cause` (logged by the
 * filter, never sent).
 */
export function mapCognitoError(
  flow: CognitoFlow,
  error: unknown,
): ApiException {
  if (error instanceof ApiException) return error;
  const name = cognitoErrorName(error);
  const answer = name
    ? (lookup(BY_FLOW[flow], name) ?? lookup(COMMON, name))
    : undefined;
  if (answer) {
    const [status, code, message] = answer;
    return new ApiException(status, code, message, { cause: error });
  }
  return new ApiException(
    HttpStatus.INTERNAL_SERVER_ERROR,
    'INTERNAL',
    'Something went wrong; the error was logged.',
    { cause: error },
  );
}

/** Own entries only: an error named `constructor` must not find Object's. */
function lookup(
  table: Record<string, Answer>,
  name: string,
): Answer | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
