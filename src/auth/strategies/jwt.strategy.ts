import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { CognitoPool, isAcceptedIssuer } from '../../cognito/cognito-pool.js';
import { authConfig } from '../../config/auth.config.js';
import type { AuthUser } from '../auth-user.js';
import { credentialToken, type Credentials } from '../bearer.js';
import { JwksKeyStore } from '../verification/jwks-key-store.js';
import {
  checkClaims,
  checkHeader,
  TokenRejectedError,
} from '../verification/token-claims.js';

/**
 * passport-jwt verification of Cognito access and ID tokens: RS256 only,
 * a `kid` found in the pool's JWKS (as a cached KeyObject), `exp`/`nbf`
 * with a small clock skew, then an `iss` among the pool's issuers
 * (isAcceptedIssuer: regional, global, replica regions) and the Cognito
 * claims (`token_use`, `client_id`/`aud`, numeric `iat`/`nbf`) in
 * checkClaims.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    private readonly connection: CognitoPool,
    keys: JwksKeyStore,
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
  ) {
    super({
      // The token JwtAuthGuard chose: the bearer header's, or the cookie's.
      jwtFromRequest: (
        request: Credentials & { headers: { authorization?: string } },
      ) => credentialToken(request) ?? null,
      secretOrKeyProvider: (
        _request: unknown,
        token: string,
        done: (error: unknown, key?: string | Buffer) => void,
      ) => {
        let kid: string;
        try {
          kid = checkHeader(token);
        } catch (error) {
          done(error);
          return;
        }
        keys.getKey(kid).then(
          // jsonwebtoken 9 takes a KeyObject; the typings only name PEM forms.
          (key) => done(null, key as unknown as Buffer),
          (error: unknown) => done(error),
        );
      },
      algorithms: ['RS256'],
      // The issuer is checked in validate, by the one rule the app has.
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: config.clockSkewSeconds },
    });
  }

  validate(payload: Record<string, unknown>): AuthUser {
    if (!isAcceptedIssuer(this.connection, payload.iss)) {
      throw new TokenRejectedError('issuer not accepted');
    }
    return checkClaims(payload, this.connection.clientId);
  }
}
