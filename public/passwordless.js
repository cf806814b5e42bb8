// Passkeys and email codes. The API passes Cognito's WebAuthn documents
// through as WebAuthn Level 3 JSON: the browser parses the options with
// PublicKeyCredential.parse*OptionsFromJSON and the API takes
// credential.toJSON() as it is. The tokens stay in the cookies.

import { call } from './api.js';

/** Whether this browser has passkeys and the Level 3 JSON helpers. */
export function passkeysSupported() {
  return (
    typeof PublicKeyCredential === 'function' &&
    typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function' &&
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function' &&
    Boolean(navigator.credentials)
  );
}

/**
 * A refusal the user sees, not a defect of the page (dom.js `fail` logs
 * none of these to the console).
 */
export class Notice extends Error {
  constructor(message) {
    super(message);
    this.name = 'Notice';
  }
}

/** The browser's part of a ceremony; its refusals as a sentence. */
async function ceremony(run) {
  try {
    return await run();
  } catch (error) {
    if (error?.name === 'NotAllowedError') {
      throw new Notice(
        'No passkey was used: the prompt was closed or timed out, or this device has no passkey for this account.',
      );
    }
    if (error?.name === 'InvalidStateError') {
      throw new Notice('This device already holds a passkey for this account.');
    }
    throw new Notice(
      `The browser refused the passkey: ${error?.message ?? String(error)}`,
    );
  }
}

/**
 * Signs in with a passkey: the API's request options, the browser's
 * assertion, the API's answer to it (tokens in the cookies, or a further
 * challenge such as SOFTWARE_TOKEN_MFA).
 */
export async function passkeySignIn(email) {
  const { body } = await call('POST', '/auth/login/passwordless', {
    email,
    method: 'WEB_AUTHN',
  });
  const credential = await ceremony(() =>
    navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(body.options),
    }),
  );
  return (
    await call('POST', '/auth/challenge', {
      email,
      challenge: 'WEB_AUTHN',
      session: body.session,
      credential: credential.toJSON(),
    })
  ).body;
}

/** Asks the API to email a sign-in code: {challenge, session, codeDeliveryDestination}. */
export async function sendEmailCode(email) {
  return (
    await call('POST', '/auth/login/passwordless', {
      email,
      method: 'EMAIL_OTP',
    })
  ).body;
}

/** Answers an EMAIL_OTP challenge with the code the user got. */
export async function emailCodeSignIn(email, session, code) {
  return (
    await call('POST', '/auth/challenge', {
      email,
      challenge: 'EMAIL_OTP',
      session,
      code,
    })
  ).body;
}

/**
 * Registers a passkey of this device. `guarded` is the page's call for
 * the signed-in user (refresh on 401, sign in again on 403
 * REAUTHENTICATION_REQUIRED, then retry).
 */
export async function addPasskey(guarded) {
  const { options } = (await guarded('POST', '/auth/passkeys/options', {}))
    .body;
  const credential = await ceremony(() =>
    navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
    }),
  );
  return (
    await guarded('POST', '/auth/passkeys', {
      credential: credential.toJSON(),
    })
  ).body;
}
