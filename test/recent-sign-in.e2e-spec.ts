import { generate } from 'otplib';
import { useApp } from './support/app.js';
import { setDate } from './support/clock.js';
import { decodeJwt } from './support/forge.js';
import { expectError, type Answer } from './support/http.js';
import {
  PASSWORD,
  accountCalls,
  confirmedUser,
  login,
  newEmail,
} from './support/users.js';

/**
 * Recent sign-in (README, "Recent sign-in"): TOTP setup, verify and off,
 * and an email change need an access token whose `auth_time` is at most
 * AUTH_RECENT_SIGN_IN_SECONDS old (default 300); else 403
 * REAUTHENTICATION_REQUIRED and nothing changes. The app runs in this
 * process: its date is moved past the limit (setDate) instead of waiting
 * five minutes; the emulator keeps the real date.
 */
describe('recent sign-in for the routes that change how the account signs in (embedded Cognito)', () => {
  const app = useApp();
  const LIMIT_SECONDS = 300;

  afterEach(() => {
    vi.useRealTimers();
  });

  const call = accountCalls(app);
  const authTimeOf = (token: string): number => {
    const authTime = decodeJwt(token).payload.auth_time;
    expect(authTime).toEqual(expect.any(Number));
    return authTime as number;
  };
  /** The app's date: one second past the limit for a sign-in at `authTime`. */
  const pastTheLimit = (token: string): void =>
    setDate((authTimeOf(token) + LIMIT_SECONDS + 1) * 1000);
  const codeOf = (secret: string): Promise<string> =>
    generate({ secret, epoch: Math.floor(Date.now() / 1000) });
  const expectStale = (answer: Answer): void => {
    expectError(answer, 403, 'REAUTHENTICATION_REQUIRED');
    expect(answer.body.message).toBe(
      'This change needs a recent sign-in: sign in again, then retry.',
    );
  };
  const totpOf = async (token: string): Promise<boolean> => {
    const me = await app.http.get('/api/v1/auth/me', token);
    expect(me.status).toBe(200);
    return me.body.mfa.totp as boolean;
  };

  it('lets a fresh sign-in set up and verify TOTP, even at the limit', async () => {
    const email = await confirmedUser(app.http, newEmail('fresh'));
    const { accessToken } = await login(app.http, email);
    setDate((authTimeOf(accessToken) + LIMIT_SECONDS) * 1000);
    const setup = await call('POST', '/mfa/totp/setup', undefined, accessToken);
    expect(setup.status).toBe(200);
    vi.useRealTimers();
    const code = await codeOf(setup.body.secretCode);
    const verified = await call(
      'POST',
      '/mfa/totp/verify',
      { code },
      accessToken,
    );
    expect(verified.status).toBe(200);
    expect(await totpOf(accessToken)).toBe(true);
  });

  it('refuses POST /mfa/totp/setup with a stale token, and the pending secret stays the same', async () => {
    const email = await confirmedUser(app.http, newEmail('stalesetup'));
    const { accessToken } = await login(app.http, email);
    const first = await call('POST', '/mfa/totp/setup', undefined, accessToken);
    expect(first.status).toBe(200);
    pastTheLimit(accessToken);
    expectStale(await call('POST', '/mfa/totp/setup', undefined, accessToken));
    vi.useRealTimers();
    // A code of the first secret still verifies: no second secret replaced it.
    const code = await codeOf(first.body.secretCode);
    expect(
      (await call('POST', '/mfa/totp/verify', { code }, accessToken)).status,
    ).toBe(200);
  });

  it('refuses POST /mfa/totp/verify with a stale token and a valid code: TOTP stays off', async () => {
    const email = await confirmedUser(app.http, newEmail('staleverify'));
    const { accessToken } = await login(app.http, email);
    const setup = await call('POST', '/mfa/totp/setup', undefined, accessToken);
    expect(setup.status).toBe(200);
    const code = await codeOf(setup.body.secretCode);
    pastTheLimit(accessToken);
    expectStale(await call('POST', '/mfa/totp/verify', { code }, accessToken));
    vi.useRealTimers();
    expect(await totpOf(accessToken)).toBe(false);
    const direct = await app.http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expect(direct.status).toBe(200);
    expect(direct.body.accessToken).toMatch(/^ey/);
  });

  it('refuses DELETE /mfa/totp with a stale token and a valid code: TOTP stays on', async () => {
    const email = await confirmedUser(app.http, newEmail('staleoff'));
    const { accessToken } = await login(app.http, email);
    const setup = await call('POST', '/mfa/totp/setup', undefined, accessToken);
    const secret = setup.body.secretCode as string;
    expect(
      (
        await call(
          'POST',
          '/mfa/totp/verify',
          { code: await codeOf(secret) },
          accessToken,
        )
      ).status,
    ).toBe(200);
    const code = await codeOf(secret);
    pastTheLimit(accessToken);
    expectStale(await call('DELETE', '/mfa/totp', { code }, accessToken));
    vi.useRealTimers();
    expect(await totpOf(accessToken)).toBe(true);
    const challenged = await app.http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expect(challenged.body.challenge).toBe('SOFTWARE_TOKEN_MFA');
  });

  it('refuses PATCH /me changing the email with a stale token (no code sent, the login stays), but renames', async () => {
    const email = await confirmedUser(app.http, newEmail('staleemail'));
    const { accessToken } = await login(app.http, email);
    const next = newEmail('moved');
    pastTheLimit(accessToken);
    expectStale(
      await call('PATCH', '/me', { name: 'Misty', email: next }, accessToken),
    );
    const renamed = await call('PATCH', '/me', { name: 'Brock' }, accessToken);
    expect(renamed.status).toBe(200);
    vi.useRealTimers();
    const me = await app.http.get('/api/v1/auth/me', accessToken);
    expect(me.body).toMatchObject({ email, name: 'Brock' });
    const outbox = await app.http.get(
      `/api/v1/dev/outbox?email=${encodeURIComponent(next)}`,
    );
    expect(outbox.body).toEqual([]);
    await login(app.http, email);
    expect(
      (
        await app.http.post('/api/v1/auth/login', {
          email: next,
          password: PASSWORD,
        })
      ).status,
    ).toBe(401);
  });

  // Needs the embedded emulator to keep `auth_time` across refreshes, as
  // Cognito does: a refresh is not a sign-in.
  it('refuses the token of a refresh made after the sign-in: its auth_time is the sign-in’s', async () => {
    const email = await confirmedUser(app.http, newEmail('stalerefresh'));
    const tokens = await login(app.http, email);
    const signedInAt = authTimeOf(tokens.accessToken);
    // The refresh happens at least two whole seconds after the sign-in, so
    // a refresh that restarted auth_time would be told apart.
    await vi.waitUntil(() => Date.now() / 1000 >= signedInAt + 2, {
      timeout: 5000,
      interval: 50,
    });
    const refreshed = await app.http.post('/api/v1/auth/refresh', {
      refreshToken: tokens.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    const accessToken = refreshed.body.accessToken as string;
    expect(authTimeOf(accessToken)).toBe(signedInAt);
    pastTheLimit(tokens.accessToken);
    expectStale(await call('POST', '/mfa/totp/setup', undefined, accessToken));
    vi.useRealTimers();
    expect(await totpOf(accessToken)).toBe(false);
  });
});
