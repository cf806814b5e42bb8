/**
 * What the gateway (CognitoGateway) takes and gives, in the app's words.
 * Emails are the pool's usernames. No Cognito wire field appears here: those
 * are in user-pool.wire.ts, read only by the gateway.
 */

export interface SignUpInput {
  email: string;
  password: string;
  name: string;
}

export interface SignUpResult {
  /** The new user's `sub`. */
  userSub: string;
  /** False until the code sent by email is confirmed. */
  userConfirmed: boolean;
  /** Where the code went, masked (e.g. a***@e***). */
  codeDeliveryDestination?: string;
}

/** The tokens of a signed-in session, as Cognito issued them. */
export interface SessionTokens {
  accessToken: string;
  idToken: string;
  /** Not sent on refresh, unless the app client rotates refresh tokens. */
  refreshToken?: string;
  /** Seconds; real Cognito says, the emulator and the SRP path do not. */
  expiresIn?: number;
}

/** Who the tokens of a session belong to, read from the tokens Cognito just gave. */
export interface SessionUser {
  /** The internal username (`username` / `cognito:username`; the `sub` in an email-as-username pool). */
  username?: string;
  sub?: string;
  /**
   * When the session began, in seconds: its `auth_time`, which real
   * Cognito keeps on refresh (on a refresh with cognito-local, which gives
   * refreshed tokens a new auth_time, the refresh token's `iat`).
   */
  sessionStartedAt?: number;
}

/** What proving a password, answering a challenge or refreshing gives. */
export type SignInResult =
  | { kind: 'tokens'; tokens: SessionTokens; user: SessionUser }
  | {
      kind: 'challenge';
      /** e.g. NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA. */
      challenge: string;
      /** Opaque; goes back unchanged with the answer. */
      session: string;
      /** The internal username, when Cognito names it (USER_ID_FOR_SRP, USERNAME). */
      username?: string;
    };

/** The answer to a challenge a sign-in returned. */
export type ChallengeAnswer =
  | { challenge: 'NEW_PASSWORD_REQUIRED'; newPassword: string }
  | { challenge: 'SOFTWARE_TOKEN_MFA'; code: string };

export interface ChallengeInput {
  email: string;
  /** The session the challenge came with, exactly as given. */
  session: string;
  answer: ChallengeAnswer;
}

export interface RefreshInput {
  refreshToken: string;
  /**
   * The internal username (not the email): needed only when the app client
   * has a secret and does not rotate refresh tokens (REFRESH_TOKEN_AUTH's
   * SECRET_HASH names the user).
   */
  username?: string;
}

/** Whether the app client can be used as configured (probeAppClient). */
export type AppClientStatus =
  | { usable: true }
  /** Cognito refused the app's configuration; `fix` says what to change. */
  | { usable: false; fault: string; fix: string }
  /** Cognito could not be asked (unreachable, throttled). */
  | { usable: 'unknown'; reason: string };

/** The signed-in user's account, from the pool (GetUser). */
export interface UserProfile {
  /** The pool's username (the `sub` when users sign in by email alias). */
  username: string;
  sub?: string;
  email?: string;
  name?: string;
  emailVerified: boolean;
  /** Every attribute the pool keeps, by name (custom ones too). */
  attributes: Readonly<Record<string, string>>;
  /** e.g. SOFTWARE_TOKEN_MFA, when the user has one. */
  preferredMfa?: string;
  /** The second factors set up for the user. */
  mfaMethods: string[];
}

export interface PasswordChange {
  accessToken: string;
  previousPassword: string;
  proposedPassword: string;
}

export interface PasswordReset {
  email: string;
  code: string;
  newPassword: string;
}

export interface SoftwareTokenCheck {
  accessToken: string;
  code: string;
  /** The name the pool keeps for this authenticator. */
  deviceName: string;
}

export interface MfaPreference {
  enabled: boolean;
  preferred: boolean;
}

// Account self-service and admin ----------------------------------------

/** The attributes a user may change on their own account. */
export interface ProfileChange {
  name?: string;
  email?: string;
}

/** A user of the pool, as an administrator sees it (groups asked apart). */
export interface PoolUserRecord {
  /** The internal username (the `sub` in an email-as-username pool). */
  username: string;
  sub: string | null;
  email: string | null;
  name: string | null;
  /** e.g. CONFIRMED, UNCONFIRMED, FORCE_CHANGE_PASSWORD. */
  status: string;
  enabled: boolean;
  /** ISO 8601, or null when the pool does not say. */
  createdAt: string | null;
}

/** One page of ListUsers as the pool answered it. */
export interface PoolUserPage {
  users: PoolUserRecord[];
  /** Where the next page starts; none after the last. */
  nextToken?: string;
}
