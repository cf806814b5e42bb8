import type { SessionTokens, SignInResult } from '../cognito/cognito.types.js';
import type {
  ChallengeResponse,
  RefreshResponse,
  TokensResponse,
} from './dto/responses.dto.js';

/** Login's answer: the tokens, or the challenge Cognito asks for. */
export function toLoginAnswer(
  result: SignInResult,
): TokensResponse | ChallengeResponse {
  if (result.kind === 'challenge') {
    return {
      challenge: result.challenge,
      session: result.session,
      ...(result.username ? { username: result.username } : {}),
    };
  }
  const { accessToken, idToken, expiresIn, tokenType } = toRefreshAnswer(
    result.tokens,
  );
  return {
    accessToken,
    idToken,
    refreshToken: result.tokens.refreshToken ?? '',
    expiresIn,
    tokenType,
    // For the secret hash of a refresh: the internal username, not the email.
    username: result.user.username ?? result.user.sub ?? '',
  };
}

/**
 * Refresh's answer: new access and ID tokens, and the new refresh token
 * when Cognito rotated it (else the old one stays).
 */
export function toRefreshAnswer(tokens: SessionTokens): RefreshResponse {
  return {
    accessToken: tokens.accessToken,
    idToken: tokens.idToken,
    expiresIn: tokens.expiresIn ?? lifetimeOf(tokens.accessToken),
    tokenType: 'Bearer',
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
  };
}

/** The claims of a token Cognito just issued (read, not verified: it came from Cognito). */
export function claimsOf(token: string): Record<string, unknown> {
  try {
    return JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** `exp - iat` of a token Cognito just issued; Cognito's default hour if unreadable. */
function lifetimeOf(token: string): number {
  const { exp, iat } = claimsOf(token);
  return typeof exp === 'number' && typeof iat === 'number' ? exp - iat : 3600;
}
