import { Injectable } from '@nestjs/common';
import { CognitoUserPool } from 'amazon-cognito-identity-js';
import { createHmac } from 'node:crypto';
import { CognitoConnection } from './cognito-connection.js';
import { mapCognitoError, type CognitoFlow } from './cognito-errors.js';

/** The Cognito user-pool API operations the app sends. */
export type CognitoOperation =
  | 'SignUp'
  | 'ConfirmSignUp'
  | 'ResendConfirmationCode'
  | 'InitiateAuth'
  | 'RespondToAuthChallenge'
  | 'ChangePassword'
  | 'ForgotPassword'
  | 'ConfirmForgotPassword'
  | 'GetUser'
  | 'RevokeToken'
  | 'AssociateSoftwareToken'
  | 'VerifySoftwareToken'
  | 'SetUserMFAPreference';

/** The library's low-level client; not in its typings, but public and stable since v1. */
interface LowLevelClient {
  request(
    operation: string,
    params: Record<string, unknown>,
    callback: (error: unknown, data: unknown) => void,
  ): void;
}

const TIMEOUT_MS = 5000;

/**
 * The one place that talks to Cognito (amazon-cognito-identity-js). Every
 * call is promisified, bounded in time, and its errors mapped per flow to the
 * API's answers; no SDK error object leaves this class except as `cause`.
 *
 * It sends operations through the pool's low-level client rather than
 * `CognitoUser.authenticateUser`, which computes SRP values (~75 ms of CPU)
 * even for USER_PASSWORD_AUTH, and which cannot send SECRET_HASH.
 */
@Injectable()
export class CognitoClient {
  readonly pool: CognitoUserPool;
  private readonly client: LowLevelClient;

  constructor(readonly connection: CognitoConnection) {
    this.pool = new CognitoUserPool({
      UserPoolId: connection.userPoolId,
      ClientId: connection.clientId,
      endpoint: connection.endpoint,
    });
    this.client = (this.pool as unknown as { client: LowLevelClient }).client;
  }

  get clientId(): string {
    return this.connection.clientId;
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

  /** Sends one operation; a failure is thrown as the flow's ApiException. */
  async send<T>(
    flow: CognitoFlow,
    operation: CognitoOperation,
    params: object,
  ): Promise<T> {
    try {
      return await this.request<T>(
        operation,
        params as Record<string, unknown>,
      );
    } catch (error) {
      throw mapCognitoError(flow, error);
    }
  }

  private request<T>(
    operation: CognitoOperation,
    params: Record<string, unknown>,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new Error(
          `${operation} took longer than ${TIMEOUT_MS} ms`,
        );
        error.name = 'TimeoutError';
        reject(error);
      }, TIMEOUT_MS);
      this.client.request(operation, params, (error, data) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(data as T);
      });
    });
  }
}
