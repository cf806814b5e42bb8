import { cognitoError } from '../../test/support/cognito-stub.js';
import { mapCognitoError } from './cognito-errors.js';
import { GATEWAY_ERRORS } from './gateway-errors.js';
import type { GatewayMethod } from './cognito.gateway.js';

/** The sentence a method answers for a Cognito error name. */
const messageOf = (method: GatewayMethod, name: string): unknown =>
  mapCognitoError(GATEWAY_ERRORS[method], cognitoError(name)).messages;

describe('the sentences of the gateway error tables', () => {
  it.each([
    ['respondToChallenge', 'CodeMismatchException'],
    ['respondToChallenge', 'EnableSoftwareTokenMFAException'],
    ['verifySoftwareToken', 'CodeMismatchException'],
    ['setTotpPreference', 'EnableSoftwareTokenMFAException'],
  ] as const)(
    'answer a wrong authenticator code (%s + %s) about the code, not an email',
    (method, name) => {
      expect(messageOf(method, name)).toBe(
        'The code is not valid; enter the current code from the authenticator app.',
      );
    },
  );

  it.each([
    ['confirmSignUp', 'CodeMismatchException'],
    ['confirmForgotPassword', 'CodeMismatchException'],
    ['verifyEmail', 'CodeMismatchException'],
  ] as const)(
    'answer a wrong emailed code (%s + %s) about the code sent to the email',
    (method, name) => {
      expect(messageOf(method, name)).toBe(
        'The code is not valid for this email.',
      );
    },
  );
});
