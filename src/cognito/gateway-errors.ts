import { HttpStatus } from '@nestjs/common';
import type { GatewayMethod } from './cognito.gateway.js';
import {
  BAD_INPUT,
  CODE_EXPIRED,
  CODE_MISMATCH,
  INVALID_CREDENTIALS,
  NO_SUCH_FACTOR,
  PASSWORD_POLICY,
  PASSWORD_RESET_REQUIRED,
  PASSWORD_REUSED,
  REFRESH_REFUSED,
  SESSION_REFUSED,
  TOTP_CODE_MISMATCH,
  UNAVAILABLE,
  USER_EXISTS,
  USER_NOT_CONFIRMED,
  type Answer,
  type ErrorTable,
} from './cognito-errors.js';

/** The TOTP enrolment calls (AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference). */
const MFA: ErrorTable = {
  NotAuthorizedException: SESSION_REFUSED,
  UserNotFoundException: SESSION_REFUSED,
  UserNotConfirmedException: USER_NOT_CONFIRMED,
  PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
  CodeMismatchException: TOTP_CODE_MISMATCH,
  EnableSoftwareTokenMFAException: TOTP_CODE_MISMATCH,
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
};

// InitiateAuth USER_PASSWORD_AUTH, or USER_SRP_AUTH with the library's
// RespondToAuthChallenge PASSWORD_VERIFIER.
const PASSWORD_AUTH: ErrorTable = {
  NotAuthorizedException: INVALID_CREDENTIALS,
  UserNotFoundException: INVALID_CREDENTIALS,
  InvalidPasswordException: INVALID_CREDENTIALS,
  InvalidParameterException: INVALID_CREDENTIALS,
  UserNotConfirmedException: USER_NOT_CONFIRMED,
  PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
  // The SRP step (PASSWORD_VERIFIER) sends no code, new password,
  // attribute or MFA choice: the challenge-only errors of
  // RespondToAuthChallenge would be a bug here, so they stay 500.
};

/** The calls on the user's own account with their access token. */
const ACCOUNT: ErrorTable = {
  NotAuthorizedException: SESSION_REFUSED,
  UserNotFoundException: SESSION_REFUSED,
  UserNotConfirmedException: USER_NOT_CONFIRMED,
  PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
  InvalidParameterException: BAD_INPUT,
};

const NO_SUCH_USER: Answer = [
  HttpStatus.NOT_FOUND,
  'NOT_FOUND',
  'No user with this username.',
];
const NO_SUCH_GROUP: Answer = [
  HttpStatus.NOT_FOUND,
  'NOT_FOUND',
  'No such user or group.',
];

/** The Admin* calls on one user. */
const ADMIN: ErrorTable = {
  UserNotFoundException: NO_SUCH_USER,
  InvalidParameterException: BAD_INPUT,
};

/**
 * Cognito error name -> answer, per gateway method (each sends the
 * operations named in its doc in cognito.gateway.ts; names common to all
 * are in cognito-errors.ts). Both columns of the table in CONTRIBUTING.md
 * ("The emulator and real Cognito") are here: the emulator says
 * InvalidPasswordException for a wrong password where real Cognito says
 * NotAuthorizedException. A new gateway method does not compile without
 * its table.
 */
export const GATEWAY_ERRORS: Record<GatewayMethod, ErrorTable> = {
  signUp: {
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
  confirmSignUp: {
    CodeMismatchException: CODE_MISMATCH,
    ExpiredCodeException: CODE_EXPIRED,
    // An unknown or already confirmed user gets the same answer as a wrong
    // code, so that the route does not reveal which accounts exist.
    UserNotFoundException: CODE_MISMATCH,
    NotAuthorizedException: CODE_MISMATCH,
    AliasExistsException: USER_EXISTS,
    InvalidParameterException: BAD_INPUT,
  },
  resendConfirmationCode: {
    // The gateway resolves the names of account-enumeration.ts before this
    // table is read; this entry answers only if that list drops the name.
    CodeDeliveryFailureException: UNAVAILABLE,
  },
  passwordAuth: PASSWORD_AUTH,
  // The only challenge answered with a code is SOFTWARE_TOKEN_MFA.
  respondToChallenge: {
    CodeMismatchException: TOTP_CODE_MISMATCH,
    ExpiredCodeException: CODE_EXPIRED,
    EnableSoftwareTokenMFAException: TOTP_CODE_MISMATCH,
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
  // InitiateAuth REFRESH_TOKEN_AUTH, or GetTokensFromRefreshToken.
  refresh: {
    NotAuthorizedException: REFRESH_REFUSED,
    UserNotFoundException: REFRESH_REFUSED,
    InvalidParameterException: REFRESH_REFUSED,
    // Rotation: a refresh token already exchanged for a new one.
    RefreshTokenReuseException: REFRESH_REFUSED,
    UserNotConfirmedException: USER_NOT_CONFIRMED,
    PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
  },
  revokeRefreshToken: {
    // RevokeToken: a token that is not a refresh token of this client.
    UnsupportedTokenTypeException: BAD_INPUT,
    InvalidParameterException: BAD_INPUT,
    UnauthorizedException: SESSION_REFUSED,
    NotAuthorizedException: SESSION_REFUSED,
  },
  globalSignOut: {
    NotAuthorizedException: SESSION_REFUSED,
    InvalidParameterException: SESSION_REFUSED,
    UserNotConfirmedException: USER_NOT_CONFIRMED,
    PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
  },
  // The same InitiateAuth as passwordAuth. Read only to tell "Cognito
  // answered about the (nonexistent) user" from "could not be asked" and
  // from the configuration errors left to 500: probeAppClient never rejects.
  probeAppClient: PASSWORD_AUTH,
  getUser: {
    NotAuthorizedException: SESSION_REFUSED,
    UserNotFoundException: SESSION_REFUSED,
    InvalidParameterException: SESSION_REFUSED,
    UserNotConfirmedException: USER_NOT_CONFIRMED,
    PasswordResetRequiredException: PASSWORD_RESET_REQUIRED,
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
    // The gateway resolves the names of account-enumeration.ts before this
    // table is read; this entry answers only if that list drops the name.
    CodeDeliveryFailureException: UNAVAILABLE,
  },
  confirmForgotPassword: {
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
  associateSoftwareToken: MFA,
  verifySoftwareToken: MFA,
  setTotpPreference: MFA,

  // Account self-service ------------------------------------------------
  updateProfile: {
    ...ACCOUNT,
    AliasExistsException: USER_EXISTS,
    CodeDeliveryFailureException: UNAVAILABLE,
    // UpdateUserAttributes documents them, but sends no code of ours.
    CodeMismatchException: BAD_INPUT,
    ExpiredCodeException: BAD_INPUT,
  },
  verifyEmail: {
    ...ACCOUNT,
    AliasExistsException: USER_EXISTS,
    CodeMismatchException: CODE_MISMATCH,
    ExpiredCodeException: CODE_EXPIRED,
  },
  deleteUser: ACCOUNT,

  // Admin operations ----------------------------------------------------
  // NotAuthorizedException here means the server's credentials may not call
  // the operation: the operator's to fix, so 500 (logged with its cause).
  adminListUsers: { InvalidParameterException: BAD_INPUT },
  adminCreateUser: {
    ...ADMIN,
    UsernameExistsException: USER_EXISTS,
    AliasExistsException: USER_EXISTS,
    CodeDeliveryFailureException: UNAVAILABLE,
  },
  adminGetUser: ADMIN,
  adminSetEnabled: ADMIN,
  adminSetName: { ...ADMIN, AliasExistsException: USER_EXISTS },
  adminDeleteUser: ADMIN,
  // Unknown group: ResourceNotFoundException (the pool exists: it answered).
  adminAddToGroup: { ...ADMIN, ResourceNotFoundException: NO_SUCH_GROUP },
  adminRemoveFromGroup: { ...ADMIN, ResourceNotFoundException: NO_SUCH_GROUP },
  adminListGroups: ADMIN,
  adminGlobalSignOut: ADMIN,
};
