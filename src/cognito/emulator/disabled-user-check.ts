import { Logger } from '@nestjs/common';
import type { AdminGateway } from '../admin.gateway.js';
import { isEmulatedPool, type CognitoPool } from '../cognito-pool.js';
import type { GatewayMethod } from '../cognito.gateway.js';
import type { SignInResult } from '../cognito.types.js';
import type { GatewayFailures } from '../gateway-failures.js';

/** What the emulator said of a user being enabled, or why it could not say. */
export type EnabledCheck = { enabled: boolean } | { error: unknown };

/**
 * cognito-local logs disabled users in. The embedded emulator refuses
 * them itself, as Cognito does (password-sign-in.cjs); against an emulator
 * run elsewhere (an http endpoint) a sign-in that gave tokens is refused
 * here as Cognito refuses a disabled user (NotAuthorizedException "User is
 * disabled."). The AdminGetUser (by the email, an alias of the username in
 * an email-as-username pool) is sent beside the sign-in, so that a login
 * waits for the slower of the two, not for both. Real Cognito and the
 * embedded emulator need no check. Start it with `start`, judge with
 * `judge`.
 */
export class DisabledUserCheck {
  private readonly logger = new Logger('UserPoolGateway');

  constructor(
    private readonly pool: CognitoPool,
    private readonly admin: AdminGateway,
    private readonly failures: GatewayFailures<GatewayMethod>,
  ) {}

  start(email: string): Promise<EnabledCheck> | undefined {
    if (!isEmulatedPool(this.pool) || this.pool.mode === 'embedded')
      return undefined;
    if (!this.admin.configured) return undefined;
    return this.admin.adminGetUser(email).then(
      (user): EnabledCheck => ({ enabled: user.enabled }),
      (error: unknown): EnabledCheck => ({ error }),
    );
  }

  /** If the check failed, the login stands (logged: only for a sign-in that gave tokens). */
  async judge(
    result: SignInResult,
    check: Promise<EnabledCheck> | undefined,
  ): Promise<SignInResult> {
    if (!check || result.kind !== 'tokens') return result;
    const answer = await check;
    if ('error' in answer) {
      this.logger.warn(
        `Could not check whether the user is disabled (${String(answer.error)})`,
      );
      return result;
    }
    if (answer.enabled) return result;
    throw this.failures.answer(
      'passwordAuth',
      Object.assign(new Error('User is disabled.'), {
        name: 'NotAuthorizedException',
      }),
    );
  }
}
