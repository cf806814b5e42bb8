import type {
  AppClientStatus,
  ChallengeInput,
  MfaPreference,
  PasswordChange,
  PasswordReset,
  RefreshInput,
  SignInResult,
  SignUpInput,
  SignUpResult,
  SoftwareTokenCheck,
  UserProfile,
  ProfileChange,
  PoolUserPage,
  PoolUserRecord,
} from './cognito.types.js';

/**
 * The identity provider, in the app's words: one method per Cognito
 * operation the app uses. It is also the DI token (UserPoolGateway is the
 * implementation; tests give a fake). A failure rejects with the
 * ApiException the API answers (each method maps Cognito's errors with its
 * own table, gateway-errors.ts); no Cognito error name or wire field
 * reaches the caller.
 */
export abstract class CognitoGateway {
  /** SignUp; the pool sends the confirmation code. */
  abstract signUp(input: SignUpInput): Promise<SignUpResult>;

  /** ConfirmSignUp with the code sent by email. */
  abstract confirmSignUp(email: string, code: string): Promise<void>;

  /**
   * ResendConfirmationCode. Resolves as well for the errors that would tell
   * whether the account exists (account-enumeration.ts).
   */
  abstract resendConfirmationCode(email: string): Promise<void>;

  /** Proves a password: USER_PASSWORD_AUTH, or SRP when the pool wants it. */
  abstract passwordAuth(email: string, password: string): Promise<SignInResult>;

  /** Answers NEW_PASSWORD_REQUIRED or SOFTWARE_TOKEN_MFA. */
  abstract respondToChallenge(input: ChallengeInput): Promise<SignInResult>;

  /**
   * New access and ID tokens for a refresh token: REFRESH_TOKEN_AUTH, or
   * GetTokensFromRefreshToken when the app client rotates refresh tokens
   * (then a new refresh token too).
   */
  abstract refresh(input: RefreshInput): Promise<SignInResult>;

  /** RevokeToken: the refresh token (and the tokens it gave) stop working. */
  abstract revokeRefreshToken(refreshToken: string): Promise<void>;

  /**
   * GlobalSignOut: every refresh token of the user stops working. Resolves
   * false where the identity provider lacks the call (the emulator).
   */
  abstract globalSignOut(accessToken: string): Promise<boolean>;

  /**
   * Whether the app client is usable as configured (secret, auth flow):
   * one InitiateAuth for a user that cannot exist. Never rejects.
   */
  abstract probeAppClient(): Promise<AppClientStatus>;

  /** GetUser: the account behind an access token. */
  abstract getUser(accessToken: string): Promise<UserProfile>;

  abstract changePassword(change: PasswordChange): Promise<void>;

  /**
   * ForgotPassword: the pool sends a reset code. Resolves as well for the
   * errors that would tell whether the account exists.
   */
  abstract forgotPassword(email: string): Promise<void>;

  /** ConfirmForgotPassword: the code, and the new password. */
  abstract confirmForgotPassword(reset: PasswordReset): Promise<void>;

  /** AssociateSoftwareToken: a new TOTP secret (base32) for the user. */
  abstract associateSoftwareToken(accessToken: string): Promise<string>;

  /** VerifySoftwareToken: true when the code proves the secret. */
  abstract verifySoftwareToken(check: SoftwareTokenCheck): Promise<boolean>;

  /** SetUserMFAPreference for TOTP. */
  abstract setTotpPreference(
    accessToken: string,
    preference: MfaPreference,
  ): Promise<void>;

  // Account self-service (the user's access token) ---------------------

  /**
   * UpdateUserAttributes: the name, the email or both. A new email gets a
   * code: resolves with where it went (masked), if Cognito says.
   */
  abstract updateProfile(
    accessToken: string,
    change: ProfileChange,
  ): Promise<{ codeDeliveryDestination?: string }>;

  /** VerifyUserAttribute for `email`, with the code sent to the new address. */
  abstract verifyEmail(accessToken: string, code: string): Promise<void>;

  /** DeleteUser: the account behind the access token is gone. */
  abstract deleteUser(accessToken: string): Promise<void>;

  // Admin operations (server credentials) -------------------------------

  /** ListUsers, one page as Cognito pages it, by email prefix if given. */
  abstract adminListUsers(query: {
    emailPrefix?: string;
    pageToken?: string;
  }): Promise<PoolUserPage>;

  /** AdminCreateUser: Cognito emails a temporary password. */
  abstract adminCreateUser(user: {
    email: string;
    name: string;
  }): Promise<PoolUserRecord>;

  /** AdminGetUser; an unknown user rejects with 404 NOT_FOUND. */
  abstract adminGetUser(username: string): Promise<PoolUserRecord>;

  /** AdminEnableUser or AdminDisableUser. */
  abstract adminSetEnabled(username: string, enabled: boolean): Promise<void>;

  /** AdminUpdateUserAttributes for `name`. */
  abstract adminSetName(username: string, name: string): Promise<void>;

  abstract adminDeleteUser(username: string): Promise<void>;

  /** AdminAddUserToGroup; an unknown group rejects with 404 NOT_FOUND. */
  abstract adminAddToGroup(username: string, group: string): Promise<void>;

  /** AdminRemoveUserFromGroup. */
  abstract adminRemoveFromGroup(username: string, group: string): Promise<void>;

  /** AdminListGroupsForUser, every page. */
  abstract adminListGroups(username: string): Promise<string[]>;

  /**
   * AdminUserGlobalSignOut. Resolves false where the identity provider
   * lacks the call (the emulator).
   */
  abstract adminGlobalSignOut(username: string): Promise<boolean>;
}

export type GatewayMethod = keyof CognitoGateway;

/** Every method of the gateway (fakes are built from it); the compiler keeps it complete. */
export const GATEWAY_METHODS = Object.keys({
  signUp: true,
  confirmSignUp: true,
  resendConfirmationCode: true,
  passwordAuth: true,
  respondToChallenge: true,
  refresh: true,
  revokeRefreshToken: true,
  globalSignOut: true,
  probeAppClient: true,
  getUser: true,
  changePassword: true,
  forgotPassword: true,
  confirmForgotPassword: true,
  associateSoftwareToken: true,
  verifySoftwareToken: true,
  setTotpPreference: true,
  updateProfile: true,
  verifyEmail: true,
  deleteUser: true,
  adminListUsers: true,
  adminCreateUser: true,
  adminGetUser: true,
  adminSetEnabled: true,
  adminSetName: true,
  adminDeleteUser: true,
  adminAddToGroup: true,
  adminRemoveFromGroup: true,
  adminListGroups: true,
  adminGlobalSignOut: true,
} satisfies Record<GatewayMethod, true>) as GatewayMethod[];
