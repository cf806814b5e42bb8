import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { ApiException } from '../common/errors/api-exception.js';
import { ANSWERED_AS_ACCEPTED } from './account-enumeration.js';
import { CognitoPool } from './cognito-pool.js';
import { cognitoErrorName, mapCognitoError } from './cognito-errors.js';
import { CognitoGateway, type GatewayMethod } from './cognito.gateway.js';
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
import { operatorFaultAnswer, operatorFaultOf } from './operator-faults.js';
import { UserPoolClient } from './user-pool.client.js';
import { claimsOf, profileOf, signInResultOf } from './user-pool.replies.js';
import type {
  AuthReply,
  ReplyOf,
  RequestOf,
  UserPoolOperation,
} from './user-pool.wire.js';

/**
 * The gateway over the pool's public (app client) API: each method builds
 * the request, sends it through UserPoolClient, maps a failure with its own
 * table and answers in the app's types. Calls that need server credentials
 * (Admin*) get a client of their own beside UserPoolClient.
 */
@Injectable()
export class UserPoolGateway extends CognitoGateway {
  constructor(
    private readonly userPool: UserPoolClient,
    private readonly pool: CognitoPool,
    @Inject(EMBEDDED_COGNITO)
    private readonly embedded: EmbeddedCognito | null,
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

  async confirmSignUp(email: string, code: string): Promise<void> {
    await this.send('confirmSignUp', 'ConfirmSignUp', {
      ClientId: this.userPool.clientId,
      Username: email,
      ConfirmationCode: code,
    });
  }

  /**
   * cognito-local lacks the call (`Unsupported`): in embedded mode the
   * stored sign-up code goes to the outbox again instead.
   */
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
    return signInResultOf(reply);
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
   * With refresh-token rotation: GetTokensFromRefreshToken (the secret
   * itself, no username), which answers a new refresh token. Without:
   * REFRESH_TOKEN_AUTH, whose SECRET_HASH names the user by the internal
   * username (never the email).
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
    const secretHash = username
      ? this.userPool.secretHash(username)
      : undefined;
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
    return signInResultOf(reply, this.emulatorSessionStart(refreshToken));
  }

  /** UserPoolClient adds the ClientSecret when there is one. */
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

  /**
   * Signs in a user that cannot exist, with the configured flow: Cognito
   * checks the client's secret and flows before it looks for the user, so
   * "no such user" or "wrong password" means the client is usable.
   */
  async probeAppClient(): Promise<AppClientStatus> {
    const username = `app-client-probe-${randomUUID()}@probe.invalid`;
    const srp = this.pool.authFlow === 'USER_SRP_AUTH';
    try {
      await this.userPool.send('InitiateAuth', {
        AuthFlow: this.pool.authFlow,
        ClientId: this.userPool.clientId,
        AuthParameters: srp
          ? { USERNAME: username, SRP_A: randomBytes(384).toString('hex') }
          : { USERNAME: username, PASSWORD: randomUUID() },
      });
      // A challenge for nobody: Cognito hides that the user does not exist.
      return { usable: true };
    } catch (error) {
      const fault = operatorFaultOf(error, this.pool);
      if (fault) return { usable: false, ...fault };
      if (cognitoErrorName(error) === 'Unsupported') {
        return {
          usable: false,
          fault: `the endpoint does not support ${this.pool.authFlow}`,
          fix: 'set AWS_COGNITO_AUTH_FLOW=USER_PASSWORD_AUTH (the emulator has no SRP)',
        };
      }
      const answer = mapCognitoError(GATEWAY_ERRORS.probeAppClient, error);
      const status = answer.getStatus();
      if (status >= 500 || status === HttpStatus.TOO_MANY_REQUESTS) {
        // The configuration errors left to 500 (a wrong pool or client id).
        if (answer.code === 'INTERNAL') {
          return {
            usable: false,
            fault: `Cognito refused the app client (${cognitoErrorName(error) ?? 'unknown error'})`,
            fix: 'check AWS_COGNITO_USER_POOL_ID and AWS_COGNITO_CLIENT_ID',
          };
        }
        return { usable: 'unknown', reason: answer.code };
      }
      return { usable: true };
    }
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
      return await this.userPool.send(operation, params);
    } catch (error) {
      throw this.fail(method, error);
    }
  }

  /**
   * The answer for a failure of `method`: 500 for a fault of the app's
   * configuration (whatever the method's table says of the error's name),
   * else the method's table.
   */
  private fail(method: GatewayMethod, error: unknown): ApiException {
    const fault = operatorFaultOf(error, this.pool);
    if (fault) return operatorFaultAnswer(fault, error);
    return mapCognitoError(GATEWAY_ERRORS[method], error);
  }

  /**
   * cognito-local only: the `iat` of its refresh token (a readable JWT),
   * i.e. when the session began, since the emulator gives refreshed tokens
   * a new auth_time. Real Cognito's refresh token is opaque and never read:
   * its refreshed tokens keep the original auth_time.
   */
  private emulatorSessionStart(refreshToken: string): number | undefined {
    const emulated =
      this.pool.mode === 'embedded' ||
      (this.pool.endpoint?.startsWith('http://') ?? false);
    if (!emulated) return undefined;
    const { iat } = claimsOf(refreshToken);
    return typeof iat === 'number' && Number.isFinite(iat) ? iat : undefined;
  }

  /**
   * Throws the method's answer, unless the error would tell whether the
   * account exists: then the call resolves as a success.
   */
  private rethrowUnlessHidden(method: GatewayMethod, error: unknown): void {
    // A fault of the configuration comes before the user is looked at: it
    // tells nothing about the account, and must not pass for a success.
    const fault = operatorFaultOf(error, this.pool);
    if (fault) throw operatorFaultAnswer(fault, error);
    if (ANSWERED_AS_ACCEPTED.has(cognitoErrorName(error) ?? '')) return;
    throw mapCognitoError(GATEWAY_ERRORS[method], error);
  }
}
