// The signed-in user's own things: the profile (rename, email change with
// its code), two-factor login (TOTP on and off) and the password change.

import { byId, onClick, onSubmit, say, show } from './dom.js';

/**
 * `call(method, path, body)` is a guarded call (app.js: refresh once on
 * 401); `devOutbox` the dev outbox's path in embedded mode; `ended(text)`
 * leaves the session (the password change ends every session).
 */
export function createAccount({ call, devOutbox, ended }) {
  let profile;

  const render = (me) => {
    profile = me;
    byId('signed-in-as').textContent = `Signed in as ${me.name || me.email}`;
    byId('profile-name').textContent = me.name ?? '';
    byId('profile-email').textContent =
      `${me.email}${me.emailVerified ? ' (verified)' : ''}`;
    const totp = me.mfa?.totp;
    byId('profile-totp').textContent = totp ? 'on' : 'off';
    show(byId('totp-setup'), totp === false);
    show(byId('totp-off'), totp === true);
    if (totp) show(byId('totp-verify'), false);
  };

  const reload = async () => render((await call('GET', '/auth/me')).body);

  onSubmit(byId('rename'), async ({ name }) => {
    render((await call('PATCH', '/auth/me', { name })).body);
    byId('rename').reset();
    say(`Your name is now ${name}.`);
  });

  onSubmit(byId('email'), async ({ email }) => {
    const answer = await call('PATCH', '/auth/me', { email });
    const to = answer.body?.codeDeliveryDestination ?? email;
    byId('email').reset();
    show(byId('email-verify'));
    show(byId('email-hint'), Boolean(devOutbox));
    byId('email-verify').elements.code.focus();
    say(`A code was sent to ${to}: enter it to verify the new email.`);
  });

  onSubmit(byId('email-verify'), async ({ code }) => {
    render((await call('POST', '/auth/me/email/verify', { code })).body);
    byId('email-verify').reset();
    show(byId('email-verify'), false);
    say(`Your email is now ${profile.email}.`);
  });

  onClick(byId('totp-setup'), async () => {
    const { secretCode, otpauthUri } = (
      await call('POST', '/auth/mfa/totp/setup')
    ).body;
    byId('totp-secret').textContent = secretCode;
    byId('totp-uri').textContent = otpauthUri;
    show(byId('totp-setup'), false);
    show(byId('totp-verify'));
    byId('totp-verify').elements.code.focus();
    say('Add the key to your authenticator app, then enter its code.');
  });

  onSubmit(byId('totp-verify'), async ({ code }) => {
    await call('POST', '/auth/mfa/totp/verify', { code });
    byId('totp-verify').reset();
    byId('totp-secret').textContent = '';
    byId('totp-uri').textContent = '';
    await reload();
    say('Two-factor login is on: from now on, login asks for a code.');
  });

  onSubmit(byId('totp-off'), async ({ code }) => {
    await call('DELETE', '/auth/mfa/totp', { code });
    byId('totp-off').reset();
    await reload();
    say('Two-factor login is off.');
  });

  onSubmit(byId('password'), async ({ currentPassword, newPassword }) => {
    await call('POST', '/auth/change-password', {
      email: profile.email,
      currentPassword,
      newPassword,
    });
    byId('password').reset();
    ended(
      'Password changed. Every session has ended: log in with the new password.',
    );
  });

  return {
    reload,
    get email() {
      return profile?.email;
    },
    clear() {
      profile = undefined;
      for (const id of [
        'totp-verify',
        'email-verify',
        'totp-off',
        'totp-setup',
      ])
        show(byId(id), false);
    },
  };
}
