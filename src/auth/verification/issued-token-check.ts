import { Injectable, Logger } from '@nestjs/common';
import { CognitoPool, isAcceptedIssuer } from '../../cognito/cognito-pool.js';
import type { SignInResult } from '../../cognito/cognito.types.js';

/**
 * The first tokens the pool issues are held against the guard's rules for
 * issuer and app client, once per process: a pool (or a Cognito-compatible
 * endpoint, moto for one) that issues tokens the guard would refuse makes
 * every login answer 200 and every guarded route 401. That first login logs
 * one sentence naming the setting to fix. The claims are read without the
 * signature (the guard checks it): nothing here decides what is accepted.
 */
@Injectable()
export class IssuedTokenCheck {
  private readonly logger = new Logger('Configuration');
  private checked = false;

  constructor(private readonly pool: CognitoPool) {}

  /** Looks at the access token of `result` if it is the first one issued. */
  inspect(result: SignInResult): void {
    if (this.checked || result.kind !== 'tokens') return;
    this.checked = true;
    const claims = payloadOf(result.tokens.accessToken);
    if (!claims) return;
    for (const sentence of this.mismatches(claims)) this.logger.warn(sentence);
  }

  private mismatches(claims: Record<string, unknown>): string[] {
    const sentences: string[] = [];
    const { iss, client_id: clientId } = claims;
    if (!isAcceptedIssuer(this.pool, iss)) {
      sentences.push(
        `The user pool issued a token with issuer ${JSON.stringify(iss)}, which the guard refuses (it accepts ${this.pool.issuers.join(', ')}): every guarded route will answer 401; set AWS_COGNITO_AUTHORITY to the issuer the pool puts in its tokens (and AWS_COGNITO_JWKS_URI to where its keys are served, if elsewhere).`,
      );
    }
    if (clientId !== this.pool.clientId) {
      sentences.push(
        `The user pool issued a token for app client ${JSON.stringify(clientId)}, which the guard refuses (it accepts ${this.pool.clientId}): every guarded route will answer 401; set AWS_COGNITO_CLIENT_ID to the app client the pool issues tokens for.`,
      );
    }
    return sentences;
  }
}

/** The JSON payload of a JWT, unverified; undefined if it has none. */
function payloadOf(token: string): Record<string, unknown> | undefined {
  const body = token.split('.')[1];
  if (!body) return undefined;
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(body, 'base64url').toString('utf8'),
    );
    return typeof payload === 'object' && payload !== null
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
