import {
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  Optional,
} from '@nestjs/common';
import { setTimeout } from 'node:timers/promises';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { isAccountLimit } from '../cognito/cognito-errors.js';
import { CognitoGateway } from '../cognito/cognito.gateway.js';
import type { SignInResult } from '../cognito/cognito.types.js';
import { ApiException } from '../common/errors/api-exception.js';
import type { AuthUser } from './auth-user.js';
import type { ChallengeDto } from './dto/challenge.dto.js';
import type { ConfirmRegistrationDto } from './dto/confirm-registration.dto.js';
import type { LoginDto } from './dto/login.dto.js';
import type { RefreshDto } from './dto/refresh.dto.js';
import type { RegisterDto } from './dto/register.dto.js';
import {
  ACCEPTED,
  SUCCESS,
  type AcceptedResponse,
  type ChallengeResponse,
  type RefreshResponse,
  type RegisterResponse,
  type StatusResponse,
  type TokensResponse,
} from './dto/responses.dto.js';
import { EmailRateLimiter } from './rate-limit/email-rate-limiter.js';
import { RevokedSessions } from './sessions/revoked-sessions.js';
import type { SessionClient } from './sessions/session-client.decorator.js';
import { SessionRecords } from './sessions/session-records.js';
import { claimsOf, toLoginAnswer, toRefreshAnswer } from './token-answers.js';
import { TokenRejectedError } from './verification/token-claims.js';
import { IssuedTokenCheck } from './verification/issued-token-check.js';
import { TokenVerifier } from './verification/token-verifier.js';

/** A caller that did not say where the request came from. */
const UNKNOWN_CLIENT: SessionClient = { userAgent: '', ipAddress: '' };

/** Refresh's answer for a session ended one by one. */
export const SESSION_ENDED =
  'This session has ended (logged out, or ended from another session); log in again.';

/** Sign-up and the session lifecycle, each a short sequence of Cognito calls. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly cognito: CognitoGateway,
    private readonly revoked: RevokedSessions,
    @Inject(authConfig.KEY)
    private readonly config: AuthConfig,
    private readonly verifier: TokenVerifier,
    private readonly limiter: EmailRateLimiter,
    private readonly sessions: SessionRecords,
    @Optional() private readonly issued?: IssuedTokenCheck,
  ) {}

  async register({
    name,
    email,
    password,
  }: RegisterDto): Promise<RegisterResponse> {
    const result = await this.cognito.signUp({ email, password, name });
    return {
      userSub: result.userSub,
      userConfirmed: result.userConfirmed,
      codeDeliveryDestination: result.codeDeliveryDestination,
    };
  }

  async confirmRegistration({
    email,
    code,
  }: ConfirmRegistrationDto): Promise<StatusResponse> {
    try {
      await this.cognito.confirmSignUp(email, code);
    } catch (error) {
      throw await this.asEmailLimit(error, email);
    }
    return SUCCESS;
  }

  /**
   * Cognito's per-account limit, answered exactly as the API's own
   * per-email limit answers (status, code, sentence, Retry-After), so the
   * answer does not tell that the account exists. Anything else unchanged.
   */
  async asEmailLimit(error: unknown, email: string): Promise<unknown> {
    return isAccountLimit(error)
      ? await this.limiter.tooManyRequests(email)
      : error;
  }

  /** 202 whether or not the account exists (the gateway hides which). */
  async resendConfirmation(email: string): Promise<AcceptedResponse> {
    await this.cognito.resendConfirmationCode(email);
    return ACCEPTED;
  }

  async login(
    { email, password }: LoginDto,
    client: SessionClient = UNKNOWN_CLIENT,
  ): Promise<TokensResponse | ChallengeResponse> {
    const result = await this.passwordAuth(email, password);
    this.issued?.inspect(result);
    await this.begin(result, client);
    return toLoginAnswer(result);
  }

  /**
   * Records the session a sign-in began (GET /auth/sessions lists it):
   * login, challenge, and passwordless sign-in call it with their result.
   */
  async begin(result: SignInResult, client: SessionClient): Promise<void> {
    if (result.kind === 'tokens')
      await this.sessions.begin(result.tokens, client);
  }

  /**
   * Proves a password (the pool's flow: USER_PASSWORD_AUTH or SRP). A
   * refusal takes at least AUTH_FAILURE_MIN_MS, so that an unknown email
   * and a wrong password cannot be told apart by timing either.
   */
  async passwordAuth(email: string, password: string): Promise<SignInResult> {
    const started = Date.now();
    try {
      return await this.cognito.passwordAuth(email, password);
    } catch (error) {
      if (
        error instanceof ApiException &&
        error.code === 'INVALID_CREDENTIALS'
      ) {
        const wait = this.config.failureMinMs - (Date.now() - started);
        if (wait > 0) await setTimeout(wait);
      }
      throw error;
    }
  }

  /**
   * Completes NEW_PASSWORD_REQUIRED or SOFTWARE_TOKEN_MFA with the session
   * login gave (WEB_AUTHN and EMAIL_OTP: PasswordlessService.answer).
   */
  async respondToChallenge(
    dto: ChallengeDto,
    client: SessionClient = UNKNOWN_CLIENT,
  ): Promise<TokensResponse | ChallengeResponse> {
    // The DTO requires the field its challenge needs.
    const answer =
      dto.challenge === 'NEW_PASSWORD_REQUIRED'
        ? { challenge: dto.challenge, newPassword: dto.newPassword! }
        : { challenge: 'SOFTWARE_TOKEN_MFA' as const, code: dto.code! };
    const result = await this.cognito.respondToChallenge({
      email: dto.email,
      session: dto.session,
      answer,
    });
    this.issued?.inspect(result);
    await this.begin(result, client);
    return toLoginAnswer(result);
  }

  /**
   * New tokens for a refresh token. The secret hash (app clients with a
   * secret) names the user by the internal username: the body's
   * `username`, else that of the bearer token sent with the request (in
   * cookie mode, of the access token cookie; of this pool, expired or not). A session that began at or before the
   * user's sign-out cutoff gets no new tokens.
   */
  async refresh(
    { refreshToken, username }: RefreshDto,
    bearer?: string,
    client: SessionClient = UNKNOWN_CLIENT,
  ): Promise<RefreshResponse> {
    if (!refreshToken) {
      throw new ApiException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', [
        'refreshToken must be a string',
      ]);
    }
    const result = await this.cognito.refresh({
      refreshToken,
      username: username ?? (await this.usernameOf(bearer)),
    });
    if (result.kind === 'challenge') {
      throw new ApiException(
        HttpStatus.UNAUTHORIZED,
        'UNAUTHORIZED',
        'Cognito asks for a challenge on refresh; log in again.',
      );
    }
    const { sub, sessionStartedAt } = result.user;
    // The tokens of a refresh keep the session's origin_jti: one ended
    // through this API (logout, DELETE /auth/sessions/:id) mints nothing.
    const { origin_jti: origin } = claimsOf(result.tokens.accessToken);
    const originJti = typeof origin === 'string' ? origin : undefined;
    if (originJti && (await this.revoked.isEnded(originJti))) {
      throw new ApiException(
        HttpStatus.UNAUTHORIZED,
        'UNAUTHORIZED',
        SESSION_ENDED,
      );
    }
    if (
      sub &&
      (await this.revoked.isCutOff(sub, sessionStartedAt, originJti))
    ) {
      throw new ApiException(
        HttpStatus.UNAUTHORIZED,
        'UNAUTHORIZED',
        'This session has ended (password changed or signed out everywhere); log in again.',
      );
    }
    await this.sessions.touch(result.tokens, client, sessionStartedAt);
    return toRefreshAnswer(result.tokens);
  }

  /** The internal username of a bearer token of this pool, expired or not; none if it is not one. */
  private async usernameOf(
    bearer: string | undefined,
  ): Promise<string | undefined> {
    if (!bearer) return undefined;
    try {
      const user = await this.verifier.verify(bearer, {
        ignoreExpiration: true,
      });
      return user.username;
    } catch (error) {
      if (error instanceof TokenRejectedError) return undefined;
      throw new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        'IDP_UNAVAILABLE',
        'The identity provider cannot be reached to check the token; try again later.',
        { cause: error },
      );
    }
  }

  /**
   * Revokes the refresh token at Cognito FIRST, then refuses this
   * session's tokens in this API (their signatures stay valid until they
   * expire). In that order, a 503 or 429 from Cognito leaves the bearer
   * token usable, so the same request can be retried until the refresh
   * token is revoked. A refresh token Cognito does not know (already
   * revoked, of another client, not a refresh token) changes nothing: the
   * session is over either way, and logging out twice is fine.
   */
  async logout(user: AuthUser, refreshToken?: string): Promise<void> {
    if (refreshToken) {
      try {
        await this.cognito.revokeRefreshToken(refreshToken);
      } catch (error) {
        // Cognito does not know the token: nothing left to revoke. Anything
        // else (throttled, unreachable) means it may still be valid: retry.
        const unknownToken =
          error instanceof ApiException &&
          (error.code === 'UNAUTHORIZED' || error.code === 'VALIDATION_FAILED');
        if (!unknownToken) throw error;
      }
    }
    await this.revoked.revoke(user);
  }

  /** GlobalSignOut where Cognito has it (an access token), and the user's cutoff here. */
  async logoutEverywhere(user: AuthUser, token?: string): Promise<void> {
    await this.endSessionsOf(
      user.sub,
      user.tokenUse === 'access' ? token : undefined,
    );
  }

  /**
   * Ends every session of the user: GlobalSignOut where Cognito has it
   * (with `accessToken`), and the user's cutoff in this API, which alone
   * does the job where Cognito lacks the call or fails it (then logged).
   * Resolves once the next whole second has begun (see RevokedSessions),
   * with whether Cognito signed the user out too.
   */
  async endSessionsOf(sub: string, accessToken?: string): Promise<boolean> {
    const [, signedOut] = await Promise.all([
      this.revoked.endSessionsOf(sub),
      accessToken
        ? this.cognito.globalSignOut(accessToken).catch((error: unknown) => {
            this.logger.warn(
              `GlobalSignOut failed; the API's own cutoff ends the sessions (${String(error)})`,
            );
            return false;
          })
        : false,
    ]);
    return signedOut;
  }
}
