import { HttpStatus, Injectable } from '@nestjs/common';
import { CognitoClient } from '../cognito/cognito.client.js';
import { cognitoErrorName } from '../cognito/cognito-errors.js';
import { ApiException } from '../common/errors/api-exception.js';
import type { ChangePasswordDto } from './dto/change-password.dto.js';
import type { ConfirmPasswordDto } from './dto/confirm-password.dto.js';
import type { ConfirmRegistrationDto } from './dto/confirm-registration.dto.js';
import type { LoginDto } from './dto/login.dto.js';
import type { RegisterDto } from './dto/register.dto.js';
import type {
  AcceptedResponse,
  ChallengeResponse,
  RegisterResponse,
  StatusResponse,
  TokensResponse,
} from './dto/responses.dto.js';

interface AuthenticationResult {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
  /** Real Cognito sends it; cognito-local does not. */
  ExpiresIn?: number;
}

interface InitiateAuthResponse {
  AuthenticationResult?: AuthenticationResult;
  ChallengeName?: string;
  Session?: string;
}

const SUCCESS: StatusResponse = { status: 'success' };
const ACCEPTED: AcceptedResponse = {
  status: 'accepted',
  message: 'If an account exists for this email, a code has been sent to it.',
};

/** The auth flows of the API, each a short sequence of Cognito calls. */
@Injectable()
export class AuthService {
  constructor(private readonly cognito: CognitoClient) {}

  async register({
    name,
    email,
    password,
  }: RegisterDto): Promise<RegisterResponse> {
    const result = await this.cognito.send<{
      UserSub: string;
      UserConfirmed: boolean;
      CodeDeliveryDetails?: { Destination?: string };
    }>('register', 'SignUp', {
      ClientId: this.cognito.clientId,
      SecretHash: this.cognito.secretHash(email),
      Username: email,
      Password: password,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'name', Value: name },
      ],
    });
    return {
      userSub: result.UserSub,
      userConfirmed: result.UserConfirmed,
      codeDeliveryDestination: result.CodeDeliveryDetails?.Destination,
    };
  }

  async confirmRegistration({
    email,
    code,
  }: ConfirmRegistrationDto): Promise<StatusResponse> {
    await this.cognito.send('confirmRegistration', 'ConfirmSignUp', {
      ClientId: this.cognito.clientId,
      SecretHash: this.cognito.secretHash(email),
      Username: email,
      ConfirmationCode: code,
    });
    return SUCCESS;
  }

  async login({
    email,
    password,
  }: LoginDto): Promise<TokensResponse | ChallengeResponse> {
    const result = await this.passwordAuth(email, password);
    return toLoginAnswer(result);
  }

  /**
   * The tutorial's contract: identity is proven with the current password
   * (a login), then Cognito changes it with the access token it gave. The
   * refresh token of that internal login is revoked right away.
   */
  async changePassword(dto: ChangePasswordDto): Promise<StatusResponse> {
    // A refusal here is about the current password: mapped as a login.
    const result = await this.passwordAuth(dto.email, dto.currentPassword);
    const tokens = result.AuthenticationResult;
    if (!tokens) {
      throw new ApiException(
        HttpStatus.FORBIDDEN,
        'FORBIDDEN',
        `Cognito asks for a ${result.ChallengeName ?? 'challenge'} first: log in and complete it, then change the password.`,
      );
    }
    await this.cognito.send('changePassword', 'ChangePassword', {
      AccessToken: tokens.AccessToken,
      PreviousPassword: dto.currentPassword,
      ProposedPassword: dto.newPassword,
    });
    await this.revokeQuietly(tokens.RefreshToken);
    return SUCCESS;
  }

  /** 202 whether or not the account exists: the answer reveals nothing. */
  async forgotPassword(email: string): Promise<AcceptedResponse> {
    try {
      await this.cognito.send('forgotPassword', 'ForgotPassword', {
        ClientId: this.cognito.clientId,
        SecretHash: this.cognito.secretHash(email),
        Username: email,
      });
    } catch (error) {
      const name = cognitoErrorName((error as ApiException).cause);
      if (!HIDDEN_ON_FORGOT.has(name ?? '')) throw error;
    }
    return ACCEPTED;
  }

  async confirmPassword(dto: ConfirmPasswordDto): Promise<StatusResponse> {
    await this.cognito.send('confirmPassword', 'ConfirmForgotPassword', {
      ClientId: this.cognito.clientId,
      SecretHash: this.cognito.secretHash(dto.email),
      Username: dto.email,
      ConfirmationCode: dto.confirmationCode,
      Password: dto.newPassword,
    });
    return SUCCESS;
  }

  private passwordAuth(
    email: string,
    password: string,
  ): Promise<InitiateAuthResponse> {
    const secretHash = this.cognito.secretHash(email);
    return this.cognito.send<InitiateAuthResponse>('login', 'InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: this.cognito.clientId,
      AuthParameters: {
        USERNAME: email,
        PASSWORD: password,
        ...(secretHash ? { SECRET_HASH: secretHash } : {}),
      },
    });
  }

  private async revokeQuietly(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return;
    await this.cognito
      .send('login', 'RevokeToken', {
        ClientId: this.cognito.clientId,
        Token: refreshToken,
      })
      .catch(() => undefined);
  }
}

/** Errors of ForgotPassword that would tell whether the account exists. */
const HIDDEN_ON_FORGOT = new Set([
  'UserNotFoundException',
  'InvalidParameterException',
  'NotAuthorizedException',
  'UserNotConfirmedException',
]);

function toLoginAnswer(
  result: InitiateAuthResponse,
): TokensResponse | ChallengeResponse {
  const tokens = result.AuthenticationResult;
  if (tokens) {
    return {
      accessToken: tokens.AccessToken,
      idToken: tokens.IdToken,
      refreshToken: tokens.RefreshToken ?? '',
      expiresIn: tokens.ExpiresIn ?? lifetimeOf(tokens.AccessToken),
      tokenType: 'Bearer',
    };
  }
  return {
    challenge: result.ChallengeName ?? 'UNKNOWN',
    session: result.Session ?? '',
  };
}

/** `exp - iat` of a token Cognito just issued (read, not verified: it came from Cognito). */
function lifetimeOf(token: string): number {
  try {
    const { exp, iat } = JSON.parse(
      Buffer.from(token.split('.')[1], 'base64url').toString(),
    ) as {
      exp?: number;
      iat?: number;
    };
    return typeof exp === 'number' && typeof iat === 'number'
      ? exp - iat
      : 3600;
  } catch {
    return 3600;
  }
}
