import { HttpStatus } from '@nestjs/common';
import {
  ApiException,
  type ErrorCode,
} from '../common/errors/api-exception.js';

/** What the API answers for a Cognito error: status, code, sentence. */
export type Answer = readonly [HttpStatus, ErrorCode, string];

/** Cognito error name -> answer, for one gateway method. */
export type ErrorTable = Readonly<Record<string, Answer>>;

/*
 * Source of the names below: the Amazon Cognito user pools API reference,
 * section "Errors" of each operation the app sends (the same lists as the
 * `errors` of each operation in the service model, botocore
 * cognito-idp/2016-04-18/service-2.json), plus the errors common to all AWS
 * actions; checked 2026-11. cognito-errors.spec.ts keeps that list per
 * operation and fails when a documented name of a gateway method's
 * operations falls to the generic 500 without being listed there as
 * deliberate. The tables per gateway method are in gateway-errors.ts.
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
 * `Unsupported` (a call cognito-local lacks; the gateway works around it
 * where it can).
 */

export const INVALID_CREDENTIALS: Answer = [
  HttpStatus.UNAUTHORIZED,
  'INVALID_CREDENTIALS',
  'Incorrect email or password.',
];
export const CODE_MISMATCH: Answer = [
  HttpStatus.BAD_REQUEST,
  'CODE_MISMATCH',
  'The code is not valid for this email.',
];
/** A wrong authenticator-app (TOTP) code: about the code, not the account. */
export const TOTP_CODE_MISMATCH: Answer = [
  HttpStatus.BAD_REQUEST,
  'CODE_MISMATCH',
  'The code is not valid; enter the current code from the authenticator app.',
];
export const CODE_EXPIRED: Answer = [
  HttpStatus.BAD_REQUEST,
  'CODE_EXPIRED',
  'The code has expired; ask for a new one.',
];
export const PASSWORD_POLICY: Answer = [
  HttpStatus.BAD_REQUEST,
  'PASSWORD_POLICY',
  'The new password does not meet the password policy.',
];
export const PASSWORD_REUSED: Answer = [
  HttpStatus.BAD_REQUEST,
  'PASSWORD_POLICY',
  'The new password was used before on this account; choose another one.',
];
export const USER_EXISTS: Answer = [
  HttpStatus.CONFLICT,
  'USER_EXISTS',
  'An account with this email already exists.',
];
export const USER_NOT_CONFIRMED: Answer = [
  HttpStatus.FORBIDDEN,
  'USER_NOT_CONFIRMED',
  'The account is not confirmed yet; confirm it with the code sent by email.',
];
export const PASSWORD_RESET_REQUIRED: Answer = [
  HttpStatus.FORBIDDEN,
  'PASSWORD_RESET_REQUIRED',
  'A password reset is required; use forgot-password to set a new password.',
];
export const TOO_MANY: Answer = [
  HttpStatus.TOO_MANY_REQUESTS,
  'TOO_MANY_REQUESTS',
  'Too many attempts; try again later.',
];
export const UNAVAILABLE: Answer = [
  HttpStatus.SERVICE_UNAVAILABLE,
  'IDP_UNAVAILABLE',
  'The identity provider cannot be reached; try again later.',
];
export const SESSION_REFUSED: Answer = [
  HttpStatus.UNAUTHORIZED,
  'UNAUTHORIZED',
  'Cognito refused the token or session; log in again.',
];
export const REFRESH_REFUSED: Answer = [
  HttpStatus.UNAUTHORIZED,
  'UNAUTHORIZED',
  'The refresh token is not valid, has expired or was revoked; log in again.',
];
export const BAD_INPUT: Answer = [
  HttpStatus.BAD_REQUEST,
  'VALIDATION_FAILED',
  'The identity provider refused the request as invalid.',
];
export const RULE_REFUSED: Answer = [
  HttpStatus.BAD_REQUEST,
  'VALIDATION_FAILED',
  'The request was refused by a rule of the identity provider.',
];
export const NO_SUCH_FACTOR: Answer = [
  HttpStatus.BAD_REQUEST,
  'VALIDATION_FAILED',
  'That second factor is not set up for this account; answer the challenge that login returned.',
];

/** Answers that mean the same for every gateway method. */
export const COMMON: ErrorTable = {
  TooManyRequestsException: TOO_MANY,
  LimitExceededException: TOO_MANY,
  TooManyFailedAttemptsException: TOO_MANY,
  // A pre sign-up, pre authentication, custom message or other trigger of
  // the pool said no: the request is refused as it is, whatever the call.
  UserLambdaValidationException: RULE_REFUSED,
  InternalErrorException: UNAVAILABLE,
  NetworkError: UNAVAILABLE,
  TimeoutError: UNAVAILABLE,
  // Set by UserPoolClient: an answer without a readable body (a 502 page).
  UnreadableResponseError: UNAVAILABLE,
  ServiceUnavailableException: UNAVAILABLE,
  // Errors common to all AWS actions.
  ThrottlingException: TOO_MANY,
  ServiceUnavailable: UNAVAILABLE,
  InternalFailure: UNAVAILABLE,
};

/** Cognito says neither when nor for how long it throttles: a minute is a safe wait. */
export const COGNITO_RETRY_AFTER_SECONDS = 60;

/** The error name Cognito (or the emulator, or fetch) gave, if any. */
export function cognitoErrorName(error: unknown): string | undefined {
  // An error the gateway already mapped keeps Cognito's as its cause.
  if (error instanceof ApiException) return cognitoErrorName(error.cause);
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && code !== '') return code;
  return typeof name === 'string' && name !== 'Error' ? name : undefined;
}

/**
 * Turns anything a Cognito call threw into the API's answer: the method's
 * table first, then the answers common to all. Unknown errors become 500
 * INTERNAL with the original kept as `cause` (logged by the filter, never
 * sent).
 */
export function mapCognitoError(
  table: ErrorTable,
  error: unknown,
): ApiException {
  if (error instanceof ApiException) return error;
  const name = cognitoErrorName(error);
  const answer = name
    ? (lookup(table, name) ?? lookup(COMMON, name))
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

/**
 * Cognito's per-account limit (LimitExceededException) on a call that
 * names a user: an answer only an existing account gets, which the caller
 * should dress as its own per-email limit.
 */
export function isAccountLimit(error: unknown): boolean {
  return (
    error instanceof ApiException &&
    error.code === 'TOO_MANY_REQUESTS' &&
    cognitoErrorName(error) === 'LimitExceededException'
  );
}

/** Own entries only: an error named `constructor` must not find Object's. */
function lookup(table: ErrorTable, name: string): Answer | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
