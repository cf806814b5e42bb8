import type { SignInResult, UserProfile } from './cognito.types.js';
import type { AuthReply, ReplyOf } from './user-pool.wire.js';

/** Cognito's answers to a sign-in, read in the app's words: tokens, or the challenge asked for. */
export function signInResultOf(reply: AuthReply): SignInResult {
  const tokens = reply.AuthenticationResult;
  if (!tokens) {
    return {
      kind: 'challenge',
      challenge: reply.ChallengeName ?? 'UNKNOWN',
      session: reply.Session ?? '',
    };
  }
  return {
    kind: 'tokens',
    tokens: {
      accessToken: tokens.AccessToken,
      idToken: tokens.IdToken,
      refreshToken: tokens.RefreshToken,
      expiresIn: tokens.ExpiresIn,
    },
  };
}

/** GetUser's answer as a profile; the first value of an attribute wins. */
export function profileOf(reply: ReplyOf<'GetUser'>): UserProfile {
  const attributes: Record<string, string> = {};
  for (const { Name, Value } of reply.UserAttributes) {
    if (!Object.hasOwn(attributes, Name)) attributes[Name] = Value;
  }
  const attribute = (name: string): string | undefined =>
    Object.hasOwn(attributes, name) ? attributes[name] : undefined;
  return {
    username: reply.Username,
    sub: attribute('sub'),
    email: attribute('email'),
    name: attribute('name'),
    emailVerified: attribute('email_verified') === 'true',
    attributes,
    preferredMfa: reply.PreferredMfaSetting,
    mfaMethods: reply.UserMFASettingList ?? [],
  };
}
