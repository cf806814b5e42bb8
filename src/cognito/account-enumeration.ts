import { cognitoErrorName } from './cognito-errors.js';
import type { AppClientSetup } from './operator-faults.js';
import { operatorFaultOf } from './operator-faults.js';

/**
 * Errors of ForgotPassword and ResendConfirmationCode that only an existing
 * (or only a missing) account can cause. The gateway resolves those two
 * calls for them as for a success, so that the routes' 202 never tells
 * whether an account exists. Cognito's per-account limit is among them:
 * the API's own per-email limit, which counts every email alike, answers
 * 429 instead.
 */
export const ANSWERED_AS_ACCEPTED: ReadonlySet<string> = new Set([
  'UserNotFoundException',
  'InvalidParameterException',
  'NotAuthorizedException',
  'UserNotConfirmedException',
  'LimitExceededException',
  'CodeDeliveryFailureException',
  'UserLambdaValidationException',
]);

/**
 * Whether `error` is to be answered as a success because it would tell
 * whether the account exists. A fault of the configuration comes before
 * the user is looked at: it tells nothing of the account, and must not
 * pass for a success.
 */
export function hiddenForEnumeration(
  error: unknown,
  setup: AppClientSetup,
): boolean {
  return (
    !operatorFaultOf(error, setup) &&
    ANSWERED_AS_ACCEPTED.has(cognitoErrorName(error) ?? '')
  );
}
