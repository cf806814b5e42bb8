import { HttpStatus } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { CognitoPool } from './cognito-pool.js';
import { cognitoErrorName, mapCognitoError } from './cognito-errors.js';
import type { AppClientStatus } from './cognito.types.js';
import { GATEWAY_ERRORS } from './gateway-errors.js';
import { operatorFaultOf, type AppClientSetup } from './operator-faults.js';
import type { UserPoolClient } from './user-pool.client.js';
import type { RequestOf } from './user-pool.wire.js';

/** Usernames of the probe (test doubles of the pool may recognise them). */
export const PROBE_USERNAME_PREFIX = 'app-client-probe-';

/**
 * Signs in a user that cannot exist, with the configured flow: Cognito
 * checks the client's secret and flows before it looks for the user, so
 * "no such user" or "wrong password" means the client is usable as
 * configured. With AUTH_PASSWORDLESS on, then the same with USER_AUTH (a
 * client without ALLOW_USER_AUTH is an operator fault). Never rejects.
 */
export async function probeAppClient(
  userPool: UserPoolClient,
  pool: CognitoPool,
): Promise<AppClientStatus> {
  const username = `${PROBE_USERNAME_PREFIX}${randomUUID()}@probe.invalid`;
  const configured = await probeFlow(userPool, pool, {
    AuthFlow: pool.authFlow,
    ClientId: userPool.clientId,
    AuthParameters:
      pool.authFlow === 'USER_SRP_AUTH'
        ? { USERNAME: username, SRP_A: randomBytes(384).toString('hex') }
        : { USERNAME: username, PASSWORD: randomUUID() },
  });
  if (configured.usable !== true || !userPool.passwordless) return configured;
  return probeFlow(userPool, pool, {
    AuthFlow: 'USER_AUTH',
    ClientId: userPool.clientId,
    AuthParameters: { USERNAME: username },
  });
}

async function probeFlow(
  userPool: UserPoolClient,
  pool: CognitoPool,
  request: RequestOf<'InitiateAuth'>,
): Promise<AppClientStatus> {
  try {
    await userPool.send('InitiateAuth', request);
    // A challenge for nobody: Cognito hides that the user does not exist.
    return { usable: true };
  } catch (error) {
    return probeOutcome(error, pool);
  }
}

/**
 * What the app-client probe's failure says of the client: a configuration
 * fault (with its fix), Cognito unreachable or throttling (unknown), or an
 * answer about the nonexistent user (usable).
 */
export function probeOutcome(
  error: unknown,
  setup: AppClientSetup,
): AppClientStatus {
  const fault = operatorFaultOf(error, setup);
  if (fault) return { usable: false, ...fault };
  const name = cognitoErrorName(error);
  if (name === 'Unsupported') {
    return {
      usable: false,
      fault: `the endpoint does not support ${setup.authFlow}`,
      fix: 'set AWS_COGNITO_AUTH_FLOW=USER_PASSWORD_AUTH (the emulator has no SRP)',
    };
  }
  const answer = mapCognitoError(GATEWAY_ERRORS.probeAppClient, error);
  // The configuration errors left to 500 (a wrong pool or client id, ...).
  if (answer.code === 'INTERNAL') {
    return {
      usable: false,
      fault: `Cognito refused the app client (${name ?? 'unknown error'})`,
      fix: 'check AWS_COGNITO_USER_POOL_ID and AWS_COGNITO_CLIENT_ID',
    };
  }
  const status = answer.getStatus();
  if (status >= 500 || status === HttpStatus.TOO_MANY_REQUESTS) {
    return { usable: 'unknown', reason: answer.code };
  }
  return { usable: true };
}

/** How long what is known of the app client is reused before a new probe. */
export const PROBE_TTL_MS = 30_000;

/**
 * What is known of the app client: from the last probe (reused for
 * PROBE_TTL_MS) or, sooner, from live traffic: a call refused for the
 * client's configuration shows it unusable at once, and a call Cognito
 * accepted shows it usable again, with no probe sent.
 */
export class AppClientKnowledge {
  private known?: { status: AppClientStatus; at: number };

  constructor(private readonly probe: () => Promise<AppClientStatus>) {}

  /** What a live call showed. */
  saw(status: AppClientStatus): void {
    this.known = { status, at: Date.now() };
  }

  async status(): Promise<AppClientStatus> {
    if (this.known && Date.now() - this.known.at < PROBE_TTL_MS) {
      return this.known.status;
    }
    const status = await this.probe();
    this.known =
      status.usable === 'unknown' ? undefined : { status, at: Date.now() };
    return status;
  }
}
