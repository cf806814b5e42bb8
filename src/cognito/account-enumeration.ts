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
