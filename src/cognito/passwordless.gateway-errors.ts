import { HttpStatus } from '@nestjs/common';
import {
  BAD_INPUT,
  INVALID_CREDENTIALS,
  NO_SUCH_FACTOR,
  PASSWORD_RESET_REQUIRED,
  SESSION_REFUSED,
  UNAVAILABLE,
  USER_NOT_CONFIRMED,
  type Answer,
  type ErrorTable,
} from './cognito-errors.js';

/** A refused passkey assertion or email code, or a spent session: counts like a wrong password. */
const PASSWORDLESS_REFUSED: Answer = [
  HttpStatus.UNAUTHORIZED,
  'INVALID_CREDENTIALS',
  'The passkey or code was not accepted, or the sign-in has expired; sign in again.',
];

const REGISTRATION_EXPIRED: Answer = [
  HttpStatus.BAD_REQUEST,
  'VALIDATION_FAILED',
  'The passkey registration was not started or has expired; ask for new options and try again.',
];

/** The calls on the user's own passkeys and factors, with their access token. */
const ACCOUNT: ErrorTable = {
  NotAuthorizedException: SESSION_REFUSED,
  UserNotFoundException: SESSION_REFUSED,
  UserNotConfirmedException: USER_NOT_CONFIRMED,
  PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
  InvalidParameterException: BAD_INPUT,
  // WebAuthnNotEnabledException and WebAuthnConfigurationMissingException
  // (the pool lacks the Essentials plan or a relying party id) stay 500:
  // the operator's to fix, logged with their cause.
};

/** The sign-in calls: InitiateAuth USER_AUTH and its challenge answers. */
const SIGN_IN: ErrorTable = {
  NotAuthorizedException: PASSWORDLESS_REFUSED,
  UserNotFoundException: PASSWORDLESS_REFUSED,
  CodeMismatchException: PASSWORDLESS_REFUSED,
  ExpiredCodeException: PASSWORDLESS_REFUSED,
  UserNotConfirmedException: USER_NOT_CONFIRMED,
  PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
  MFAMethodNotFoundException: NO_SUCH_FACTOR,
  CodeDeliveryFailureException: UNAVAILABLE,
  InvalidParameterException: BAD_INPUT,
};

/**
 * Cognito error name -> answer, per method of PasswordlessGateway (the
 * operation each sends is named in its doc). The names come from the
 * "Errors" section of each operation in the Cognito API reference; the
 * ones common to all gateway methods are in cognito-errors.ts.
 */
export const PASSWORDLESS_ERRORS = {
  startSignIn: {
    ...SIGN_IN,
    // Unknown or disabled user: the same as a refused factor.
    NotAuthorizedException: INVALID_CREDENTIALS,
    UserNotFoundException: INVALID_CREDENTIALS,
  },
  selectChallenge: SIGN_IN,
  answerChallenge: SIGN_IN,
  startPasskeyRegistration: {
    ...ACCOUNT,
    // Cognito's limit of passkeys per user.
    LimitExceededException: [
      HttpStatus.BAD_REQUEST,
      'VALIDATION_FAILED',
      'The account has the most passkeys allowed; remove one first.',
    ],
  },
  completePasskeyRegistration: {
    ...ACCOUNT,
    WebAuthnChallengeNotFoundException: REGISTRATION_EXPIRED,
    WebAuthnClientMismatchException: REGISTRATION_EXPIRED,
    WebAuthnRelyingPartyMismatchException: [
      HttpStatus.BAD_REQUEST,
      'VALIDATION_FAILED',
      'The passkey was made for another relying party than the user pool.',
    ],
    WebAuthnOriginNotAllowedException: [
      HttpStatus.BAD_REQUEST,
      'VALIDATION_FAILED',
      'The passkey was made on a page whose origin the user pool does not allow.',
    ],
    WebAuthnCredentialNotSupportedException: [
      HttpStatus.BAD_REQUEST,
      'VALIDATION_FAILED',
      'This passkey or authenticator is not supported.',
    ],
  },
  listPasskeys: ACCOUNT,
  deletePasskey: {
    ...ACCOUNT,
    ResourceNotFoundException: [
      HttpStatus.NOT_FOUND,
      'NOT_FOUND',
      'No passkey with this id.',
    ],
  },
  getAuthFactors: ACCOUNT,
} as const satisfies Record<string, ErrorTable>;

export type PasswordlessMethodName = keyof typeof PASSWORDLESS_ERRORS;
