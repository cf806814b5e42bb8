import type { AuthResult } from '../cognito/cognito.client.js';
import type {
  ChallengeResponse,
  RefreshResponse,
  TokensResponse,
} from './dto/responses.dto.js';

/** Login's answer: the tokens, or the challenge Cognito asks for. */
export function toLoginAnswer(
  result: AuthResult,
): TokensResponse | ChallengeResponse {
  const tokens = result.AuthenticationResult;
  if (!tokens) {
    return {
      challenge: result.ChallengeName ?? 'UNKNOWN',
      session: result.Session ?? '',
    };
  }
  const { accessToken, idToken, expiresIn, tokenType } =
    toRefreshAnswer(result);
  return {
    accessToken,
    idToken,
    refreshToken: tokens.RefreshToken ?? '',
    expiresIn,
    tokenType,
  };
}

/** Refresh's answer: new access and ID tokens (the refresh token stays). */
export function toRefreshAnswer(result: AuthResult): RefreshResponse {
  const tokens = result.AuthenticationResult!;
  return {
    accessToken: tokens.AccessToken,
    idToken: tokens.IdToken,
    expiresIn: tokens.ExpiresIn ?? lifetimeOf(tokens.AccessToken),
    tokenType: 'Bearer',
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
