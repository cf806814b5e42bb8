import { HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import { ApiException } from '../common/errors/api-exception.js';
import { hiddenForEnumeration } from './account-enumeration.js';
import { CognitoPool, isEmulatedPool } from './cognito-pool.js';
import {
  CODE_MISMATCH,
  cognitoErrorName,
  mapCognitoError,
} from './cognito-errors.js';
import type { GatewayMethod } from './cognito.gateway.js';
import { AdminClient } from './admin.client.js';
import { AdminGatewayMethods } from './admin.gateway-methods.js';
import type {
  AppClientStatus,
  ChallengeInput,
  MfaPreference,
  PasswordChange,
  PasswordReset,
  RefreshInput,
  SignInResult,
  SignUpInput,
  SignUpResult,
  SoftwareTokenCheck,
  UserProfile,
} from './cognito.types.js';
import type { EmbeddedCognito } from './emulator/embedded-cognito.js';
import { EMBEDDED_COGNITO } from './emulator/embedded.token.js';
import { GATEWAY_ERRORS } from './gateway-errors.js';
import { AppClientKnowledge, probeAppClient } from './app-client-probe.js';
import { operatorFaultAnswer, operatorFaultOf } from './operator-faults.js';
import { UserPoolClient } from './user-pool.client.js';
import {
  emulatorSessionStart,
  profileOf,
  signInResultOf,
} from './user-pool.replies.js';
import type {
  AuthReply,
  ReplyOf,
  RequestOf,
  UserPoolOperation,
} from './user-pool.wire.js';

/**
 * The gateway over the pool's app client API: each method builds the
 * request, sends it through UserPoolClient, maps a failure with its own
 * table and answers in the app's types. Account and Admin* calls are in
 * admin.gateway-methods.ts (the latter through AdminClient).
 */
@Injectable()
export class UserPoolGateway extends AdminGatewayMethods {
  private readonly appClient = new AppClientKnowledge(() =>
    probeAppClient(this.userPool, this.pool),
  );

  constructor(
    protected readonly userPool: UserPoolClient,
    protected readonly pool: CognitoPool,
    @Inject(EMBEDDED_COGNITO)
    private readonly embedded: EmbeddedCognito | null,
    @Optional() protected readonly admin?: AdminClient,
  ) {
    super();
  }

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
    const enabled = this.enabledOnEmulator(email);
    let reply: AuthReply;
    try {
      reply =
        this.pool.authFlow === 'USER_SRP_AUTH'
          ? await this.userPool.authenticateSrp(email, password)
          : await this.userPool.send('InitiateAuth', {
              AuthFlow: 'USER_PASSWORD_AUTH',
              ClientId: this.userPool.clientId,
              AuthParameters: { USERNAME: email, PASSWORD: password },
            });
    } catch (error) {
      throw this.fail('passwordAuth', error);
    }
    this.appClient.saw({ usable: true });
    return this.refuseDisabledOnEmulator(signInResultOf(reply), enabled);
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

  /** cognito-local lacks GlobalSignOut (`Unsupported`): then false, no error. */
  async globalSignOut(accessToken: string): Promise<boolean> {
    try {
      await this.userPool.send('GlobalSignOut', { AccessToken: accessToken });
      return true;
    } catch (error) {
      if (cognitoErrorName(error) === 'Unsupported') return false;
      throw this.fail('globalSignOut', error);
    }
  }

  /** The last probe, or what live calls showed since (app-client-probe.ts). */
  probeAppClient(): Promise<AppClientStatus> {
    return this.appClient.status();
  }

  async getUser(accessToken: string): Promise<UserProfile> {
    return profileOf(
      await this.send('getUser', 'GetUser', { AccessToken: accessToken }),
    );
  }

  async changePassword(change: PasswordChange): Promise<void> {
    await this.send('changePassword', 'ChangePassword', {
      AccessToken: change.accessToken,
      PreviousPassword: change.previousPassword,
      ProposedPassword: change.proposedPassword,
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

  async associateSoftwareToken(accessToken: string): Promise<string> {
    const { SecretCode } = await this.send(
      'associateSoftwareToken',
      'AssociateSoftwareToken',
      { AccessToken: accessToken },
    );
    return SecretCode;
  }

  async verifySoftwareToken(check: SoftwareTokenCheck): Promise<boolean> {
    const { Status } = await this.send(
      'verifySoftwareToken',
      'VerifySoftwareToken',
      {
        AccessToken: check.accessToken,
        UserCode: check.code,
        FriendlyDeviceName: check.deviceName,
      },
    );
    return Status === 'SUCCESS';
  }

  async setTotpPreference(
    accessToken: string,
    preference: MfaPreference,
  ): Promise<void> {
    await this.send('setTotpPreference', 'SetUserMFAPreference', {
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: {
        Enabled: preference.enabled,
        PreferredMfa: preference.preferred,
      },
    });
  }

  /** Sends one operation; a failure rejects as the method's answer. */
  private async send<O extends UserPoolOperation>(
    method: GatewayMethod,
    operation: O,
    params: RequestOf<O>,
  ): Promise<ReplyOf<O>> {
    try {
      const reply = await this.userPool.send(operation, params);
      if ('ClientId' in params) this.appClient.saw({ usable: true });
      return reply;
    } catch (error) {
      throw this.fail(method, error);
    }
  }

  /** A failure of `method`: 500 for a fault of the app's configuration, else its table. */
  protected fail(method: GatewayMethod, error: unknown): ApiException {
    const fault = operatorFaultOf(error, this.pool);
    // A refresh's hash names the user the request chose: a mismatch is a 401.
    if (fault && !(method === 'refresh' && fault.hashMismatch)) {
      this.appClient.saw({ usable: false, ...fault });
      return operatorFaultAnswer(fault, error);
    }
    return mapCognitoError(GATEWAY_ERRORS[method], error);
  }

  /** Throws the method's answer, unless it would tell whether the account exists. */
  private rethrowUnlessHidden(method: GatewayMethod, error: unknown): void {
    if (!hiddenForEnumeration(error, this.pool)) throw this.fail(method, error);
  }
}
