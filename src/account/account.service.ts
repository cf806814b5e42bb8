import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { PasswordlessService } from '../auth/passwordless.service.js';
import { AuthService } from '../auth/auth.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import type { MeResponse } from '../auth/dto/responses.dto.js';
import { CognitoGateway } from '../cognito/cognito.gateway.js';
import { ApiException } from '../common/errors/api-exception.js';
import type {
  EmailChangeResponse,
  UpdateProfileDto,
} from './dto/account.dto.js';
import { EmailRateLimiter } from '../auth/rate-limit/email-rate-limiter.js';

/** The signed-in user's own account: profile, email, deletion. */
@Injectable()
export class AccountService {
  constructor(
    private readonly cognito: CognitoGateway,
    private readonly auth: AuthService,
    private readonly limiter: EmailRateLimiter,
    @Inject(PasswordlessService)
    private readonly passwordless: Pick<PasswordlessService, 'factorsOf'>,
  ) {}

  /**
   * The user's profile: from Cognito (GetUser) with an access token; from
   * the verified claims with an ID token, which GetUser does not take.
   */
  async me(
    user: AuthUser,
    accessToken: string | undefined,
  ): Promise<MeResponse> {
    if (user.tokenUse === 'id' || !accessToken) {
      return {
        sub: user.sub,
        email: user.email ?? null,
        name: user.name ?? null,
        emailVerified: user.emailVerified ?? false,
        groups: user.groups,
        username: user.username,
        mfa: { totp: null },
      };
    }
    const [profile, factors] = await Promise.all([
      this.cognito.getUser(accessToken),
      this.passwordless.factorsOf(accessToken),
    ]);
    return {
      sub: profile.sub ?? user.sub,
      email: profile.email ?? null,
      name: profile.name ?? null,
      emailVerified: profile.emailVerified,
      groups: user.groups,
      username: profile.username,
      mfa: { totp: profile.mfaMethods.includes('SOFTWARE_TOKEN_MFA') },
      ...(factors ? { factors } : {}),
    };
  }

  /** The profile after a name change; where the code went after an email change. */
  async updateProfile(
    user: AuthUser,
    accessToken: string,
    change: UpdateProfileDto,
  ): Promise<
    | { kind: 'profile'; profile: MeResponse }
    | { kind: 'code'; answer: EmailChangeResponse }
  > {
    if (change.name === undefined && change.email === undefined) {
      throw new ApiException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', [
        'name or email is required',
      ]);
    }
    const sent = await this.cognito.updateProfile(accessToken, change);
    if (change.email !== undefined) return { kind: 'code', answer: sent };
    return { kind: 'profile', profile: await this.me(user, accessToken) };
  }

  async verifyEmail(
    user: AuthUser,
    accessToken: string,
    code: string,
  ): Promise<MeResponse> {
    await this.limiter.checkCode(user.sub, () =>
      this.cognito.verifyEmail(accessToken, code),
    );
    return this.me(user, accessToken);
  }

  /**
   * Proves the password (a login of the user's email: a refusal takes as
   * long as a failed login and answers 401 INVALID_CREDENTIALS), deletes the
   * account, then refuses every token of it.
   */
  async deleteAccount(
    user: AuthUser,
    accessToken: string,
    password: string,
    address: string,
  ): Promise<void> {
    const profile = await this.cognito.getUser(accessToken);
    if (!profile.email) {
      throw new ApiException(
        HttpStatus.UNAUTHORIZED,
        'INVALID_CREDENTIALS',
        'Incorrect email or password.',
      );
    }
    // Tokens or a challenge (TOTP): either way the password was right.
    // Limited as login is, so that a stolen token cannot guess the password.
    const email = profile.email;
    await this.limiter.checkPassword(email, address, () =>
      this.auth.passwordAuth(email, password),
    );
    await this.cognito.deleteUser(accessToken);
    await this.auth.endSessionsOf(user.sub);
  }
}
