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
      AuthFlow: 'USER_PASSWORD_AUTH' | 'USER_SRP_AUTH' | 'REFRESH_TOKEN_AUTH';
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
}

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
