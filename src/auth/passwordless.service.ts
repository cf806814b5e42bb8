import { HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import { CognitoPool } from '../cognito/cognito-pool.js';
import {
  PasswordlessGateway,
  type PasswordlessMethod,
  type PasswordlessStep,
} from '../cognito/passwordless.gateway.js';
import { ApiException } from '../common/errors/api-exception.js';
import { cognitoConfig, type CognitoConfig } from '../config/cognito.config.js';
import { AuthService } from './auth.service.js';
import type {
  ChallengeDto,
  PasswordlessChallenge,
} from './dto/challenge.dto.js';
import type { ChallengeResponse, TokensResponse } from './dto/responses.dto.js';
import {
  PasswordlessDecoys,
  type PasswordlessStart,
} from './passwordless-decoys.js';
import type { SessionClient } from './sessions/session-client.decorator.js';
import { toLoginAnswer } from './token-answers.js';
import { IssuedTokenCheck } from './verification/issued-token-check.js';

/**
 * Refusals of a first step that tell something of the account (none, not
 * confirmed, must reset its password, lacks the factor): answered with a
 * decoy instead.
 */
const DECOYED = new Set([
  'INVALID_CREDENTIALS',
  'USER_NOT_CONFIRMED',
  'PASSWORD_RESET_REQUIRED',
  'VALIDATION_FAILED',
]);

/** The answer to a spent, forged or decoy session, and to a wrong code or assertion. */
const REFUSED = new ApiException(
  HttpStatus.UNAUTHORIZED,
  'INVALID_CREDENTIALS',
  'The passkey or code was not accepted, or the sign-in has expired; sign in again.',
);

/**
 * Sign-in with a passkey or an emailed code (Cognito's USER_AUTH flow),
 * answering alike for every email (see PasswordlessDecoys).
 */
@Injectable()
export class PasswordlessService {
  private readonly decoys: PasswordlessDecoys;

  constructor(
    private readonly gateway: PasswordlessGateway,
    private readonly auth: AuthService,
    pool: CognitoPool,
    @Inject(cognitoConfig.KEY) private readonly config: CognitoConfig,
    @Optional() private readonly issued?: IssuedTokenCheck,
  ) {
    this.decoys = new PasswordlessDecoys(pool.mode === 'embedded');
  }

  /** AUTH_PASSWORDLESS: off, the passwordless routes answer 404. */
  get enabled(): boolean {
    return this.config.passwordless;
  }

  /** InitiateAuth USER_AUTH with the method preferred; a decoy where the email cannot take it. */
  async start(
    email: string,
    method: PasswordlessMethod,
  ): Promise<PasswordlessStart> {
    let step: PasswordlessStep;
    try {
      step = await this.gateway.startSignIn(email, method);
    } catch (error) {
      if (error instanceof ApiException && DECOYED.has(error.code)) {
        return this.decoys.decoy(email, method);
      }
      throw await this.auth.asEmailLimit(error, email);
    }
    const start = startOf(step, method);
    if (!start) return this.decoys.decoy(email, method);
    this.decoys.learn(start);
    return start;
  }

  /** RespondToAuthChallenge WEB_AUTHN or EMAIL_OTP: tokens, or SOFTWARE_TOKEN_MFA. */
  async answer(
    dto: ChallengeDto & { challenge: PasswordlessChallenge },
    client: SessionClient,
  ): Promise<TokensResponse | ChallengeResponse> {
    let step: PasswordlessStep;
    try {
      step = await this.gateway.answerChallenge({
        email: dto.email,
        session: dto.session,
        // The DTO requires the field its challenge needs.
        answer:
          dto.challenge === 'WEB_AUTHN'
            ? { challenge: 'WEB_AUTHN', credential: dto.credential! }
            : { challenge: 'EMAIL_OTP', code: dto.code! },
      });
    } catch (error) {
      // A real session's user was confirmed when it began: these only
      // answer a decoy's, and would tell that the account exists.
      if (error instanceof ApiException && DECOYED.has(error.code)) {
        throw REFUSED;
      }
      throw await this.auth.asEmailLimit(error, dto.email);
    }
    if (step.kind !== 'tokens' && step.kind !== 'challenge') throw REFUSED;
    this.issued?.inspect(step);
    // A sign-in like any other: its session is listed (GET /auth/sessions).
    await this.auth.begin(step, client);
    return toLoginAnswer(step);
  }

  /** GetUserAuthFactors: the user's sign-in factors, when passwordless is on. */
  async factorsOf(accessToken: string): Promise<string[] | undefined> {
    if (!this.enabled) return undefined;
    return (await this.gateway.getAuthFactors(accessToken)).factors;
  }
}

/** The API's answer for a step of the asked kind; undefined for any other (SELECT_CHALLENGE). */
function startOf(
  step: PasswordlessStep,
  method: PasswordlessMethod,
): PasswordlessStart | undefined {
  if (method === 'WEB_AUTHN' && step.kind === 'webAuthn') {
    return { challenge: method, session: step.session, options: step.options };
  }
  if (method === 'EMAIL_OTP' && step.kind === 'emailOtp') {
    return {
      challenge: method,
      session: step.session,
      codeDeliveryDestination: step.codeDeliveryDestination ?? '',
    };
  }
  return undefined;
}
