import { HttpStatus } from '@nestjs/common';
import { ApiException } from '../common/errors/api-exception.js';
import type { SignInFlow } from '../config/cognito.config.js';
import { cognitoErrorName } from './cognito-errors.js';

/** A refusal of the app's configuration, with the change that cures it. */
export interface OperatorFault {
  /** What Cognito refused, in a few words. */
  fault: string;
  /** What an operator changes, naming the variable or the app client setting. */
  fix: string;
  /**
   * A SECRET_HASH mismatch: the secret is wrong, or the username the hash
   * names is (on refresh the request names it; the probe tells them apart).
   */
  hashMismatch?: true;
}

/** The app client and flow the app is configured with, for the sentences. */
export interface AppClientSetup {
  clientId: string;
  authFlow: SignInFlow;
}

/** The name that enables a flow on an app client, and the other flow the app can use. */
const ALTERNATIVE: Partial<Record<string, SignInFlow>> = {
  USER_PASSWORD_AUTH: 'USER_SRP_AUTH',
  USER_SRP_AUTH: 'USER_PASSWORD_AUTH',
};

/**
 * Cognito's answers that mean the app is configured wrongly rather than
 * that the user is: told apart by their message, since their names
 * (NotAuthorizedException, InvalidParameterException) also mean a wrong
 * password or a bad field. Cognito checks these before it looks at the
 * user, so they say nothing about any account.
 */
export function operatorFaultOf(
  error: unknown,
  setup: AppClientSetup,
): OperatorFault | undefined {
  const name = cognitoErrorName(error);
  const message = messageOf(error);
  const client = `app client ${setup.clientId}`;
  if (name === 'NotAuthorizedException') {
    if (/unable to verify secret hash/i.test(message)) {
      return {
        fault: 'Cognito refused the SECRET_HASH',
        fix: `AWS_COGNITO_CLIENT_SECRET does not match the secret of ${client}: set it to that client's secret`,
        hashMismatch: true,
      };
    }
    if (/configured (for|with) secret but/i.test(message)) {
      return {
        fault: 'Cognito expected a client secret and got none',
        fix: `${client} has a secret: set AWS_COGNITO_CLIENT_SECRET to it`,
      };
    }
  }
  if (
    (name === 'InvalidParameterException' ||
      name === 'NotAuthorizedException') &&
    /GetTokensFromRefreshToken|refresh token rotation/i.test(message)
  ) {
    return {
      fault:
        'Cognito refused REFRESH_TOKEN_AUTH: the client rotates refresh tokens',
      fix: `${client} rotates refresh tokens: set AWS_COGNITO_REFRESH_ROTATION=true`,
    };
  }
  if (name === 'InvalidParameterException') {
    const flow = /\b([A-Z_]+) flow not enabled/i.exec(message)?.[1];
    if (flow || /flow not enabled for this client/i.test(message)) {
      const disabled = flow ?? setup.authFlow;
      const other = ALTERNATIVE[disabled];
      return {
        fault: `${disabled} is not enabled on the app client`,
        fix:
          `enable ALLOW_${disabled} on ${client}` +
          (other ? ` or set AWS_COGNITO_AUTH_FLOW=${other}` : '') +
          // Passkeys and email codes (Cognito's choice-based sign-in).
          (disabled === 'USER_AUTH' ? ' or set AUTH_PASSWORDLESS=false' : ''),
      };
    }
  }
  return undefined;
}

/** The 500 an operator fault answers; its cause (logged, never sent) names the fix. */
export function operatorFaultAnswer(
  fault: OperatorFault,
  cause: unknown,
): ApiException {
  const described = new Error(`${fault.fault}: ${fault.fix}`, { cause });
  described.name = 'AppClientMisconfigured';
  return new ApiException(
    HttpStatus.INTERNAL_SERVER_ERROR,
    'INTERNAL',
    'Something went wrong; the error was logged.',
    { cause: described },
  );
}

function messageOf(error: unknown): string {
  if (error instanceof ApiException) return messageOf(error.cause);
  if (typeof error !== 'object' || error === null) return '';
  const { message } = error as { message?: unknown };
  return typeof message === 'string' ? message : '';
}
