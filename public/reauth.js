// Signing in again when the API answers 403 REAUTHENTICATION_REQUIRED (a
// passkey, two-factor or email change needs a recent sign-in): the page
// asks for the password (and the authenticator code when two-factor login
// is on) or a passkey, signs in, and the action that was refused runs again.

import { call } from './api.js';
import { byId, onClick, onSubmit, say, show } from './dom.js';
import { Notice, passkeySignIn } from './passwordless.js';

/**
 * `email()` is the signed-in user's email; `signedIn(expiresIn)` starts the
 * new session's refresh timer; `passkeys` offers a passkey too.
 */
export function createReauth({ email, signedIn, passkeys }) {
  const form = byId('reauth');
  let pending;
  let challenge;

  const reset = () => {
    challenge = undefined;
    form.reset();
    show(byId('reauth-password'));
    show(byId('reauth-code'), false);
    show(form, false);
  };

  const finish = (body) => {
    if (body.challenge === 'SOFTWARE_TOKEN_MFA') {
      challenge = { challenge: body.challenge, session: body.session };
      show(byId('reauth-password'), false);
      show(byId('reauth-code'));
      form.elements.code.focus();
      say('Password accepted: now the two-factor code.');
      return;
    }
    if (body.challenge) {
      throw new Notice('This account must be signed in again from the start.');
    }
    signedIn(body.expiresIn);
    const done = pending;
    pending = undefined;
    reset();
    say('Signed in again.');
    done?.resolve();
  };

  onSubmit(form, async ({ password, code }) => {
    if (challenge) {
      finish(
        (
          await call('POST', '/auth/challenge', {
            email: email(),
            ...challenge,
            code,
          })
        ).body,
      );
      return;
    }
    finish(
      (await call('POST', '/auth/login', { email: email(), password })).body,
    );
  });

  onClick(byId('reauth-passkey'), async () => {
    finish(await passkeySignIn(email()));
  });

  onClick(byId('reauth-cancel'), async () => {
    const done = pending;
    pending = undefined;
    reset();
    done?.reject(new Notice('Nothing changed: that needs a recent sign-in.'));
  });

  return {
    /** Resolves once the user has signed in again; rejects if they cancel. */
    ask() {
      pending?.reject(
        new Notice('Nothing changed: that needs a recent sign-in.'),
      );
      reset();
      show(byId('reauth-passkey'), passkeys);
      show(form);
      form.elements.password.focus();
      say('That needs a recent sign-in: sign in again to go on.');
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
      });
    },
    clear() {
      const done = pending;
      pending = undefined;
      reset();
      done?.reject(new Notice('Signed out.'));
    },
  };
}
