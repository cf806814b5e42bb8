/**
 * What the user-pool API (amazon-cognito-identity-js's low-level client)
 * takes and answers, per operation the app sends: the one place that
 * spells Cognito's wire fields. Only src/cognito reads these types.
 */

export type AttributeList = { Name: string; Value: string }[];

/** How Cognito says where it sent a code. */
interface CodeDelivery {
  CodeDeliveryDetails?: { Destination?: string };
}

/** InitiateAuth's and RespondToAuthChallenge's answer: tokens or a challenge. */
export interface AuthReply {
  AuthenticationResult?: {
    AccessToken: string;
    IdToken: string;
    RefreshToken?: string;
    /** Real Cognito sends it; cognito-local and the SRP path do not. */
    ExpiresIn?: number;
  };
  ChallengeName?: string;
  Session?: string;
  /** e.g. USER_ID_FOR_SRP or USERNAME: the internal username of the user challenged. */
  ChallengeParameters?: Record<string, string>;
}

type Empty = Record<string, unknown>;

/** Request and reply of each operation. */
export interface UserPoolApi {
  SignUp: {
    request: {
      ClientId: string;
      Username: string;
      Password: string;
      UserAttributes: AttributeList;
    };
    reply: CodeDelivery & { UserSub: string; UserConfirmed: boolean };
  };
  ConfirmSignUp: {
    request: { ClientId: string; Username: string; ConfirmationCode: string };
    reply: Empty;
  };
  ResendConfirmationCode: {
    request: { ClientId: string; Username: string };
    reply: CodeDelivery;
  };
  InitiateAuth: {
    request: {
      AuthFlow:
        | 'USER_PASSWORD_AUTH'
        | 'USER_SRP_AUTH'
        | 'REFRESH_TOKEN_AUTH'
        // Only the app-client probe (AUTH_PASSWORDLESS); sign-ins go through PasswordlessGateway.
        | 'USER_AUTH';
      ClientId: string;
      AuthParameters: Record<string, string>;
    };
    reply: AuthReply;
  };
  RespondToAuthChallenge: {
    request: {
      ClientId: string;
      ChallengeName: string;
      Session: string;
      ChallengeResponses: Record<string, string>;
    };
    reply: AuthReply;
  };
  RevokeToken: {
    request: { ClientId: string; Token: string };
    reply: Empty;
  };
  /**
   * Refresh with rotation. Takes the ClientSecret itself (added by
   * UserPoolClient), no SECRET_HASH and no username.
   */
  GetTokensFromRefreshToken: {
    request: { ClientId: string; RefreshToken: string };
    reply: AuthReply;
  };
  /** Revokes every refresh token of the user behind the access token. */
  GlobalSignOut: {
    request: { AccessToken: string };
    reply: Empty;
  };
  GetUser: {
    request: { AccessToken: string };
    reply: {
      Username: string;
      UserAttributes: AttributeList;
      PreferredMfaSetting?: string;
      UserMFASettingList?: string[];
    };
  };
  ChangePassword: {
    request: {
      AccessToken: string;
      PreviousPassword: string;
      ProposedPassword: string;
    };
    reply: Empty;
  };
  ForgotPassword: {
    request: { ClientId: string; Username: string };
    reply: CodeDelivery;
  };
  ConfirmForgotPassword: {
    request: {
      ClientId: string;
      Username: string;
      ConfirmationCode: string;
      Password: string;
    };
    reply: Empty;
  };
  AssociateSoftwareToken: {
    request: { AccessToken: string };
    reply: { SecretCode: string };
  };
  VerifySoftwareToken: {
    request: {
      AccessToken: string;
      UserCode: string;
      FriendlyDeviceName?: string;
    };
    reply: { Status: 'SUCCESS' | 'ERROR' };
  };
  SetUserMFAPreference: {
    request: {
      AccessToken: string;
      SoftwareTokenMfaSettings: { Enabled: boolean; PreferredMfa: boolean };
    };
    reply: Empty;
  };

  // Account self-service (access token) -------------------------------
  UpdateUserAttributes: {
    request: { AccessToken: string; UserAttributes: AttributeList };
    reply: { CodeDeliveryDetailsList?: { Destination?: string }[] };
  };
  VerifyUserAttribute: {
    request: { AccessToken: string; AttributeName: string; Code: string };
    reply: Empty;
  };
  DeleteUser: {
    request: { AccessToken: string };
    reply: Empty;
  };

  // Admin operations (server credentials, AdminClient) -----------------
  AdminCreateUser: {
    request: PoolUser & {
      UserAttributes: AttributeList;
      DesiredDeliveryMediums: 'EMAIL'[];
    };
    reply: { User: WireUser };
  };
  AdminGetUser: {
    request: PoolUser;
    reply: Omit<WireUser, 'Attributes'> & { UserAttributes?: AttributeList };
  };
  AdminDisableUser: { request: PoolUser; reply: Empty };
  AdminEnableUser: { request: PoolUser; reply: Empty };
  AdminDeleteUser: { request: PoolUser; reply: Empty };
  AdminUpdateUserAttributes: {
    request: PoolUser & { UserAttributes: AttributeList };
    reply: Empty;
  };
  AdminAddUserToGroup: {
    request: PoolUser & { GroupName: string };
    reply: Empty;
  };
  AdminRemoveUserFromGroup: {
    request: PoolUser & { GroupName: string };
    reply: Empty;
  };
  AdminListGroupsForUser: {
    request: PoolUser & { NextToken?: string };
    reply: { Groups?: { GroupName?: string }[]; NextToken?: string };
  };
  ListUsers: {
    request: {
      UserPoolId: string;
      Filter?: string;
      Limit?: number;
      PaginationToken?: string;
    };
    reply: { Users?: WireUser[]; PaginationToken?: string };
  };
  AdminUserGlobalSignOut: { request: PoolUser; reply: Empty };
}

/** Names one user of the pool, for the Admin* operations. */
interface PoolUser {
  UserPoolId: string;
  Username: string;
}

/** A user as AdminCreateUser and ListUsers describe it. */
export interface WireUser {
  Username: string;
  Attributes?: AttributeList;
  UserStatus?: string;
  Enabled?: boolean;
  UserCreateDate?: Date | number | string;
}

/** The operations sent through AdminClient (signed with server credentials). */
export const ADMIN_OPERATIONS = [
  'AdminCreateUser',
  'AdminGetUser',
  'AdminDisableUser',
  'AdminEnableUser',
  'AdminDeleteUser',
  'AdminUpdateUserAttributes',
  'AdminAddUserToGroup',
  'AdminRemoveUserFromGroup',
  'AdminListGroupsForUser',
  'ListUsers',
  'AdminUserGlobalSignOut',
] as const satisfies readonly (keyof UserPoolApi)[];
export type AdminOperation = (typeof ADMIN_OPERATIONS)[number];

/** The user-pool API operations the app sends. */
export type UserPoolOperation = keyof UserPoolApi;
export type RequestOf<O extends UserPoolOperation> = UserPoolApi[O]['request'];
export type ReplyOf<O extends UserPoolOperation> = UserPoolApi[O]['reply'];

/** Operations that take the app client's secret itself as `ClientSecret`. */
export const TAKES_CLIENT_SECRET: ReadonlySet<string> =
  new Set<UserPoolOperation>(['RevokeToken', 'GetTokensFromRefreshToken']);

/** Operations whose SECRET_HASH is the top-level `SecretHash` of `Username`. */
export const TOP_LEVEL_SECRET_HASH: ReadonlySet<string> =
  new Set<UserPoolOperation>([
    'SignUp',
    'ConfirmSignUp',
    'ResendConfirmationCode',
    'ForgotPassword',
    'ConfirmForgotPassword',
  ]);
