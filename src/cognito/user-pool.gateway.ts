import { Inject, Injectable, Optional } from '@nestjs/common';
import { AccessTokenGateway } from './access-token.gateway.js';
import { AdminClient } from './admin.client.js';
import { AdminGateway } from './admin.gateway.js';
import { AppClientGateway } from './app-client.gateway.js';
import { AppClientKnowledge, probeAppClient } from './app-client-probe.js';
import { CognitoPool } from './cognito-pool.js';
import { CognitoGateway, type GatewayMethod } from './cognito.gateway.js';
import type {
  AppClientStatus,
  ChallengeInput,
  MfaPreference,
  PasswordChange,
  PasswordReset,
  PoolUserPage,
  PoolUserRecord,
  ProfileChange,
  RefreshInput,
  SignInResult,
  SignUpInput,
  SignUpResult,
  SoftwareTokenCheck,
  UserProfile,
} from './cognito.types.js';
import { DisabledUserCheck } from './emulator/disabled-user-check.js';
import type { EmbeddedCognito } from './emulator/embedded-cognito.js';
import { EMBEDDED_COGNITO } from './emulator/embedded.token.js';
import { GATEWAY_ERRORS } from './gateway-errors.js';
import { GatewayFailures } from './gateway-failures.js';
import { UserPoolClient } from './user-pool.client.js';

/**
 * The CognitoGateway the features inject: a facade over three small
 * gateways, one per way Cognito authorises a call, sharing one failure
 * mapper (GatewayFailures, with the tables of gateway-errors.ts):
 *
 * - AppClientGateway (app-client.gateway.ts): the app client's public
 *   operations, through UserPoolClient;
 * - AccessTokenGateway (access-token.gateway.ts): the calls made with the
 *   user's access token, through UserPoolClient;
 * - AdminGateway (admin.gateway.ts): Admin* with the server's AWS
 *   credentials, through AdminClient (AWS SDK v3).
 */
@Injectable()
export class UserPoolGateway extends CognitoGateway {
  private readonly appClient: AppClientGateway;
  private readonly account: AccessTokenGateway;
  private readonly admin: AdminGateway;
  private readonly knowledge: AppClientKnowledge;

  constructor(
    userPool: UserPoolClient,
    pool: CognitoPool,
    @Inject(EMBEDDED_COGNITO) embedded: EmbeddedCognito | null,
    @Optional() adminClient?: AdminClient,
  ) {
    super();
    this.knowledge = new AppClientKnowledge(() =>
      probeAppClient(userPool, pool),
    );
    const failures = new GatewayFailures<GatewayMethod>(GATEWAY_ERRORS, pool, {
      appClient: this.knowledge,
      // A refresh's hash names the user the request chose: a mismatch is a 401.
      callerHashes: ['refresh'],
    });
    this.admin = new AdminGateway(failures, adminClient);
    this.account = new AccessTokenGateway(userPool, failures);
    this.appClient = new AppClientGateway(
      userPool,
      pool,
      embedded,
      failures,
      this.knowledge,
      new DisabledUserCheck(pool, this.admin, failures),
    );
  }

  // The app client --------------------------------------------------------

  signUp(input: SignUpInput): Promise<SignUpResult> {
    return this.appClient.signUp(input);
  }

  confirmSignUp(email: string, code: string): Promise<void> {
    return this.appClient.confirmSignUp(email, code);
  }

  resendConfirmationCode(email: string): Promise<void> {
    return this.appClient.resendConfirmationCode(email);
  }

  passwordAuth(email: string, password: string): Promise<SignInResult> {
    return this.appClient.passwordAuth(email, password);
  }

  respondToChallenge(input: ChallengeInput): Promise<SignInResult> {
    return this.appClient.respondToChallenge(input);
  }

  refresh(input: RefreshInput): Promise<SignInResult> {
    return this.appClient.refresh(input);
  }

  revokeRefreshToken(refreshToken: string): Promise<void> {
    return this.appClient.revokeRefreshToken(refreshToken);
  }

  forgotPassword(email: string): Promise<void> {
    return this.appClient.forgotPassword(email);
  }

  confirmForgotPassword(reset: PasswordReset): Promise<void> {
    return this.appClient.confirmForgotPassword(reset);
  }

  /** The last probe, or what live calls showed since (app-client-probe.ts). */
  probeAppClient(): Promise<AppClientStatus> {
    return this.knowledge.status();
  }

  // The user's access token -----------------------------------------------

  globalSignOut(accessToken: string): Promise<boolean> {
    return this.account.globalSignOut(accessToken);
  }

  getUser(accessToken: string): Promise<UserProfile> {
    return this.account.getUser(accessToken);
  }

  changePassword(change: PasswordChange): Promise<void> {
    return this.account.changePassword(change);
  }

  associateSoftwareToken(accessToken: string): Promise<string> {
    return this.account.associateSoftwareToken(accessToken);
  }

  verifySoftwareToken(check: SoftwareTokenCheck): Promise<boolean> {
    return this.account.verifySoftwareToken(check);
  }

  setTotpPreference(
    accessToken: string,
    preference: MfaPreference,
  ): Promise<void> {
    return this.account.setTotpPreference(accessToken, preference);
  }

  updateProfile(
    accessToken: string,
    change: ProfileChange,
  ): Promise<{ codeDeliveryDestination?: string }> {
    return this.account.updateProfile(accessToken, change);
  }

  verifyEmail(accessToken: string, code: string): Promise<void> {
    return this.account.verifyEmail(accessToken, code);
  }

  deleteUser(accessToken: string): Promise<void> {
    return this.account.deleteUser(accessToken);
  }

  // The server's AWS credentials ------------------------------------------

  adminListUsers(query: {
    emailPrefix?: string;
    pageToken?: string;
  }): Promise<PoolUserPage> {
    return this.admin.adminListUsers(query);
  }

  adminCreateUser(user: {
    email: string;
    name: string;
  }): Promise<PoolUserRecord> {
    return this.admin.adminCreateUser(user);
  }

  adminGetUser(username: string): Promise<PoolUserRecord> {
    return this.admin.adminGetUser(username);
  }

  adminSetEnabled(username: string, enabled: boolean): Promise<void> {
    return this.admin.adminSetEnabled(username, enabled);
  }

  adminSetName(username: string, name: string): Promise<void> {
    return this.admin.adminSetName(username, name);
  }

  adminDeleteUser(username: string): Promise<void> {
    return this.admin.adminDeleteUser(username);
  }

  adminAddToGroup(username: string, group: string): Promise<void> {
    return this.admin.adminAddToGroup(username, group);
  }

  adminRemoveFromGroup(username: string, group: string): Promise<void> {
    return this.admin.adminRemoveFromGroup(username, group);
  }

  adminListGroups(username: string): Promise<string[]> {
    return this.admin.adminListGroups(username);
  }

  adminGlobalSignOut(username: string): Promise<boolean> {
    return this.admin.adminGlobalSignOut(username);
  }
}
