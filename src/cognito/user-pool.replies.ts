import { isEmulatedPool, type CognitoPool } from './cognito-pool.js';
import type {
  SessionUser,
  SignInResult,
  UserProfile,
} from './cognito.types.js';
import type { AuthReply, ReplyOf } from './user-pool.wire.js';

/**
 * Cognito's answers to a sign-in, read in the app's words: tokens (and
 * whose they are), or the challenge asked for. `refreshTokenIat`, given
 * only for cognito-local's readable refresh tokens, is when the session
 * began (the emulator gives refreshed tokens a new auth_time).
 */
export function signInResultOf(
  reply: AuthReply,
  refreshTokenIat?: number,
): SignInResult {
  const tokens = reply.AuthenticationResult;
  if (!tokens) {
    const parameters = reply.ChallengeParameters ?? {};
    const username = parameters.USER_ID_FOR_SRP ?? parameters.USERNAME;
    return {
      kind: 'challenge',
      challenge: reply.ChallengeName ?? 'UNKNOWN',
      session: reply.Session ?? '',
      ...(username ? { username } : {}),
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
    user: sessionUserOf(tokens.AccessToken, tokens.IdToken, refreshTokenIat),
  };
}

/** Whose tokens these are, from the tokens Cognito just issued (read, not verified). */
function sessionUserOf(
  accessToken: string,
  idToken: string,
  refreshTokenIat: number | undefined,
): SessionUser {
  const access = claimsOf(accessToken);
  const id = claimsOf(idToken);
  const username = text(access.username) ?? text(id['cognito:username']);
  const sub = text(access.sub) ?? text(id.sub);
  const authTime = seconds(access.auth_time) ?? seconds(id.auth_time);
  const sessionStartedAt = refreshTokenIat ?? authTime;
  return {
    ...(username ? { username } : {}),
    ...(sub ? { sub } : {}),
    ...(sessionStartedAt !== undefined ? { sessionStartedAt } : {}),
  };
}

/**
 * cognito-local only (the embedded emulator, or one at an http endpoint):
 * the `iat` of its refresh token (a readable JWT), i.e. when the session
 * began, since cognito-local as published gives refreshed tokens a new
 * auth_time (the embedded emulator keeps it, as Cognito does: the two
 * agree there). Real Cognito's refresh token is opaque and never read: its
 * refreshed tokens keep the original auth_time.
 */
export function emulatorSessionStart(
  pool: Pick<CognitoPool, 'mode' | 'endpoint'>,
  refreshToken: string,
): number | undefined {
  if (!isEmulatedPool(pool)) return undefined;
  const { iat } = claimsOf(refreshToken);
  return typeof iat === 'number' && Number.isFinite(iat) ? iat : undefined;
}

/** The payload of a JWT, or {} when it is not one. */
export function claimsOf(token: string): Record<string, unknown> {
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString(),
    );
    return typeof payload === 'object' && payload !== null
      ? (payload as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
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
