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

/*
 * Source of the names below: the Amazon Cognito user pools API reference,
 * section "Errors" of each operation the app sends (the same lists as the
 * `errors` of each operation in the service model, botocore
 * cognito-idp/2016-04-18/service-2.json), plus the errors common to all AWS
 * actions; checked 2026-11. cognito-errors.spec.ts keeps that list per
 * operation and fails when a documented name of a flow falls to the
 * generic 500 without being listed there as deliberate.
 *
 * Left unmapped on purpose, so 500 INTERNAL (logged with the cause, generic
 * sentence): faults of the pool's or this app's configuration that no
 * client can fix and an operator has to see, namely
 * ResourceNotFoundException (wrong pool or app client),
 * InvalidUserPoolConfigurationException, InvalidLambdaResponseException and
 * UnexpectedLambdaException (a broken trigger),
 * InvalidSmsRoleAccessPolicyException, InvalidSmsRoleTrustRelationshipException,
 * InvalidEmailRoleAccessPolicyException (message sending not allowed),
 * ForbiddenException (the pool's WAF web ACL refused the call; it sees this
 * server, not the end user), UnsupportedOperationException (RevokeToken on
 * an app client without token revocation); and the emulator's
 * `Unsupported` (a call cognito-local lacks; services handle it where they
 * can).
 */

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
const PASSWORD_REUSED: Answer = [
  HttpStatus.BAD_REQUEST,
  'PASSWORD_POLICY',
  'The new password was used before on this account; choose another one.',
];
const USER_EXISTS: Answer = [
  HttpStatus.CONFLICT,
  'USER_EXISTS',
  'An account with this email already exists.',
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
const RULE_REFUSED: Answer = [
  HttpStatus.BAD_REQUEST,
  'VALIDATION_FAILED',
  'The request was refused by a rule of the identity provider.',
];
const NO_SUCH_FACTOR: Answer = [
  HttpStatus.BAD_REQUEST,
  'VALIDATION_FAILED',
  'That second factor is not set up for this account; answer the challenge that login returned.',
];

/** Answers that mean the same in every flow. */
const COMMON: Record<string, Answer> = {
  TooManyRequestsException: TOO_MANY,
  LimitExceededException: TOO_MANY,
  TooManyFailedAttemptsException: TOO_MANY,
  // A pre sign-up, pre authentication, custom message or other trigger of
  // the pool said no: the request is refused as it is, whatever the flow.
  UserLambdaValidationException: RULE_REFUSED,
  InternalErrorException: UNAVAILABLE,
  NetworkError: UNAVAILABLE,
  TimeoutError: UNAVAILABLE,
  // Set by CognitoClient: an answer without a readable body (a 502 page).
  UnreadableResponseError: UNAVAILABLE,
  ServiceUnavailableException: UNAVAILABLE,
  // Errors common to all AWS actions.
  ThrottlingException: TOO_MANY,
  ServiceUnavailable: UNAVAILABLE,
  InternalFailure: UNAVAILABLE,
};

/**
 * Cognito error name -> answer, per flow. Both columns of the table in CONTRIBUTING.md
 * ("The emulator and real Cognito")
 * are here: the emulator says InvalidPasswordException for a wrong password
 * where real Cognito says NotAuthorizedException. Operations per flow:
 * register SignUp; confirmRegistration ConfirmSignUp; resendConfirmation
 * ResendConfirmationCode; login InitiateAuth (USER_PASSWORD_AUTH, or
 * USER_SRP_AUTH with its RespondToAuthChallenge PASSWORD_VERIFIER); challenge
 * RespondToAuthChallenge; refresh InitiateAuth (REFRESH_TOKEN_AUTH); logout
 * RevokeToken; profile GetUser; mfa AssociateSoftwareToken, GetUser,
 * VerifySoftwareToken, SetUserMFAPreference; changePassword ChangePassword
 * (and RevokeToken, whose failure PasswordService ignores); forgotPassword
 * ForgotPassword; confirmPassword ConfirmForgotPassword.
 */
const BY_FLOW: Record<CognitoFlow, Record<string, Answer>> = {
  register: {
    UsernameExistsException: USER_EXISTS,
    AliasExistsException: USER_EXISTS,
    InvalidPasswordException: PASSWORD_POLICY,
    InvalidParameterException: BAD_INPUT,
    CodeDeliveryFailureException: UNAVAILABLE,
    // SignUp's LimitExceeded is the email/SMS quota of a pool that verifies
    // addresses: the reference says the user *is* created (UNCONFIRMED), so
    // "try again" would only meet USER_EXISTS.
    LimitExceededException: [
      HttpStatus.TOO_MANY_REQUESTS,
      'TOO_MANY_REQUESTS',
      'The account was created, but no confirmation code can be sent right now; ask for a new code later.',
    ],
    // NotAuthorizedException here means a wrong SECRET_HASH or a pool where
    // only administrators create users: the app's configuration, so 500.
  },
  confirmRegistration: {
    CodeMismatchException: CODE_MISMATCH,
    ExpiredCodeException: CODE_EXPIRED,
    // An unknown or already confirmed user gets the same answer as a wrong
    // code, so that the route does not reveal which accounts exist.
    UserNotFoundException: CODE_MISMATCH,
    NotAuthorizedException: CODE_MISMATCH,
    AliasExistsException: USER_EXISTS,
    InvalidParameterException: BAD_INPUT,
  },
  login: {
    NotAuthorizedException: INVALID_CREDENTIALS,
    UserNotFoundException: INVALID_CREDENTIALS,
    InvalidPasswordException: INVALID_CREDENTIALS,
    InvalidParameterException: INVALID_CREDENTIALS,
    UserNotConfirmedException: USER_NOT_CONFIRMED,
    PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
    // The SRP step (PASSWORD_VERIFIER) sends no code, new password,
    // attribute or MFA choice: the challenge-only errors of
    // RespondToAuthChallenge would be a bug here, so they stay 500.
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
    PasswordHistoryPolicyViolationException: PASSWORD_REUSED,
    NotAuthorizedException: [
      HttpStatus.UNAUTHORIZED,
      'UNAUTHORIZED',
      'The challenge session is not valid or has expired; log in again.',
    ],
    UserNotFoundException: INVALID_CREDENTIALS,
    UserNotConfirmedException: USER_NOT_CONFIRMED,
    PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
    AliasExistsException: USER_EXISTS,
    // The client names the challenge it answers; one the account has no
    // factor for is its mistake.
    MFAMethodNotFoundException: NO_SUCH_FACTOR,
    SoftwareTokenMFANotFoundException: NO_SUCH_FACTOR,
    InvalidParameterException: BAD_INPUT,
  },
  refresh: {
    NotAuthorizedException: REFRESH_REFUSED,
    UserNotFoundException: REFRESH_REFUSED,
    InvalidParameterException: REFRESH_REFUSED,
    UserNotConfirmedException: USER_NOT_CONFIRMED,
    PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
  },
  logout: {
    // RevokeToken: a token that is not a refresh token of this client.
    UnsupportedTokenTypeException: BAD_INPUT,
    InvalidParameterException: BAD_INPUT,
    UnauthorizedException: SESSION_REFUSED,
    NotAuthorizedException: SESSION_REFUSED,
  },
  profile: {
    NotAuthorizedException: SESSION_REFUSED,
    UserNotFoundException: SESSION_REFUSED,
    InvalidParameterException: SESSION_REFUSED,
    UserNotConfirmedException: USER_NOT_CONFIRMED,
    PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
  },
  mfa: {
    NotAuthorizedException: SESSION_REFUSED,
    UserNotFoundException: SESSION_REFUSED,
    UserNotConfirmedException: USER_NOT_CONFIRMED,
    PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
    CodeMismatchException: CODE_MISMATCH,
    EnableSoftwareTokenMFAException: CODE_MISMATCH,
    SoftwareTokenMFANotFoundException: [
      HttpStatus.BAD_REQUEST,
      'VALIDATION_FAILED',
      'Start with POST /auth/mfa/totp/setup, then verify a code.',
    ],
    // AssociateSoftwareToken while another change of the same user runs.
    ConcurrentModificationException: [
      HttpStatus.TOO_MANY_REQUESTS,
      'TOO_MANY_REQUESTS',
      'Another change to this account is in progress; try again in a moment.',
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
    PasswordHistoryPolicyViolationException: PASSWORD_REUSED,
    InvalidParameterException: BAD_INPUT,
  },
  forgotPassword: {
    // UserNotFound and the like are answered 202 by PasswordService, unmapped.
    CodeDeliveryFailureException: UNAVAILABLE,
  },
  confirmPassword: {
    CodeMismatchException: CODE_MISMATCH,
    ExpiredCodeException: CODE_EXPIRED,
    // Unknown and unconfirmed users answer like a wrong code, as
    // forgot-password hides them too.
    UserNotFoundException: CODE_MISMATCH,
    UserNotConfirmedException: CODE_MISMATCH,
    NotAuthorizedException: CODE_MISMATCH,
    InvalidPasswordException: PASSWORD_POLICY,
    PasswordHistoryPolicyViolationException: PASSWORD_REUSED,
    InvalidParameterException: BAD_INPUT,
  },
};

/** Cognito says neither when nor for how long it throttles: a minute is a safe wait. */
export const COGNITO_RETRY_AFTER_SECONDS = 60;

/** The error name Cognito (or the emulator, or fetch) gave, if any. */
export function cognitoErrorName(error: unknown): string | undefined {
  // An error CognitoClient already mapped keeps Cognito's as its cause.
  if (error instanceof ApiException) return cognitoErrorName(error.cause);
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
    return new ApiException(status, code, message, {
      cause: error,
      retryAfterSeconds:
        status === HttpStatus.TOO_MANY_REQUESTS
          ? COGNITO_RETRY_AFTER_SECONDS
          : undefined,
    });
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
