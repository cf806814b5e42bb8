import { SetMetadata } from '@nestjs/common';

export const RECENT_SIGN_IN = 'auth:recentSignIn';

/** When a route needs a recent sign-in: always, or when its body sends `field`. */
export interface RecentSignInRule {
  /** Only when the JSON body has this field (PATCH /me: only an email change). */
  whenBodyHas?: string;
}

/**
 * The route changes how the account signs in (a second factor, a passkey,
 * the login email): the access token's `auth_time` must be at most
 * AUTH_RECENT_SIGN_IN_SECONDS old, else 403 REAUTHENTICATION_REQUIRED before
 * anything is done (RecentSignInGuard; the OpenAPI document derives its 403
 * from this metadata). A refresh is not a sign-in: Cognito keeps
 * `auth_time` across refreshes.
 */
export const RecentSignIn = (rule: RecentSignInRule = {}): MethodDecorator =>
  SetMetadata(RECENT_SIGN_IN, rule);
