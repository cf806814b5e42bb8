import { Inject, Injectable } from '@nestjs/common';
import type { VerifyOptions as JwtVerifyOptions } from 'jsonwebtoken';
import type { KeyObject } from 'node:crypto';
import { Strategy } from 'passport-jwt';
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

/** passport-jwt's callback for the key of a token. */
type KeyDone = (error: unknown, key?: string | Buffer) => void;

/**
 * The function passport-jwt checks every token with (jsonwebtoken's
 * verify): the refresh route's check is the guard's, not a copy. The
 * typings leave this static out.
 */
const passportVerify = (
  Strategy as unknown as {
    JwtVerifier: (
      token: string,
      key: KeyObject,
      options: JwtVerifyOptions,
      done: (error: unknown, payload: unknown) => void,
    ) => void;
  }
).JwtVerifier;

/**
 * The app's one set of token rules for Cognito access and ID tokens of this
 * pool, used by the JwtStrategy (passport's face of it, for the guard) and
 * by the refresh route (which reads an optional, possibly expired, token):
 *
 * - the header (checkHeader): a JWT, RS256, a `kid`; the key of that kid
 *   from the pool's JWKS (JwksKeyStore, which leaves cognito-local's
 *   published key out unless the issuer is an emulator's);
 * - the signature, `exp` (unless ignoreExpiration) and `nbf` with the clock
 *   skew: passport-jwt's verifier (jsonwebtoken), RS256 only;
 * - an `iss` among the pool's issuers (isAcceptedIssuer: regional, global,
 *   replica regions), then the Cognito claims of checkClaims (`token_use`,
 *   `client_id`/`aud`, numeric `iat`/`nbf`, `sub`).
 *
 * verify() rejects with TokenRejectedError, or JwksUnavailableError when
 * the keys cannot be had.
 */
@Injectable()
export class TokenVerifier {
  /** jsonwebtoken's options for the signature and time checks. */
  readonly jwtOptions: JwtVerifyOptions & { algorithms: ['RS256'] };

  constructor(
    private readonly keys: JwksKeyStore,
    private readonly pool: CognitoPool,
    @Inject(authConfig.KEY) config: AuthConfig,
  ) {
    this.jwtOptions = {
      algorithms: ['RS256'],
      clockTolerance: config.clockSkewSeconds,
    };
  }

  /** The pool's key for a token's `kid`, once its header passed checkHeader. */
  keyOf(token: string): Promise<KeyObject> {
    return this.keys.getKey(checkHeader(token));
  }

  /** keyOf, in the form of passport-jwt's `secretOrKeyProvider`. */
  readonly provideKey = (_request: unknown, token: string, done: KeyDone) => {
    let key: Promise<KeyObject>;
    try {
      key = this.keyOf(token);
    } catch (error) {
      done(error);
      return;
    }
    key.then(
      // jsonwebtoken 9 takes a KeyObject; the typings only name PEM forms.
      (found) => done(null, found as unknown as Buffer),
      (error: unknown) => done(error),
    );
  };

  /** The rules after the signature: the issuer, then the Cognito claims. */
  accept(payload: unknown): AuthUser {
    if (
      typeof payload !== 'object' ||
      payload === null ||
      Array.isArray(payload)
    ) {
      throw new TokenRejectedError('payload is not an object');
    }
    const claims = payload as Record<string, unknown>;
    if (!isAcceptedIssuer(this.pool, claims.iss)) {
      throw new TokenRejectedError('issuer not accepted');
    }
    return checkClaims(claims, this.pool.clientId);
  }

  /** Every rule, for a token outside the guard. */
  async verify(token: string, options: VerifyOptions = {}): Promise<AuthUser> {
    const key = await this.keyOf(token);
    const payload = await new Promise<unknown>((resolve, reject) => {
      passportVerify(
        token,
        key,
        { ...this.jwtOptions, ignoreExpiration: options.ignoreExpiration },
        (error: unknown, verified: unknown) =>
          error ? reject(rejection(error)) : resolve(verified),
      );
    });
    return this.accept(payload);
  }
}

/** jsonwebtoken's refusals, in the words of TokenRejectedError. */
function rejection(error: unknown): TokenRejectedError {
  if (!(error instanceof Error)) return new TokenRejectedError('refused');
  if (error.name === 'TokenExpiredError') {
    return new TokenRejectedError('expired');
  }
  if (error.name === 'NotBeforeError') {
    return new TokenRejectedError('not valid yet');
  }
  if (error.message === 'invalid signature') {
    return new TokenRejectedError('bad signature');
  }
  return new TokenRejectedError(error.message);
}
