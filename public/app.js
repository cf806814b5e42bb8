// The demo page: sign-up, confirmation, login (by password, passkey or
// emailed code, with their challenges), the Pokedex, the profile, passwords,
// logout. Cookie mode: the API keeps the tokens in HttpOnly cookies; this
// page never reads, keeps or stores one.
// It keeps only the access token's lifetime (expiresIn) to refresh in time.

import { ApiError, call } from './api.js';
import { createAccount } from './account.js';
import { byId, clearMessages, onClick, onSubmit, say, show } from './dom.js';
import { createPokedex } from './pokedex.js';
import {
  emailCodeSignIn,
  passkeySignIn,
  passkeysSupported,
  sendEmailCode,
} from './passwordless.js';
import { createReauth } from './reauth.js';
import { createRefresher } from './session-timer.js';
import { createSessions } from './sessions.js';

/**
 * Set while a session is believed open, so that a reload resumes it (one
 * refresh) and a first visit sends nothing that must fail. No token: "1".
 */
const SIGNED_IN = 'demo.signed-in';

const devOutbox =
  document.querySelector('meta[name="dev-outbox"]')?.content || '';
/** The API offers passkeys and email codes (AUTH_PASSWORDLESS). */
const passwordless =
  document.querySelector('meta[name="passwordless"]')?.content === 'on';
let challenge;
/** The EMAIL_OTP challenge waiting for its code: {email, session}. */
let emailCode;

const refresher = createRefresher({
  refresh: refresh,
  onExpired: () => leave('Your session has ended: log in again.', true),
  now: () => Date.now(),
  setTimer: (callback, ms) => setTimeout(() => callback(), ms),
  clearTimer: (timer) => clearTimeout(timer),
});

async function refresh() {
  const { body } = await call('POST', '/auth/refresh', {});
  return body.expiresIn;
}

/**
 * A call that needs the session: an answer 401 UNAUTHORIZED (the access
 * token expired while the tab slept, say) gets one refresh and one retry;
 * an answer 403 REAUTHENTICATION_REQUIRED (the change needs a recent
 * sign-in) asks the user to sign in again, then the call runs once more.
 */
async function guarded(method, path, body) {
  try {
    return await refreshing(method, path, body);
  } catch (error) {
    if (
      !(error instanceof ApiError) ||
      error.code !== 'REAUTHENTICATION_REQUIRED'
    )
      throw error;
    await reauth.ask();
    return refreshing(method, path, body);
  }
}

async function refreshing(method, path, body) {
  try {
    return await call(method, path, body);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'UNAUTHORIZED')
      throw error;
    let expiresIn;
    try {
      expiresIn = await refresh();
    } catch {
      leave('Your session has ended: log in again.', true);
      throw error;
    }
    refresher.start(expiresIn);
    return call(method, path, body);
  }
}

const pokedex = createPokedex((path) => guarded('GET', path));
const reauth = createReauth({
  passkeys: passwordless && passkeysSupported(),
  email: () => account.email,
  signedIn: (expiresIn) => refresher.start(expiresIn),
});
const account = createAccount({
  call: guarded,
  devOutbox,
  passwordless,
  ended: (text) => leave(text),
});
const sessions = createSessions({
  call: guarded,
  ended: (text) => leave(text),
});

async function enter(expiresIn) {
  localStorage.setItem(SIGNED_IN, '1');
  refresher.start(expiresIn);
  challenge = undefined;
  resetEmailCode();
  show(byId('challenge'), false);
  for (const form of document.querySelectorAll('#signed-out form'))
    form.reset();
  await account.reload();
  await sessions.reload();
  show(byId('signed-out'), false);
  show(byId('signed-in'));
  show(byId('whoami'));
  await pokedex.reload();
}

/** Back to the signed-out view (the API has ended the session, or will). */
function leave(text, isError = false) {
  localStorage.removeItem(SIGNED_IN);
  refresher.stop();
  reauth.clear();
  account.clear();
  sessions.clear();
  pokedex.clear();
  show(byId('signed-in'), false);
  show(byId('whoami'), false);
  show(byId('signed-out'));
  if (isError) {
    byId('status').textContent = '';
    byId('error').textContent = text;
  } else {
    say(text);
  }
  byId('login').elements.email.focus();
}

function outboxLink(email) {
  return `${devOutbox}?email=${encodeURIComponent(email)}`;
}

onSubmit(byId('signup'), async ({ name, email, password }) => {
  const { body } = await call('POST', '/auth/register', {
    name,
    email,
    password,
  });
  const confirm = byId('confirm');
  confirm.elements.email.value = email;
  if (devOutbox) byId('confirm-outbox').href = outboxLink(email);
  byId('signup').reset();
  confirm.elements.code.focus();
  say(
    `Account created. A confirmation code was sent to ${body.codeDeliveryDestination ?? email}.`,
  );
});

onSubmit(byId('confirm'), async ({ email, code }) => {
  await call('POST', '/auth/confirm-registration', { email, code });
  byId('confirm').reset();
  const login = byId('login');
  login.elements.email.value = email;
  login.elements.password.focus();
  say('Email confirmed: you can log in.');
});

onClick(byId('resend'), async () => {
  const email = byId('confirm').elements.email.value.trim();
  await call('POST', '/auth/resend-confirmation', { email });
  if (devOutbox) byId('confirm-outbox').href = outboxLink(email);
  say(
    `If ${email} has an account waiting for confirmation, a new code is on its way.`,
  );
});

onSubmit(byId('login'), async ({ email, password }) => {
  const { body } = await call('POST', '/auth/login', { email, password });
  byId('login').elements.password.value = '';
  await signedIn(email, body);
});

/**
 * After a first factor (`accepted` names it): a further challenge, or the
 * signed-in view.
 */
async function signedIn(email, body, accepted = 'Password accepted') {
  if (body.challenge) {
    askChallenge(email, body, accepted);
    return;
  }
  clearMessages();
  await enter(body.expiresIn);
}

function resetEmailCode() {
  emailCode = undefined;
  show(byId('email-code-field'), false);
  show(byId('email-code-submit'), false);
  show(byId('email-code-hint'), false);
}

/** The passwordless form's email; undefined (the browser says why) when it is not one. */
function passwordlessEmail() {
  const input = byId('passwordless').elements.email;
  if (!input.reportValidity()) return undefined;
  return input.value.trim();
}

onClick(byId('passkey-login'), async () => {
  const email = passwordlessEmail();
  if (!email) return;
  resetEmailCode();
  await signedIn(email, await passkeySignIn(email), 'Passkey accepted');
});

onClick(byId('email-code-send'), async () => {
  const email = passwordlessEmail();
  if (!email) return;
  const body = await sendEmailCode(email);
  emailCode = { email, session: body.session };
  const form = byId('passwordless');
  show(byId('email-code-field'));
  show(byId('email-code-submit'));
  if (devOutbox) {
    byId('email-code-outbox').href = outboxLink(email);
    show(byId('email-code-hint'));
  }
  form.elements.code.value = '';
  form.elements.code.focus();
  say(
    `If ${email} has an account, a sign-in code was sent to ${body.codeDeliveryDestination ?? email}.`,
  );
});

onSubmit(byId('passwordless'), async ({ email, code }) => {
  if (!emailCode) return;
  if (email !== emailCode.email) {
    resetEmailCode();
    say('The email changed: ask for a code for this one.');
    return;
  }
  const { session } = emailCode;
  // A session answers once, right or wrong: a new try needs a new code.
  resetEmailCode();
  const body = await emailCodeSignIn(email, session, code);
  await signedIn(email, body, 'Email code accepted');
});

function askChallenge(email, body, accepted) {
  challenge = { email, challenge: body.challenge, session: body.session };
  const totp = body.challenge === 'SOFTWARE_TOKEN_MFA';
  byId('challenge-title').textContent = totp
    ? 'Two-factor code'
    : 'New password required';
  byId('challenge-text').textContent = totp
    ? 'Enter the 6-digit code of your authenticator app.'
    : 'Your account has a temporary password: choose a new one.';
  show(byId('challenge-code'), totp);
  show(byId('challenge-password'), !totp);
  show(byId('challenge'));
  const form = byId('challenge');
  (totp ? form.elements.code : form.elements.newPassword).focus();
  say(
    totp
      ? `${accepted}: now the two-factor code.`
      : `${accepted}: now a new password.`,
  );
}

onSubmit(byId('challenge'), async ({ code, newPassword }) => {
  if (!challenge) return;
  const answer =
    challenge.challenge === 'SOFTWARE_TOKEN_MFA' ? { code } : { newPassword };
  const { body } = await call('POST', '/auth/challenge', {
    ...challenge,
    ...answer,
  });
  clearMessages();
  await enter(body.expiresIn);
});

onClick(byId('forgot-send'), async () => {
  const email = byId('forgot').elements.email.value.trim();
  await call('POST', '/auth/forgot-password', { email });
  say(`If ${email} has an account, a reset code is on its way.`);
});

onSubmit(byId('forgot'), async ({ email, code, newPassword }) => {
  await call('POST', '/auth/confirm-password', {
    email,
    confirmationCode: code,
    newPassword,
  });
  byId('forgot').reset();
  byId('login').elements.email.value = email;
  say('Password reset. Every session has ended: log in with the new password.');
});

onClick(byId('logout'), async () => {
  await guarded('POST', '/auth/logout', {});
  leave('Logged out.');
});

onClick(byId('logout-all'), async () => {
  await guarded('POST', '/auth/logout/all');
  leave('Logged out everywhere: every session of this account has ended.');
});

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') refresher.wake();
});

async function boot() {
  show(byId('passwordless'), passwordless);
  show(byId('passkey-login'), passkeysSupported());
  show(byId('confirm-hint'), Boolean(devOutbox));
  show(byId('forgot-hint'), Boolean(devOutbox));
  if (devOutbox) byId('confirm-outbox').href = devOutbox;
  if (localStorage.getItem(SIGNED_IN) === '1') {
    try {
      await enter(await refresh());
      return;
    } catch {
      localStorage.removeItem(SIGNED_IN);
    }
  }
  show(byId('signed-out'));
}

void boot();
