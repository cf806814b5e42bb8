import type * as sdk from '@aws-sdk/client-cognito-identity-provider';
import { mapCognitoError } from './cognito-errors.js';
import type {
  Passkey,
  PasswordlessStep,
  WebAuthnJson,
} from './passwordless.types.js';
import { signInResultOf } from './user-pool.replies.js';
import type { AuthReply } from './user-pool.wire.js';

/*
 * PasswordlessGateway's replies in the app's words (as user-pool.replies.ts
 * is UserPoolGateway's): the gateway sends, these read what came back.
 */

/** InitiateAuth's or RespondToAuthChallenge's answer, in the app's words. */
export function stepOf(
  reply: sdk.InitiateAuthResponse | sdk.RespondToAuthChallengeResponse,
): PasswordlessStep {
  const parameters = reply.ChallengeParameters ?? {};
  const session = reply.Session ?? '';
  const username = parameters.USERNAME;
  const named = username ? { username } : {};
  switch (reply.ChallengeName) {
    case 'WEB_AUTHN':
      return {
        kind: 'webAuthn',
        session,
        ...named,
        options: parseOptions(parameters.CREDENTIAL_REQUEST_OPTIONS),
      };
    case 'EMAIL_OTP':
      return {
        kind: 'emailOtp',
        session,
        ...named,
        ...(parameters.CODE_DELIVERY_DESTINATION
          ? { codeDeliveryDestination: parameters.CODE_DELIVERY_DESTINATION }
          : {}),
      };
    case 'SELECT_CHALLENGE':
      return {
        kind: 'select',
        session,
        ...named,
        available:
          (reply as sdk.InitiateAuthResponse).AvailableChallenges ?? [],
      };
    default:
      return signInResultOf(reply as AuthReply);
  }
}

/** CREDENTIAL_REQUEST_OPTIONS is a JSON string; the options object is what a browser takes. */
function parseOptions(text: string | undefined): WebAuthnJson {
  try {
    const options: unknown = JSON.parse(text ?? '');
    if (typeof options === 'object' && options !== null) {
      return options as WebAuthnJson;
    }
  } catch {
    // Answered below.
  }
  // As an answer without a readable body: Cognito could not be heard.
  throw mapCognitoError(
    {},
    Object.assign(
      new Error(
        'WEB_AUTHN challenge without readable CREDENTIAL_REQUEST_OPTIONS',
      ),
      { name: 'UnreadableResponseError' },
    ),
  );
}

export function passkeyOf(
  credential: sdk.WebAuthnCredentialDescription,
): Passkey {
  const created = credential.CreatedAt;
  return {
    id: credential.CredentialId ?? '',
    name: credential.FriendlyCredentialName ?? '',
    createdAt: created ? new Date(created).toISOString() : '',
    relyingPartyId: credential.RelyingPartyId ?? '',
    ...(credential.AuthenticatorAttachment
      ? { authenticatorAttachment: credential.AuthenticatorAttachment }
      : {}),
    transports: credential.AuthenticatorTransports ?? [],
  };
}
