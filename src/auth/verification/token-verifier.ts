import { Inject, Injectable } from '@nestjs/common';
import { verify } from 'node:crypto';
import { CognitoPool, isAcceptedIssuer } from '../../cognito/cognito-pool.js';
import { authConfig, type AuthConfig } from '../../config/auth.config.js';
import type { AuthUser } from '../auth-user.js';
import { JwksKeyStore } from './jwks-key-store.js';
import {
  TokenRejectedError,
  checkClaims,
  checkHeader,
} from './token-claims.js';

export interface VerifyOptions {
  /** Accept a token past its `exp` (its signature and claims still checked). */
  ignoreExpiration?: boolean;
}

/**
 * Verifies a Cognito access or ID token of this pool outside the guard (for
 * a route that reads an optional bearer token): RS256 with a key of the
 * pool's JWKS, the pool's issuer, `exp` (unless told to ignore it) and
 * `nbf` with the clock skew, then the claims of checkClaims. Rejects with
 * TokenRejectedError, or JwksUnavailableError when the keys cannot be had.
 */
@Injectable()
export class TokenVerifier {
  constructor(
    private readonly keys: JwksKeyStore,
    private readonly pool: CognitoPool,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  async verify(token: string, options: VerifyOptions = {}): Promise<AuthUser> {
    const kid = checkHeader(token);
    const key = await this.keys.getKey(kid);
    const [header, body, signature] = token.split('.');
    const signed = verify(
      'sha256',
      Buffer.from(`${header}.${body}`),
      key,
      Buffer.from(signature, 'base64url'),
    );
    if (!signed) throw new TokenRejectedError('bad signature');
    const payload = parsePayload(body);
    if (!isAcceptedIssuer(this.pool, payload.iss)) {
      throw new TokenRejectedError('issuer not accepted');
    }
    const now = Date.now() / 1000;
    const skew = this.config.clockSkewSeconds;
    const { exp, nbf, iat } = payload;
    if (
      !options.ignoreExpiration &&
      typeof exp === 'number' &&
      exp + skew <= now
    ) {
      throw new TokenRejectedError('expired');
    }
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf - skew > now)) {
      throw new TokenRejectedError('not valid yet');
    }
    if (iat !== undefined && typeof iat !== 'number') {
      throw new TokenRejectedError('iat not numeric');
    }
    return checkClaims(payload, this.pool.clientId);
  }
}

function parsePayload(body: string): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new TokenRejectedError('payload is not JSON');
  }
  if (
    typeof payload !== 'object' ||
    payload === null ||
    Array.isArray(payload)
  ) {
    throw new TokenRejectedError('payload is not an object');
  }
  return payload as Record<string, unknown>;
}
