// The signed-in user's own things: the profile (rename, email change with
// its code), two-factor login (TOTP on and off), passkeys and the password
// change.

import { busy, byId, onClick, onSubmit, say, show } from './dom.js';
import { addPasskey, passkeysSupported } from './passwordless.js';

/** How the profile names Cognito's sign-in factors. */
const FACTOR_NAMES = {
  PASSWORD: 'password',
  EMAIL_OTP: 'email code',
  WEB_AUTHN: 'passkey',
  SMS_OTP: 'text message code',
};

/**
 * `call(method, path, body)` is a guarded call (app.js: refresh once on
 * 401, sign in again on 403 REAUTHENTICATION_REQUIRED); `devOutbox` the dev
 * outbox's path in embedded mode; `passwordless` whether the API has
 * passkeys (AUTH_PASSWORDLESS); `ended(text)` leaves the session (the
 * password change ends every session).
 */
export function createAccount({ call, devOutbox, passwordless, ended }) {
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
    const factors = Array.isArray(me.factors) ? me.factors : [];
    byId('profile-factors').textContent = factors
      .map((factor) => FACTOR_NAMES[factor] ?? factor)
      .join(', ');
  };

  const renderPasskeys = (items) => {
    const list = byId('passkeys');
    list.replaceChildren(
      ...items.map((passkey) => {
        const item = document.createElement('li');
        const text = document.createElement('span');
        const name = document.createElement('strong');
        name.textContent = passkey.name || 'Passkey';
        const added = document.createElement('span');
        added.className = 'hint';
        added.textContent = ` added ${new Date(passkey.createdAt).toLocaleString()}`;
        text.append(name, added);
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.textContent = 'Remove';
        remove.addEventListener('click', () =>
          busy(remove, async () => {
            await call(
              'DELETE',
              `/auth/passkeys/${encodeURIComponent(passkey.id)}`,
            );
            await reload();
            say('Passkey removed.');
          }),
        );
        item.append(text, remove);
        return item;
      }),
    );
    show(byId('passkeys-empty'), items.length === 0);
  };

  const reload = async () => {
    const [me, passkeys] = await Promise.all([
      call('GET', '/auth/me'),
      passwordless ? call('GET', '/auth/passkeys') : undefined,
    ]);
    render(me.body);
    if (passkeys) renderPasskeys(passkeys.body.items);
  };

  show(byId('passkeys-card'), passwordless);
  show(byId('passkey-add'), passkeysSupported());
  show(byId('passkeys-unsupported'), !passkeysSupported());

  onClick(byId('passkey-add'), async () => {
    await addPasskey(call);
    await reload();
    say('Passkey added: you can sign in with it.');
  });

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
      byId('passkeys').replaceChildren();
      byId('profile-factors').textContent = '';
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
