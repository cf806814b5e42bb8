/** The caller, as proven by a verified Cognito access or ID token. */
export interface AuthUser {
  /** Cognito user id (`sub`). */
  sub: string;
  /** Cognito username (`username` in access tokens, `cognito:username` in ID tokens). */
  username: string;
  /** Known from ID tokens only. */
  email?: string;
  /** Known from ID tokens only (`name`, `email_verified`). */
  name?: string;
  emailVerified?: boolean;
  /** `cognito:groups`; empty when the user is in no group. */
  groups: string[];
  tokenUse: 'access' | 'id';
  clientId: string;
  /** Token id (`jti`), when the token has one. */
  jti?: string;
  /** Session id shared by the tokens of one login and those refreshed from it (`origin_jti`: Cognito and the embedded emulator). */
  originJti?: string;
  /** Id of the authentication event, shared by the access and ID token of one login (`event_id`). */
  eventId?: string;
  /** Seconds since the epoch. */
  exp: number;
  /** Seconds since the epoch. */
  authTime?: number;
}
