import { HttpStatus } from '@nestjs/common';
import { ApiException } from '../common/errors/api-exception.js';
import { hiddenForEnumeration } from './account-enumeration.js';
import type { AppClientKnowledge } from './app-client-probe.js';
import { isEmulatedPool, type CognitoPool } from './cognito-pool.js';
import { CODE_MISMATCH, cognitoErrorName } from './cognito-errors.js';
import type { GatewayMethod } from './cognito.gateway.js';
import type {
  ChallengeInput,
  PasswordReset,
  RefreshInput,
  SignInResult,
  SignUpInput,
  SignUpResult,
} from './cognito.types.js';
import type { DisabledUserCheck } from './emulator/disabled-user-check.js';
import type { EmbeddedCognito } from './emulator/embedded-cognito.js';
import type { GatewayFailures } from './gateway-failures.js';
import type { UserPoolClient } from './user-pool.client.js';
import { emulatorSessionStart, signInResultOf } from './user-pool.replies.js';
import type {
  AuthReply,
  ReplyOf,
  RequestOf,
  UserPoolOperation,
} from './user-pool.wire.js';

/**
 * The calls the app client makes on its own (public operations: sign-up,
 * InitiateAuth, challenges, forgotten passwords), through UserPoolClient.
 * A call Cognito accepts shows the app client usable (AppClientKnowledge).
 * One of the three parts of the UserPoolGateway facade; error tables in
 * gateway-errors.ts.
 */
export class AppClientGateway {
  constructor(
    private readonly userPool: UserPoolClient,
    private readonly pool: CognitoPool,
    private readonly embedded: EmbeddedCognito | null,
    private readonly failures: GatewayFailures<GatewayMethod>,
    private readonly appClient: AppClientKnowledge,
    private readonly disabled: DisabledUserCheck,
  ) {}

  async signUp({ email, password, name }: SignUpInput): Promise<SignUpResult> {
    const reply = await this.send('signUp', 'SignUp', {
      ClientId: this.userPool.clientId,
      Username: email,
      Password: password,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'name', Value: name },
      ],
    });
    return {
      userSub: reply.UserSub,
      userConfirmed: reply.UserConfirmed,
      codeDeliveryDestination: reply.CodeDeliveryDetails?.Destination,
    };
  }

  /**
   * A wrong code is answered alike for an unknown, an unconfirmed and a
   * confirmed account. cognito-local never expires a sign-up code but
   * clears it at confirmation, and then answers ExpiredCodeException where
   * Cognito answers NotAuthorizedException: on an emulator's pool that is
   * a confirmed account, answered as a wrong code.
   */
  async confirmSignUp(email: string, code: string): Promise<void> {
    try {
      await this.send('confirmSignUp', 'ConfirmSignUp', {
        ClientId: this.userPool.clientId,
        Username: email,
        ConfirmationCode: code,
      });
    } catch (error) {
      if (
        isEmulatedPool(this.pool) &&
        cognitoErrorName(error) === 'ExpiredCodeException'
      ) {
        const [status, errorCode, message] = CODE_MISMATCH;
        throw new ApiException(status, errorCode, message, { cause: error });
      }
      throw error;
    }
  }

  /** cognito-local lacks it (`Unsupported`): embedded, the stored code goes to the outbox again. */
  async resendConfirmationCode(email: string): Promise<void> {
    try {
      await this.userPool.send('ResendConfirmationCode', {
        ClientId: this.userPool.clientId,
        Username: email,
      });
    } catch (error) {
      if (cognitoErrorName(error) === 'Unsupported' && this.embedded) {
        await this.embedded.resendSignUpCode(email);
        return;
      }
      this.rethrowUnlessHidden('resendConfirmationCode', error);
    }
  }

  async passwordAuth(email: string, password: string): Promise<SignInResult> {
    const enabled = this.disabled.start(email);
    const reply: AuthReply = await this.failures.call('passwordAuth', () =>
      this.pool.authFlow === 'USER_SRP_AUTH'
        ? this.userPool.authenticateSrp(email, password)
        : this.userPool.send('InitiateAuth', {
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: this.userPool.clientId,
            AuthParameters: { USERNAME: email, PASSWORD: password },
          }),
    );
    this.appClient.saw({ usable: true });
    return this.disabled.judge(signInResultOf(reply), enabled);
  }

  async respondToChallenge({
    email,
    session,
    answer,
  }: ChallengeInput): Promise<SignInResult> {
    const responses: Record<string, string> =
      answer.challenge === 'NEW_PASSWORD_REQUIRED'
        ? { NEW_PASSWORD: answer.newPassword }
        : { SOFTWARE_TOKEN_MFA_CODE: answer.code };
    const reply = await this.send(
      'respondToChallenge',
      'RespondToAuthChallenge',
      {
        ClientId: this.userPool.clientId,
        ChallengeName: answer.challenge,
        Session: session,
        ChallengeResponses: { USERNAME: email, ...responses },
      },
    );
    return signInResultOf(reply);
  }

  /**
   * GetTokensFromRefreshToken with rotation (no username), else
   * REFRESH_TOKEN_AUTH, whose SECRET_HASH names the internal username.
   */
  async refresh({
    refreshToken,
    username,
  }: RefreshInput): Promise<SignInResult> {
    if (this.userPool.rotatesRefreshTokens) {
      const reply = await this.send('refresh', 'GetTokensFromRefreshToken', {
        ClientId: this.userPool.clientId,
        RefreshToken: refreshToken,
      });
      return signInResultOf(reply);
    }
    const secretHash = username && this.userPool.secretHash(username);
    if (this.userPool.hasSecret && !secretHash) {
      throw new ApiException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', [
        'username is required: the app client has a secret, and SECRET_HASH needs the internal username (the login answer has it)',
      ]);
    }
    const reply = await this.send('refresh', 'InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: this.userPool.clientId,
      AuthParameters: {
        REFRESH_TOKEN: refreshToken,
        ...(secretHash ? { SECRET_HASH: secretHash } : {}),
      },
    });
    return signInResultOf(reply, emulatorSessionStart(this.pool, refreshToken));
  }

  async revokeRefreshToken(refreshToken: string): Promise<void> {
    await this.send('revokeRefreshToken', 'RevokeToken', {
      ClientId: this.userPool.clientId,
      Token: refreshToken,
    });
  }

  async forgotPassword(email: string): Promise<void> {
    try {
      await this.userPool.send('ForgotPassword', {
        ClientId: this.userPool.clientId,
        Username: email,
      });
    } catch (error) {
      this.rethrowUnlessHidden('forgotPassword', error);
    }
  }

  async confirmForgotPassword(reset: PasswordReset): Promise<void> {
    await this.send('confirmForgotPassword', 'ConfirmForgotPassword', {
      ClientId: this.userPool.clientId,
      Username: reset.email,
      ConfirmationCode: reset.code,
      Password: reset.newPassword,
    });
  }

  /** Sends one operation of the app client; a success shows it usable. */
  private async send<O extends UserPoolOperation>(
    method: GatewayMethod,
    operation: O,
    params: RequestOf<O>,
  ): Promise<ReplyOf<O>> {
    const reply = await this.failures.call(method, () =>
      this.userPool.send(operation, params),
    );
    this.appClient.saw({ usable: true });
    return reply;
  }

  /** Throws the method's answer, unless it would tell whether the account exists. */
  private rethrowUnlessHidden(method: GatewayMethod, error: unknown): void {
    if (!hiddenForEnumeration(error, this.pool)) {
      throw this.failures.answer(method, error);
    }
  }
}
