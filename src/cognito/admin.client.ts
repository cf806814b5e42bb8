import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationShutdown,
} from '@nestjs/common';
import * as sdk from '@aws-sdk/client-cognito-identity-provider';
import { cognitoConfig, type CognitoConfig } from '../config/cognito.config.js';
import { Metrics } from '../metrics/metrics.js';
import { startCognitoCall } from './call-metrics.js';
import { CognitoPool, isEmulatedPool } from './cognito-pool.js';
import type { AdminOperation, ReplyOf, RequestOf } from './user-pool.wire.js';

type Command = new (input: never) => sdk.$Command<never, never, never>;

/** The SDK command of each admin operation the app sends. */
const COMMANDS: Record<AdminOperation, Command> = {
  AdminCreateUser: sdk.AdminCreateUserCommand,
  AdminGetUser: sdk.AdminGetUserCommand,
  AdminDisableUser: sdk.AdminDisableUserCommand,
  AdminEnableUser: sdk.AdminEnableUserCommand,
  AdminDeleteUser: sdk.AdminDeleteUserCommand,
  AdminUpdateUserAttributes: sdk.AdminUpdateUserAttributesCommand,
  AdminAddUserToGroup: sdk.AdminAddUserToGroupCommand,
  AdminRemoveUserFromGroup: sdk.AdminRemoveUserFromGroupCommand,
  AdminListGroupsForUser: sdk.AdminListGroupsForUserCommand,
  ListUsers: sdk.ListUsersCommand,
  AdminUserGlobalSignOut: sdk.AdminUserGlobalSignOutCommand,
} as unknown as Record<AdminOperation, Command>;

/**
 * Cognito's Admin* operations through the AWS SDK, signed with the server's
 * AWS credentials (the SDK's standard chain). Against an emulator (embedded,
 * or at an http endpoint) the credentials are dummies: it checks none, and
 * the app stays usable offline. Same endpoint and region as the pool; one
 * attempt per call, bounded by AWS_COGNITO_TIMEOUT_MS like UserPoolClient.
 * Rejects with Cognito's errors (their `name`), or NetworkError /
 * TimeoutError when Cognito could not be heard.
 */
@Injectable()
export class AdminClient implements OnApplicationShutdown {
  private readonly client: sdk.CognitoIdentityProviderClient;
  private readonly metrics: Metrics | undefined;

  constructor(
    private readonly pool: CognitoPool,
    @Inject(cognitoConfig.KEY) config: CognitoConfig,
    @Optional() metrics?: Metrics,
  ) {
    this.metrics = metrics?.enabled ? metrics : undefined;
    const emulated = isEmulatedPool(pool);
    this.client = new sdk.CognitoIdentityProviderClient({
      region: pool.region,
      ...(pool.endpoint ? { endpoint: pool.endpoint } : {}),
      ...(emulated
        ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
      maxAttempts: 1,
      requestHandler: {
        requestTimeout: config.timeoutMs,
        connectionTimeout: config.timeoutMs,
      },
    });
  }

  get userPoolId(): string {
    return this.pool.userPoolId;
  }

  async send<O extends AdminOperation>(
    operation: O,
    params: RequestOf<O>,
  ): Promise<ReplyOf<O>> {
    const command = new COMMANDS[operation](params as never);
    const ended = this.metrics && startCognitoCall(this.metrics, operation);
    try {
      const reply = (await this.client.send(command)) as unknown as ReplyOf<O>;
      ended?.(undefined);
      return reply;
    } catch (error) {
      const failure = transportError(operation, error);
      ended?.(failure);
      throw failure;
    }
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }
}

/** An error Cognito did not answer with (no HTTP status): named as the gateway knows it. */
export function transportError(operation: string, error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const answered = (error as { $metadata?: { httpStatusCode?: number } })
    .$metadata?.httpStatusCode;
  if (answered !== undefined && error.name !== 'TimeoutError') return error;
  if (error.name === 'TimeoutError' || /timeout/i.test(error.message)) {
    return Object.assign(
      new Error(`${operation} timed out`, { cause: error }),
      {
        name: 'TimeoutError',
      },
    );
  }
  if (answered !== undefined) return error;
  return Object.assign(
    new Error(`${operation}: Cognito could not be reached`, { cause: error }),
    { name: 'NetworkError' },
  );
}
