/**
 * Errors of ForgotPassword and ResendConfirmationCode that only an existing
 * (or only a missing) account can cause. Those routes answer them with the
 * same 202 as a success, so that the answer never tells whether an account
 * exists. Cognito's per-account limit is among them: the API's own
 * per-email limit, which counts every email alike, answers 429 instead.
 */
export const ANSWERED_AS_ACCEPTED = new Set([
  'UserNotFoundException',
  'InvalidParameterException',
  'NotAuthorizedException',
  'UserNotConfirmedException',
  'LimitExceededException',
  'CodeDeliveryFailureException',
  'UserLambdaValidationException',
]);
