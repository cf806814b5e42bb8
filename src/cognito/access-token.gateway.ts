import { cognitoErrorName } from './cognito-errors.js';
import type { GatewayMethod } from './cognito.gateway.js';
import type {
  MfaPreference,
  PasswordChange,
  ProfileChange,
  SoftwareTokenCheck,
  UserProfile,
} from './cognito.types.js';
import type { GatewayFailures } from './gateway-failures.js';
import type { UserPoolClient } from './user-pool.client.js';
import { profileOf } from './user-pool.replies.js';
import type {
  AttributeList,
  ReplyOf,
  RequestOf,
  UserPoolOperation,
} from './user-pool.wire.js';

/**
 * The calls made with the user's access token (the user's own account,
 * password and TOTP), through UserPoolClient. One of the three parts of
 * the UserPoolGateway facade; error tables in gateway-errors.ts.
 */
export class AccessTokenGateway {
  constructor(
    private readonly userPool: UserPoolClient,
    private readonly failures: GatewayFailures<GatewayMethod>,
  ) {}

  /** cognito-local lacks GlobalSignOut (`Unsupported`): then false, no error. */
  async globalSignOut(accessToken: string): Promise<boolean> {
    try {
      await this.userPool.send('GlobalSignOut', { AccessToken: accessToken });
      return true;
    } catch (error) {
      if (cognitoErrorName(error) === 'Unsupported') return false;
      throw this.failures.answer('globalSignOut', error);
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

  async updateProfile(
    accessToken: string,
    change: ProfileChange,
  ): Promise<{ codeDeliveryDestination?: string }> {
    const attributes: AttributeList = [];
    if (change.name !== undefined)
      attributes.push({ Name: 'name', Value: change.name });
    if (change.email !== undefined)
      attributes.push({ Name: 'email', Value: change.email });
    const reply = await this.send('updateProfile', 'UpdateUserAttributes', {
      AccessToken: accessToken,
      UserAttributes: attributes,
    });
    const destination = reply.CodeDeliveryDetailsList?.[0]?.Destination;
    return destination ? { codeDeliveryDestination: destination } : {};
  }

  async verifyEmail(accessToken: string, code: string): Promise<void> {
    await this.send('verifyEmail', 'VerifyUserAttribute', {
      AccessToken: accessToken,
      AttributeName: 'email',
      Code: code,
    });
  }

  async deleteUser(accessToken: string): Promise<void> {
    await this.send('deleteUser', 'DeleteUser', { AccessToken: accessToken });
  }

  private send<O extends UserPoolOperation>(
    method: GatewayMethod,
    operation: O,
    params: RequestOf<O>,
  ): Promise<ReplyOf<O>> {
    return this.failures.call(method, () =>
      this.userPool.send(operation, params),
    );
  }
}
