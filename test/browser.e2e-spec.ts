import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startApp, type TestApp } from './support/app.js';
import {
  JWT,
  launchChromium,
  PageWatch,
  scriptReadable,
  tokenCookies,
} from './support/browser.js';
import { Http } from './support/http.js';
import {
  confirmedUser,
  lastCode,
  login as signIn,
  newEmail,
  PASSWORD,
} from './support/users.js';

/** The app client's access and ID token lifetime here: short, so that the page must refresh. */
const LIFETIME_SECONDS = 30;

/**
 * An emulator data folder provisioned as the app would do it, except that
 * its app client issues 30-second access and ID tokens (cognito-local
 * honours AccessTokenValidity and TokenValidityUnits).
 */
async function shortLivedPool(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognito-local-browser-'));
  const state = { userPoolId: 'local_browserw', clientId: 'browserwalkclient' };
  await writeFile(join(dataDir, 'embedded.json'), JSON.stringify(state));
  const db = join(dataDir, '.cognito', 'db');
  await mkdir(db, { recursive: true });
  const client = {
    ClientId: state.clientId,
    ClientName: 'nest-cognito-auth',
    UserPoolId: state.userPoolId,
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    AccessTokenValidity: LIFETIME_SECONDS,
    IdTokenValidity: LIFETIME_SECONDS,
    TokenValidityUnits: { AccessToken: 'seconds', IdToken: 'seconds' },
  };
  await writeFile(
    join(db, 'clients.json'),
    JSON.stringify({ Clients: { [state.clientId]: client } }),
  );
  return dataDir;
}

/**
 * Waits until the locator's text is `text` (the page answers
 * asynchronously); on failure, says what the page's alert region shows.
 */
async function shows(locator: Locator, text: string | RegExp): Promise<void> {
  const poll = expect.poll(async () => (await locator.textContent())?.trim(), {
    timeout: 15_000,
  });
  try {
    await (typeof text === 'string' ? poll.toBe(text) : poll.toMatch(text));
  } catch (error) {
    const alert = await locator.page().locator('#error').textContent();
    throw new Error(
      `${String(error)} (the page's alert: ${JSON.stringify(alert)})`,
    );
  }
}

/**
 * The page fits its viewport: no horizontal scroll, and every visible
 * button lies wholly inside the viewport's width (none clipped or pushed
 * off to the side).
 */
async function holds(page: Page, where: string): Promise<void> {
  // A string, run in the page (this project's types have no DOM).
  const { scrollWidth, clientWidth, outside } = await page.evaluate<{
    scrollWidth: number;
    clientWidth: number;
    outside: string[];
  }>(`(() => {
    const root = document.scrollingElement;
    const width = document.documentElement.clientWidth;
    const outside = [...document.querySelectorAll('button')]
      .filter((button) => button.getClientRects().length > 0)
      .map((button) => ({
        text: button.textContent.trim(),
        box: button.getBoundingClientRect(),
      }))
      .filter(({ box }) => box.left < 0 || box.right > width)
      .map(({ text, box }) => text + ' [' + box.left + ', ' + box.right + ']');
    return {
      scrollWidth: root.scrollWidth,
      clientWidth: root.clientWidth,
      outside,
    };
  })()`);
  expect(scrollWidth, `${where}: scrollWidth`).toBeLessThanOrEqual(clientWidth);
  expect(outside, `${where}: buttons outside the viewport`).toEqual([]);
}

/** The names on the Pokedex cards, in order. */
async function cardNames(page: Page): Promise<string[]> {
  return page
    .getByRole('list', { name: 'Pokemon' })
    .getByRole('heading', { level: 3 })
    .allTextContents();
}

/** Nothing a script can read holds a token, and the tokens are HttpOnly cookies. */
async function noReadableToken(
  page: Page,
  context: BrowserContext,
): Promise<void> {
  const cookies = await tokenCookies(context);
  expect(cookies.length).toBeGreaterThanOrEqual(2);
  for (const cookie of cookies) {
    expect(cookie, cookie.name).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
  }
  const readable = await scriptReadable(page);
  for (const value of readable) {
    expect(value).not.toMatch(JWT);
    for (const cookie of cookies) expect(value).not.toContain(cookie.value);
  }
}

describe('The demo page in chromium (cookie mode)', () => {
  let dataDir: string;
  let app: TestApp;
  let http: Http;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = await shortLivedPool();
    app = await startApp({ JWT_CLOCK_SKEW_SECONDS: '0' }, { dataDir });
    http = new Http(app.url);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('walks sign-up, confirmation, login, a search, the profile and logout, refreshing in time, with no token readable by scripts', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    const watch = new PageWatch(page, 'walk');
    const email = newEmail('browser');
    const status = page.getByRole('status', { includeHidden: true });
    const alert = page.getByRole('alert', { includeHidden: true });

    await page.goto(`${app.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Pokedex' }).waitFor();
    const confirm = page.getByRole('form', { name: 'Confirm your email' });
    await confirm.getByRole('link', { name: 'dev outbox' }).waitFor();
    await watch.shot('start');

    const signUp = page.getByRole('form', { name: 'Sign up' });
    await signUp.getByLabel('Name').fill('Ash');
    await signUp.getByLabel('Email').fill(email);
    await signUp.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await signUp.getByRole('button', { name: 'Sign up' }).click();
    await shows(status, /^Account created\. A confirmation code was sent to /);
    await watch.shot('signed-up');

    // The hint's link is the dev outbox for this address: the code is there.
    const outboxLink = confirm.getByRole('link', { name: 'dev outbox' });
    expect(await outboxLink.getAttribute('href')).toBe(
      `/api/v1/dev/outbox?email=${encodeURIComponent(email)}`,
    );
    const outbox = await context.newPage();
    await outbox.goto(`${app.url}${await outboxLink.getAttribute('href')}`);
    const messages = JSON.parse(await outbox.locator('body').innerText()) as {
      kind: string;
      code: string;
    }[];
    await outbox.close();
    const code = messages.filter((m) => m.kind === 'SignUp').pop()!.code;
    expect(await confirm.getByLabel('Email').inputValue()).toBe(email);
    await confirm.getByLabel('Confirmation code').fill(code);
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await shows(status, 'Email confirmed: you can log in.');

    // An error of the API is shown with its own message.
    const login = page.getByRole('form', { name: 'Log in' });
    expect(await login.getByLabel('Email').inputValue()).toBe(email);
    await login.getByLabel('Password').fill('Wrong-Passw0rd!');
    await login.getByRole('button', { name: 'Log in' }).click();
    await shows(alert, 'Incorrect email or password.');
    watch.expectFailedLoad(401, '/api/v1/auth/login');
    await watch.shot('refused');

    await login.getByLabel('Password').fill(PASSWORD);
    await login.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 2, name: 'Pokemon' }).waitFor();
    const loginAt = watch.answers.find(
      (a) => a.path === '/api/v1/auth/login' && a.status === 200,
    )!.at;
    await shows(page.getByText(/^Signed in as /), 'Signed in as Ash');
    await shows(page.locator('#dex-count'), '1025 Pokemon found.');
    await shows(page.locator('#page-info'), 'Page 1 of 43');
    expect((await cardNames(page)).slice(0, 3)).toEqual([
      'Bulbasaur',
      'Ivysaur',
      'Venusaur',
    ]);
    expect(
      await page
        .getByRole('list', { name: 'Pokemon' })
        .getByRole('listitem')
        .count(),
    ).toBe(24);
    expect(await alert.textContent()).toBe('');
    await noReadableToken(page, context);
    await watch.shot('signed-in');

    const filters = page.getByRole('form', { name: 'Search the Pokedex' });
    await filters.getByLabel('Name').fill('char');
    await filters.getByLabel('Type').selectOption({ label: 'Fire' });
    await filters
      .getByLabel('Generation')
      .selectOption({ label: 'Generation 1' });
    await filters.getByRole('button', { name: 'Search' }).click();
    await shows(page.locator('#dex-count'), '3 Pokemon found.');
    expect(await cardNames(page)).toEqual([
      'Charmander',
      'Charmeleon',
      'Charizard',
    ]);
    await watch.shot('search');

    await filters.getByLabel('Name').fill('');
    await filters.getByLabel('Type').selectOption({ label: 'Any type' });
    await filters
      .getByLabel('Generation')
      .selectOption({ label: 'Any generation' });
    await filters.getByRole('button', { name: 'Search' }).click();
    await shows(page.locator('#dex-count'), '1025 Pokemon found.');
    await page.getByRole('button', { name: 'Next page' }).click();
    await shows(page.locator('#page-info'), 'Page 2 of 43');
    expect((await cardNames(page))[0]).toBe('Pikachu');

    const rename = page.getByRole('form', { name: 'Rename' });
    await rename.getByLabel('New name').fill('Ash Ketchum');
    await rename.getByRole('button', { name: 'Save the name' }).click();
    await shows(status, 'Your name is now Ash Ketchum.');
    await shows(page.getByText(/^Signed in as /), 'Signed in as Ash Ketchum');
    await shows(page.locator('#profile-email'), email);
    await watch.shot('profile');

    // The page refreshed before the first access token expired, so a call
    // made after that expiry still passes (no 401 anywhere).
    await expect
      .poll(
        () => watch.answers.some((a) => a.path === '/api/v1/auth/refresh'),
        {
          timeout: LIFETIME_SECONDS * 1000,
        },
      )
      .toBe(true);
    const refreshed = watch.answers.find(
      (a) => a.path === '/api/v1/auth/refresh',
    )!;
    expect(refreshed.status).toBe(200);
    expect(refreshed.at).toBeLessThan(loginAt + LIFETIME_SECONDS * 1000);
    await page.waitForTimeout(
      Math.max(0, loginAt + (LIFETIME_SECONDS + 1) * 1000 - Date.now()),
    );
    await page.getByRole('button', { name: 'Previous page' }).click();
    await shows(page.locator('#page-info'), 'Page 1 of 43');
    expect((await cardNames(page))[0]).toBe('Bulbasaur');
    await noReadableToken(page, context);

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await shows(status, 'Logged out.');
    await login.waitFor();
    expect(await tokenCookies(context)).toEqual([]);
    await page.reload();
    await login.waitFor();
    expect(await page.getByRole('heading', { name: 'Pokemon' }).count()).toBe(
      0,
    );
    expect(await scriptReadable(page)).toEqual(['']);
    await watch.shot('logged-out');

    expect(watch.errors).toEqual([]);
    expect(watch.failedAnswers()).toEqual([]);
    await context.close();
  }, 120_000);

  it('turns two-factor login on, logs in with its code after the password and after an email code, turns it off, changes the email, changes and resets the password, and logs out everywhere', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    const watch = new PageWatch(page, 'account');
    const email = await confirmedUser(http, newEmail('browser'));
    const status = page.getByRole('status', { includeHidden: true });
    const login = page.getByRole('form', { name: 'Log in' });
    const logIn = async (address: string, password: string) => {
      await login.getByLabel('Email').fill(address);
      await login.getByLabel('Password').fill(password);
      await login.getByRole('button', { name: 'Log in' }).click();
    };
    let secret = '';
    const authenticator = () => generate({ secret });

    await page.goto(`${app.url}/`);
    await logIn(email, PASSWORD);
    await page.getByRole('heading', { level: 2, name: 'Pokemon' }).waitFor();
    await shows(page.locator('#profile-totp'), 'off');

    await page
      .getByRole('button', { name: 'Turn on two-factor login' })
      .click();
    const enrol = page.getByRole('form', { name: 'Turn on two-factor login' });
    await enrol.waitFor();
    secret = (await page.locator('#totp-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(await page.locator('#totp-uri').textContent()).toContain(
      `secret=${secret}`,
    );
    await watch.shot('totp-setup');
    await enrol.getByLabel('Authenticator code').fill(await authenticator());
    await enrol
      .getByRole('button', { name: 'Confirm two-factor login' })
      .click();
    await shows(
      status,
      'Two-factor login is on: from now on, login asks for a code.',
    );
    await shows(page.locator('#profile-totp'), 'on');

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await shows(status, 'Logged out.');
    await logIn(email, PASSWORD);
    const challenge = page.getByRole('form', { name: 'Two-factor code' });
    await challenge.waitFor();
    await shows(status, 'Password accepted: now the two-factor code.');
    await watch.shot('challenge');
    await challenge
      .getByLabel('Authenticator code')
      .fill(await authenticator());
    await challenge.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 2, name: 'Pokemon' }).waitFor();
    await noReadableToken(page, context);

    // An email code alone does not get past two-factor login: the
    // authenticator code follows it, on the same form as after a password.
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await shows(status, 'Logged out.');
    const passwordless = page.getByRole('form', {
      name: 'Sign in without a password',
    });
    await passwordless.getByLabel('Email', { exact: true }).fill(email);
    await passwordless.getByRole('button', { name: 'Email me a code' }).click();
    await passwordless.getByLabel('Email code').waitFor();
    await passwordless
      .getByLabel('Email code')
      .fill(await lastCode(http, email, 'EMAIL_OTP'));
    await passwordless
      .getByRole('button', { name: 'Sign in with the code' })
      .click();
    await challenge.waitFor();
    await shows(status, 'Email code accepted: now the two-factor code.');
    expect(await page.getByRole('heading', { name: 'Pokemon' }).count()).toBe(
      0,
    );
    await watch.shot('email-code-then-totp');
    await challenge
      .getByLabel('Authenticator code')
      .fill(await authenticator());
    await challenge.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 2, name: 'Pokemon' }).waitFor();
    await noReadableToken(page, context);

    // Off again: the password change signs in with the password, and
    // Cognito would ask for the code first.
    const off = page.getByRole('form', { name: 'Turn off two-factor login' });
    await off.getByLabel('Authenticator code').fill(await authenticator());
    await off
      .getByRole('button', { name: 'Turn off two-factor login' })
      .click();
    await shows(status, 'Two-factor login is off.');
    await shows(page.locator('#profile-totp'), 'off');

    const moved = newEmail('moved');
    const change = page.getByRole('form', { name: 'Change the email' });
    await change.getByLabel('New email').fill(moved);
    await change.getByRole('button', { name: 'Change the email' }).click();
    const verify = page.getByRole('form', { name: 'Verify the new email' });
    await verify.waitFor();
    await shows(
      status,
      /^A code was sent to .+: enter it to verify the new email\.$/,
    );
    await verify
      .getByLabel('Email code')
      .fill(await lastCode(http, moved, 'UpdateUserAttribute'));
    await verify.getByRole('button', { name: 'Verify the email' }).click();
    await shows(status, `Your email is now ${moved}.`);
    await shows(
      page.locator('#profile-email'),
      new RegExp(`^${moved.replace(/\./g, '\\.')}`),
    );

    const password = page.getByRole('form', { name: 'Change the password' });
    await password.getByLabel('Current password').fill(PASSWORD);
    await password.getByLabel('New password').fill('N3w-Passw0rd!');
    await password.getByRole('button', { name: 'Change the password' }).click();
    await shows(
      status,
      'Password changed. Every session has ended: log in with the new password.',
    );
    await login.waitFor();

    const reset = page.getByRole('form', { name: 'Reset the password' });
    await reset.getByLabel('Email').fill(moved);
    await reset.getByRole('button', { name: 'Send a reset code' }).click();
    await shows(
      status,
      `If ${moved} has an account, a reset code is on its way.`,
    );
    await reset
      .getByLabel('Reset code')
      .fill(await lastCode(http, moved, 'ForgotPassword'));
    await reset.getByLabel('New password').fill('R3set-Passw0rd!');
    await reset.getByRole('button', { name: 'Reset the password' }).click();
    await shows(
      status,
      'Password reset. Every session has ended: log in with the new password.',
    );
    await watch.shot('reset');

    await logIn(moved, 'R3set-Passw0rd!');
    await page.getByRole('heading', { level: 2, name: 'Pokemon' }).waitFor();

    await page.getByRole('button', { name: 'Log out everywhere' }).click();
    await shows(
      status,
      'Logged out everywhere: every session of this account has ended.',
    );
    await login.waitFor();
    expect(await tokenCookies(context)).toEqual([]);
    await watch.shot('logged-out-everywhere');

    expect(watch.errors).toEqual([]);
    expect(watch.failedAnswers()).toEqual([]);
    await context.close();
  }, 120_000);

  it('holds at 390 px wide and with a 254-character email: no sideways scroll, no control outside the viewport', async () => {
    // 64 + 1 + 189 = 254 characters, the most an address may have.
    const domain = `${'d'.repeat(61)}.${'e'.repeat(61)}.${'f'.repeat(61)}.com`;
    const email = `${newEmail('narrow').split('@')[0].padEnd(64, 'x')}@${domain}`;
    expect(email).toHaveLength(254);
    await confirmedUser(http, email);

    for (const width of [390, 1280]) {
      const context = await browser.newContext({
        viewport: { width, height: 844 },
      });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
        },
      });
      const watch = new PageWatch(page, `narrow-${width}`);
      // localhost: the relying party id, for the passkey added below.
      await page.goto(`${app.url.replace('://127.0.0.1:', '://localhost:')}/`);
      await page.getByRole('form', { name: 'Log in' }).waitFor();
      await holds(page, `signed out at ${width} px`);
      await watch.shot('signed-out');

      const passwordless = page.getByRole('form', {
        name: 'Sign in without a password',
      });
      await passwordless.getByLabel('Email', { exact: true }).fill(email);
      await passwordless
        .getByRole('button', { name: 'Email me a code' })
        .click();
      await passwordless.getByLabel('Email code').waitFor();
      await shows(
        page.getByRole('status'),
        /^If .+ has an account, a sign-in code was sent to .+\.$/,
      );
      await holds(page, `email code asked at ${width} px`);
      await watch.shot('email-code');

      const login = page.getByRole('form', { name: 'Log in' });
      await login.getByLabel('Email').fill(email);
      await login.getByLabel('Password').fill(PASSWORD);
      await login.getByRole('button', { name: 'Log in' }).click();
      await shows(page.locator('#profile-email'), email);
      await shows(page.locator('#dex-count'), '1025 Pokemon found.');
      await holds(page, `signed in at ${width} px`);
      await watch.shot('signed-in');

      await page.getByRole('button', { name: 'Add a passkey' }).click();
      const passkeys = page.getByRole('list', { name: 'Your passkeys' });
      await expect
        .poll(() => passkeys.getByRole('listitem').count())
        .toBe(width === 390 ? 1 : 2);
      await holds(page, `with passkeys at ${width} px`);
      await watch.shot('passkeys');
      expect(watch.errors).toEqual([]);
      expect(watch.failedAnswers()).toEqual([]);
      await context.close();
    }
  }, 120_000);

  it('lists the sessions with this device marked, ends one with its End button, and signs out everywhere else, at 390 px', async () => {
    const email = newEmail('sessions');
    await confirmedUser(http, email);
    const contexts: BrowserContext[] = [];
    const device = async (name: string): Promise<Page> => {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        userAgent: `Device ${name} (a browser of the test)`,
      });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${app.url}/`);
      const login = page.getByRole('form', { name: 'Log in' });
      await login.getByLabel('Email').fill(email);
      await login.getByLabel('Password').fill(PASSWORD);
      await login.getByRole('button', { name: 'Log in' }).click();
      await shows(page.locator('#profile-email'), email);
      return page;
    };
    // Refused, and its refresh too: the page is back at the login form.
    const leftTheSession = async (page: Page): Promise<void> => {
      await page.getByRole('form', { name: 'Log in' }).waitFor();
      await shows(
        page.getByRole('alert', { includeHidden: true }),
        /^A valid Cognito access or ID token is required/,
      );
      expect(await page.locator('#signed-in').isVisible()).toBe(false);
    };
    const a = await device('A');
    const watch = new PageWatch(a, 'sessions');
    const b = await device('B');
    const c = await device('C');
    const lines = a.locator('#sessions-list li');
    await a.reload();
    await shows(lines.nth(2), /^This device: Device A /);
    expect((await lines.allTextContents()).map((t) => t.slice(0, 8))).toEqual([
      'Device C',
      'Device B',
      'This dev',
    ]);
    await holds(a, 'sessions at 390 px');
    await watch.shot('sessions');

    await a
      .getByRole('button', { name: /^End the session: Device C / })
      .click();
    const status = a.getByRole('status', { includeHidden: true });
    await shows(status, 'That session has ended.');
    await expect.poll(() => lines.count()).toBe(2);
    await c.getByRole('button', { name: 'Next page' }).click();
    await leftTheSession(c);

    await a.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await shows(status, 'Every other session has ended.');
    await expect.poll(() => lines.count()).toBe(1);
    await shows(lines.first(), /^This device: Device A /);
    await b.getByRole('button', { name: 'Next page' }).click();
    await leftTheSession(b);
    await a.getByRole('button', { name: 'Next page' }).click();
    await shows(a.locator('#page-info'), /^Page 2 of /);
    expect(watch.errors).toEqual([]);
    for (const context of contexts) await context.close();
  }, 120_000);

  it('leaves the Swagger UI at /docs working under its own CSP, with no console error', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    const watch = new PageWatch(page, 'docs');
    await page.goto(`${app.url}/docs`);
    await page
      .getByRole('heading', { name: /nest-cognito-auth/ })
      .first()
      .waitFor();
    await page.getByText('/api/v1/auth/login').first().waitFor();
    await watch.shot('swagger-ui');
    expect(watch.errors).toEqual([]);
    await context.close();
  });
});

/** The codes of one kind the dev outbox holds for an address, oldest first. */
async function outboxCodes(
  http: Http,
  email: string,
  kind: string,
): Promise<string[]> {
  const { status, body } = await http.get<{ kind: string; code: string }[]>(
    `/api/v1/dev/outbox?email=${encodeURIComponent(email)}`,
  );
  expect(status).toBe(200);
  return body.filter((m) => m.kind === kind).map((m) => m.code);
}

/** How old a sign-in may be for a passkey change, in the passkey walk's app. */
const RECENT_SIGN_IN_SECONDS = 30;

describe('Passkeys and email codes on the demo page in chromium (virtual authenticator)', () => {
  let app: TestApp;
  let http: Http;
  let browser: Browser;
  /** The page's origin: WebAuthn's relying party id is `localhost`, never an IP address. */
  let origin: string;

  beforeAll(async () => {
    app = await startApp({
      AUTH_RECENT_SIGN_IN_SECONDS: String(RECENT_SIGN_IN_SECONDS),
    });
    http = new Http(app.url);
    origin = app.url.replace('://127.0.0.1:', '://localhost:');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('registers a passkey, signs in with it and with an emailed code, and removes it after signing in again', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    // Chrome's virtual authenticator: a platform authenticator with user
    // verification, holding discoverable credentials, for this page only.
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send(
      'WebAuthn.addVirtualAuthenticator',
      {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
        },
      },
    );
    const heldCredentials = async (): Promise<number> =>
      (await cdp.send('WebAuthn.getCredentials', { authenticatorId }))
        .credentials.length;
    const watch = new PageWatch(page, 'passkeys');
    const email = await confirmedUser(http, newEmail('passkey'));
    const status = page.getByRole('status', { includeHidden: true });
    const alert = page.getByRole('alert', { includeHidden: true });
    const pokemon = page.getByRole('heading', { level: 2, name: 'Pokemon' });
    const login = page.getByRole('form', { name: 'Log in' });
    const passwordless = page.getByRole('form', {
      name: 'Sign in without a password',
    });
    const passkeys = page.getByRole('list', { name: 'Your passkeys' });
    const logOut = async () => {
      await page.getByRole('button', { name: 'Log out', exact: true }).click();
      await shows(status, 'Logged out.');
      await login.waitFor();
      expect(await tokenCookies(context)).toEqual([]);
    };

    await page.goto(`${origin}/`);
    await login.getByLabel('Email').fill(email);
    await login.getByLabel('Password').fill(PASSWORD);
    await login.getByRole('button', { name: 'Log in' }).click();
    await pokemon.waitFor();
    await shows(page.getByText('No passkey yet.'), 'No passkey yet.');
    await shows(page.locator('#profile-factors'), /^password\b/);
    expect(await passkeys.getByRole('listitem').count()).toBe(0);

    // 1. Register a passkey on the page (a fresh sign-in: no new prompt).
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await shows(status, 'Passkey added: you can sign in with it.');
    await expect.poll(() => passkeys.getByRole('listitem').count()).toBe(1);
    expect(await passkeys.getByRole('listitem').textContent()).toMatch(
      /^Passkey 1 added .+Remove$/,
    );
    await shows(page.locator('#profile-factors'), /\bpasskey\b/);
    expect(await page.getByText('No passkey yet.').isVisible()).toBe(false);
    expect(await heldCredentials()).toBe(1);
    expect(
      await page.getByRole('form', { name: 'Confirm it is you' }).isVisible(),
    ).toBe(false);
    await watch.shot('passkey-added');

    // 2. Log out, then sign in with the passkey alone.
    await logOut();
    await passwordless.getByLabel('Email', { exact: true }).fill(email);
    await passwordless
      .getByRole('button', { name: 'Sign in with a passkey' })
      .click();
    await pokemon.waitFor();
    await shows(page.getByText(/^Signed in as /), 'Signed in as Ash');
    await shows(page.locator('#profile-email'), /^passkey-/);
    await shows(page.locator('#dex-count'), '1025 Pokemon found.');
    await noReadableToken(page, context);
    await watch.shot('passkey-sign-in');

    // 3. Log out, then sign in with a code sent by email: a wrong code is
    // refused with the API's message, and a new code lets the user in.
    await logOut();
    await passwordless.getByLabel('Email', { exact: true }).fill(email);
    await passwordless.getByRole('button', { name: 'Email me a code' }).click();
    await shows(
      status,
      new RegExp(
        `^If ${email.replace(/\./g, '\\.')} has an account, a sign-in code was sent to .+\\.$`,
      ),
    );
    const codeField = passwordless.getByLabel('Email code');
    await codeField.waitFor();
    expect(
      await passwordless
        .getByRole('link', { name: 'dev outbox' })
        .getAttribute('href'),
    ).toBe(`/api/v1/dev/outbox?email=${encodeURIComponent(email)}`);
    const first = await lastCode(http, email, 'EMAIL_OTP');
    expect(first).toMatch(/^\d{6,8}$/);
    await codeField.fill(first === '000000' ? '111111' : '000000');
    await passwordless
      .getByRole('button', { name: 'Sign in with the code' })
      .click();
    await shows(alert, /\bnot accepted\b/);
    watch.expectFailedLoad(401, '/api/v1/auth/challenge');
    expect(await pokemon.count()).toBe(0);
    await watch.shot('email-code-refused');

    await passwordless.getByRole('button', { name: 'Email me a code' }).click();
    await codeField.waitFor();
    await expect
      .poll(async () => (await outboxCodes(http, email, 'EMAIL_OTP')).length)
      .toBe(2);
    await codeField.fill(await lastCode(http, email, 'EMAIL_OTP'));
    await watch.shot('email-code');
    await passwordless
      .getByRole('button', { name: 'Sign in with the code' })
      .click();
    await pokemon.waitFor();
    const signedInAt = Date.now();
    await shows(page.getByText(/^Signed in as /), 'Signed in as Ash');
    await noReadableToken(page, context);
    await expect.poll(() => passkeys.getByRole('listitem').count()).toBe(1);
    await watch.shot('email-code-sign-in');

    // 4. Once that sign-in is no longer recent, removing the passkey asks
    // for the password, signs in again and removes it.
    await page.waitForTimeout(
      Math.max(
        0,
        signedInAt + (RECENT_SIGN_IN_SECONDS + 2) * 1000 - Date.now(),
      ),
    );
    await passkeys
      .getByRole('listitem')
      .filter({ hasText: 'Passkey 1' })
      .getByRole('button', { name: 'Remove' })
      .click();
    const reauth = page.getByRole('form', { name: 'Confirm it is you' });
    await reauth.waitFor();
    await shows(status, 'That needs a recent sign-in: sign in again to go on.');
    const refused = watch.failedAnswers();
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ method: 'DELETE', status: 403 });
    expect(refused[0].path).toMatch(/^\/api\/v1\/auth\/passkeys\/[^/]+$/);
    watch.expectFailedLoad(403, refused[0].path);
    expect(await passkeys.getByRole('listitem').count()).toBe(1);
    await watch.shot('sign-in-again');

    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Sign in again' }).click();
    await shows(status, 'Passkey removed.');
    await expect.poll(() => passkeys.getByRole('listitem').count()).toBe(0);
    await shows(page.getByText('No passkey yet.'), 'No passkey yet.');
    await shows(page.locator('#profile-factors'), /^(?!.*passkey)/);
    expect(await reauth.isVisible()).toBe(false);
    const listed = await http.get<{ items: unknown[] }>(
      '/api/v1/auth/passkeys',
      (await signIn(http, email)).accessToken,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([]);
    await watch.shot('passkey-removed');

    expect(watch.errors).toEqual([]);
    expect(watch.failedAnswers()).toEqual([]);
    await context.close();
  }, 180_000);
});
