import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-jwt';
import type { AuthUser } from '../auth-user.js';
import { SessionCookies } from '../cookies/session-cookies.js';
import { TokenVerifier } from '../verification/token-verifier.js';

/**
 * passport's face of the TokenVerifier, for JwtAuthGuard: passport-jwt
 * reads the token itself (the bearer header's, or in cookie mode without
 * that header the access token cookie's: SessionCookies.tokenOf), checks
 * the signature with the pool's key for its `kid` and the times with the
 * verifier's options, then hands the payload to the verifier's issuer and
 * claim rules.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    private readonly verifier: TokenVerifier,
    cookies: SessionCookies,
  ) {
    super({
      jwtFromRequest: (request: FastifyRequest) =>
        cookies.tokenOf(request) ?? null,
      secretOrKeyProvider: verifier.provideKey,
      algorithms: verifier.jwtOptions.algorithms,
      ignoreExpiration: false,
      jsonWebTokenOptions: verifier.jwtOptions,
    });
  }

  validate(payload: unknown): AuthUser {
    return this.verifier.accept(payload);
  }
}
