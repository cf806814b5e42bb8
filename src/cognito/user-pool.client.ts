import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type ICognitoStorage,
} from 'amazon-cognito-identity-js';
import { createHmac } from 'node:crypto';
import { cognitoConfig, type CognitoConfig } from '../config/cognito.config.js';
import { Metrics } from '../metrics/metrics.js';
import { startCognitoCall } from './call-metrics.js';
import { CognitoPool } from './cognito-pool.js';
import {
  TAKES_CLIENT_SECRET,
  TOP_LEVEL_SECRET_HASH,
  type AuthReply,
  type ReplyOf,
  type RequestOf,
  type UserPoolOperation,
} from './user-pool.wire.js';

type Params = Record<string, unknown>;
type Callback = (error: unknown, data: unknown) => void;

/** The library's low-level client; not in its typings, but public and stable since v1. */
interface LowLevelClient {
  request(operation: string, params: Params, callback: Callback): void;
}

/** The library caches tokens per user in a process-wide store by default: not on a server. */
const NO_STORAGE: ICognitoStorage = {
  setItem: () => undefined,
  getItem: () => null,
  removeItem: () => undefined,
  clear: () => undefined,
};

/**
 * The user-pool API of amazon-cognito-identity-js, unauthenticated (the app
 * client's own calls). Every request, ours or one the library sends for
 * SRP, passes one interception point that adds SECRET_HASH (or the
 * ClientSecret) when the app client has a secret, bounds it in time and
 * (with METRICS_PORT) counts and times it.
 * It answers in Cognito's words and rejects with Cognito's errors: the
 * gateway (UserPoolGateway) maps both to the app's.
 *
 * Plain operations go through the pool's low-level client rather than
 * `CognitoUser.authenticateUser`, which computes SRP values (~75 ms of CPU)
 * even for USER_PASSWORD_AUTH; SRP itself is left to the library.
 */
@Injectable()
export class UserPoolClient {
  private readonly pool: CognitoUserPool;
  private readonly client: LowLevelClient;
  /** The app client rotates refresh tokens (AWS_COGNITO_REFRESH_ROTATION). */
  readonly rotatesRefreshTokens: boolean;

  /** AUTH_PASSWORDLESS: the app also signs in with USER_AUTH (the probe checks it). */
  readonly passwordless: boolean;

  constructor(
    private readonly connection: CognitoPool,
    @Inject(cognitoConfig.KEY) config: CognitoConfig,
    @Optional() metrics?: Metrics,
  ) {
    const { timeoutMs } = config;
    const measured = metrics?.enabled ? metrics : undefined;
    this.rotatesRefreshTokens = config.refreshRotation;
    this.passwordless = config.passwordless;
    this.pool = new CognitoUserPool({
      UserPoolId: connection.userPoolId,
      ClientId: connection.clientId,
      endpoint: connection.endpoint,
      Storage: NO_STORAGE,
    });
    this.client = (this.pool as unknown as { client: LowLevelClient }).client;
    const send = this.client.request.bind(this.client);
    this.client.request = (operation, params, callback) =>
      send(
        operation,
        this.withSecretHash(operation, params),
        withTimeout(
          operation,
          timeoutMs,
          measured ? timed(measured, operation, callback) : callback,
        ),
      );
  }

  get clientId(): string {
    return this.connection.clientId;
  }

  /** Whether the app client has a secret (then SECRET_HASH is required). */
  get hasSecret(): boolean {
    return Boolean(this.connection.clientSecret);
  }

  /**
   * SECRET_HASH for app clients with a secret: Base64(HMAC-SHA256(secret,
   * username + clientId)); undefined when the client has none.
   */
  secretHash(username: string): string | undefined {
    const secret = this.connection.clientSecret;
    if (!secret) return undefined;
    return createHmac('sha256', secret)
      .update(username + this.connection.clientId)
      .digest('base64');
  }

  /** Sends one operation; rejects with Cognito's (or the transport's) error. */
  send<O extends UserPoolOperation>(
    operation: O,
    params: RequestOf<O>,
  ): Promise<ReplyOf<O>> {
    return new Promise<ReplyOf<O>>((resolve, reject) => {
      this.client.request(operation, params as Params, (error, data) =>
        error ? reject(error) : resolve(data as ReplyOf<O>),
      );
    });
  }

  /**
   * USER_SRP_AUTH through the library (InitiateAuth with SRP_A, then the
   * PASSWORD_VERIFIER answer), normalised to InitiateAuth's answer.
   */
  authenticateSrp(username: string, password: string): Promise<AuthReply> {
    const user = new CognitoUser({
      Username: username,
      Pool: this.pool,
      Storage: NO_STORAGE,
    });
    user.setAuthenticationFlowType('USER_SRP_AUTH');
    return new Promise<AuthReply>((resolve, reject) => {
      // After InitiateAuth the library names the user by USER_ID_FOR_SRP.
      const challenge = (name: string) => (): void =>
        resolve({
          ChallengeName: name,
          Session: (user as unknown as { Session: string }).Session,
          ChallengeParameters: { USERNAME: user.getUsername() },
        });
      user.authenticateUser(
        new AuthenticationDetails({ Username: username, Password: password }),
        {
          onSuccess: (session) =>
            resolve({
              AuthenticationResult: {
                AccessToken: session.getAccessToken().getJwtToken(),
                IdToken: session.getIdToken().getJwtToken(),
                RefreshToken: session.getRefreshToken().getToken(),
              },
            }),
          onFailure: reject,
          newPasswordRequired: challenge('NEW_PASSWORD_REQUIRED'),
          totpRequired: challenge('SOFTWARE_TOKEN_MFA'),
          mfaRequired: challenge('SMS_MFA'),
          mfaSetup: challenge('MFA_SETUP'),
          selectMFAType: challenge('SELECT_MFA_TYPE'),
          customChallenge: challenge('CUSTOM_CHALLENGE'),
        },
      );
    });
  }

  /**
   * Adds SECRET_HASH where the operation takes one and the client has a
   * secret (RevokeToken and GetTokensFromRefreshToken take the secret
   * itself).
   */
  private withSecretHash(operation: string, params: Params): Params {
    if (!this.connection.clientSecret) return params;
    if (TAKES_CLIENT_SECRET.has(operation)) {
      return { ...params, ClientSecret: this.connection.clientSecret };
    }
    if (TOP_LEVEL_SECRET_HASH.has(operation)) {
      const username = params.Username;
      if (typeof username !== 'string' || params.SecretHash) return params;
      return { ...params, SecretHash: this.secretHash(username) };
    }
    const key =
      operation === 'InitiateAuth'
        ? 'AuthParameters'
        : operation === 'RespondToAuthChallenge'
          ? 'ChallengeResponses'
          : undefined;
    const nested = key ? (params[key] as Params | undefined) : undefined;
    if (!key || !nested || nested.SECRET_HASH) return params;
    const username = nested.USERNAME;
    if (typeof username !== 'string') return params;
    return {
      ...params,
      [key]: { ...nested, SECRET_HASH: this.secretHash(username) },
    };
  }
}

/** The callback, recording the call's outcome and duration first. */
function timed(
  metrics: Metrics,
  operation: string,
  callback: Callback,
): Callback {
  const ended = startCognitoCall(metrics, operation);
  return (error, data) => {
    ended(error);
    callback(error, data);
  };
}

/** Fails the call with TimeoutError when Cognito has not answered in time. */
function withTimeout(
  operation: string,
  timeoutMs: number,
  callback: Callback,
): Callback {
  let settled = false;
  const timer = setTimeout(() => {
    settled = true;
    const error = new Error(`${operation} took longer than ${timeoutMs} ms`);
    error.name = 'TimeoutError';
    callback(error, undefined);
  }, timeoutMs);
  return (error, data) => {
    clearTimeout(timer);
    if (settled) return;
    settled = true;
    callback(
      error instanceof TypeError ? unreadable(operation, error) : error,
      data,
    );
  };
}

/**
 * The library fails with a TypeError when an error answer has no JSON body
 * (a proxy's 502 page, a gateway timeout): Cognito could not be heard.
 */
function unreadable(operation: string, cause: TypeError): Error {
  const error = new Error(`${operation}: the answer could not be read`, {
    cause,
  });
  error.name = 'UnreadableResponseError';
  return error;
}
