import { adminCreateUser } from './support/cognito-admin.js';
import { decodeJwt } from './support/forge.js';
import { expectError, type Answer, type Http } from './support/http.js';
import { useSecretClientApp } from './support/secret-client-app.js';
import { PASSWORD, confirmedUser, newEmail } from './support/users.js';

/**
 * The whole auth flow of an app client WITH a secret, through a proxy that
 * enforces what real Cognito enforces and cognito-local does not
 * (test/support/cognito-conformance-proxy.ts; CONTRIBUTING.md, "The
 * emulator and real Cognito"): SECRET_HASH on every call that names a
 * user, the INTERNAL username for REFRESH_TOKEN_AUTH, ClientSecret on
 * RevokeToken, and Cognito's answers to a wrong secret and to a disabled
 * auth flow. Every step must pass with no rule broken.
 */

interface LoginAnswer {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  username: string;
}

const rules = useSecretClientApp('conformance', {
  RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL: '3',
});
const { external, app } = rules;

const codeOf = (email: string) => external.codeFor(email);

/** Polls /health until it answers `status` (it may be cached a few seconds). */
async function healthBecomes(http: Http, status: number): Promise<Answer<any>> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = await http.get('/health');
    if (answer.status === status || Date.now() > deadline) return answer;
    await new Promise((done) => setTimeout(done, 250));
  }
}

describe('an app client with a secret, through the Cognito rules proxy', () => {
  const email = newEmail('rules');
  let tokens: LoginAnswer;

  afterEach(() => {
    expect(rules.proxy.violations).toEqual([]);
  });

  it('registers and confirms (SignUp, ConfirmSignUp with the hash of the email)', async () => {
    await confirmedUser(app.http, email, PASSWORD, { codeOf });
    expect(rules.proxy.calls.map((c) => c.operation)).toEqual(
      expect.arrayContaining(['SignUp', 'ConfirmSignUp']),
    );
  });

  it('logs in: 200 with the internal username (the sub), not the email', async () => {
    const answer = await app.http.post<LoginAnswer>('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expect(answer.status).toBe(200);
    tokens = answer.body;
    const sub = decodeJwt(tokens.accessToken).payload.sub;
    expect(tokens.username).toBe(sub);
    expect(tokens.username).not.toBe(email);
  });

  it('refreshes with {refreshToken, username}: 200, and the new token works', async () => {
    const answer = await app.http.post('/api/v1/auth/refresh', {
      refreshToken: tokens.refreshToken,
      username: tokens.username,
    });
    expect(answer.status).toBe(200);
    expect(
      (await app.http.get('/api/v1/pokemons?limit=1', answer.body.accessToken))
        .status,
    ).toBe(200);
  });

  it('refreshes with only the bearer token to name the user: 200', async () => {
    const answer = await app.http.post(
      '/api/v1/auth/refresh',
      { refreshToken: tokens.refreshToken },
      tokens.accessToken,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.accessToken).toMatch(/^ey/);
  });

  it('refuses a refresh that names another user: 401 UNAUTHORIZED (not an operator fault), and /health stays 200', async () => {
    const answer = await app.http.post('/api/v1/auth/refresh', {
      refreshToken: tokens.refreshToken,
      username: email,
    });
    expectError(answer, 401, 'UNAUTHORIZED');
    expect(rules.proxy.violations).toEqual([
      `InitiateAuth: SECRET_HASH is not the one of ${tokens.username}`,
    ]);
    rules.proxy.violations.length = 0;
    expect((await app.http.get('/health')).status).toBe(200);
  });

  it('refuses a refresh that names nobody: 400 VALIDATION_FAILED naming username, and asks nothing of Cognito', async () => {
    const before = rules.proxy.calls.length;
    const answer = await app.http.post('/api/v1/auth/refresh', {
      refreshToken: tokens.refreshToken,
      email,
    });
    expectError(answer, 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(answer.body.message)).toMatch(/username/);
    expect(rules.proxy.calls.length).toBe(before);
  });

  it('resets the password (ForgotPassword, ConfirmForgotPassword), then logs in with the new one', async () => {
    const forgot = await app.http.post('/api/v1/auth/forgot-password', {
      email,
    });
    expect(forgot.status).toBe(202);
    const code = await external.codeFor(email);
    const confirmed = await app.http.post('/api/v1/auth/confirm-password', {
      email,
      confirmationCode: code,
      newPassword: 'N3w-Passw0rd!',
    });
    expect(confirmed.status).toBe(200);
    const login = await app.http.post<LoginAnswer>('/api/v1/auth/login', {
      email,
      password: 'N3w-Passw0rd!',
    });
    expect(login.status).toBe(200);
    tokens = login.body;
  });

  it('logs out (RevokeToken with ClientSecret): 204, then the refresh token is refused', async () => {
    const answer = await app.http.post(
      '/api/v1/auth/logout',
      { refreshToken: tokens.refreshToken },
      tokens.accessToken,
    );
    expect(answer.status).toBe(204);
    expect(rules.proxy.calls.at(-1)?.operation).toBe('RevokeToken');
    expectError(
      await app.http.post('/api/v1/auth/refresh', {
        refreshToken: tokens.refreshToken,
        username: tokens.username,
      }),
      401,
      'UNAUTHORIZED',
    );
  });
});

describe('challenge sessions, as real Cognito checks them', () => {
  const TEMPORARY = 'Tempor4ry!';
  const CHOSEN = 'Ch0sen-Passw0rd!';

  /** A user an admin created, and the session its first login is asked. */
  async function firstLogin(tag: string): Promise<[string, string]> {
    const email = newEmail(tag);
    const { endpoint, userPoolId } = external.pool;
    expect(
      (await adminCreateUser(endpoint, userPoolId, email, TEMPORARY)).status,
    ).toBe(200);
    const answer = await app.http.post('/api/v1/auth/login', {
      email,
      password: TEMPORARY,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
    return [email, answer.body.session as string];
  }

  const answer = (email: string, session: string): Promise<Answer> =>
    app.http.post('/api/v1/auth/challenge', {
      email,
      challenge: 'NEW_PASSWORD_REQUIRED',
      session,
      newPassword: CHOSEN,
    });

  beforeEach(() => {
    rules.proxy.violations.length = 0;
  });

  it('forwards the session login was given, for that user and challenge: 200 tokens, no rule broken', async () => {
    const [email, session] = await firstLogin('proxy-session');
    const answered = await answer(email, session);
    expect(answered.status).toBe(200);
    expect(answered.body.accessToken).toMatch(/^ey/);
    const forwarded = rules.proxy.calls
      .filter((c) => c.operation === 'RespondToAuthChallenge')
      .at(-1);
    expect(forwarded?.body.Session).toBe(session);
    expect(rules.proxy.violations).toEqual([]);
  });

  it("refuses another user's session forwarded for this email: 401, named as a broken rule", async () => {
    const [victim] = await firstLogin('proxy-victim');
    const [, attackersSession] = await firstLogin('proxy-attacker');
    expectError(await answer(victim, attackersSession), 401, 'UNAUTHORIZED');
    expect(rules.proxy.violations).toEqual([
      `RespondToAuthChallenge: Session was not issued for ${victim} and NEW_PASSWORD_REQUIRED`,
    ]);
  });

  it('refuses a session forwarded a second time: 401, named as a broken rule', async () => {
    const [email, session] = await firstLogin('proxy-replay');
    expect((await answer(email, session)).status).toBe(200);
    expectError(await answer(email, session), 401, 'UNAUTHORIZED');
    expect(rules.proxy.violations).toEqual([
      'RespondToAuthChallenge: Session used already',
    ]);
  });
});

describe('operator faults, as real Cognito answers them', () => {
  const email = newEmail('faults');

  beforeAll(async () => {
    await confirmedUser(app.http, email, PASSWORD, { codeOf });
    expect((await healthBecomes(app.http, 200)).status).toBe(200);
  });

  afterEach(() => {
    rules.proxy.configure({
      clientSecret: rules.client.ClientSecret,
      disabledFlows: [],
    });
    rules.proxy.violations.length = 0;
  });

  it('a wrong client secret: 500 INTERNAL (never INVALID_CREDENTIALS), not counted against the user, and /health 503 naming appClient', async () => {
    rules.proxy.configure({ clientSecret: 'the-secret-cognito-really-has' });
    for (let attempt = 0; attempt < 5; attempt++) {
      expectError(
        await app.http.post('/api/v1/auth/login', {
          email,
          password: PASSWORD,
        }),
        500,
        'INTERNAL',
      );
    }
    const health = await healthBecomes(app.http, 503);
    expectError(health, 503, 'IDP_UNAVAILABLE');
    expect(health.body.message).toMatch(/appClient/);
    // Five faults with a limit of 3 failed passwords: none was counted.
    rules.proxy.configure({ clientSecret: rules.client.ClientSecret });
    expect(
      (
        await app.http.post('/api/v1/auth/login', {
          email,
          password: PASSWORD,
        })
      ).status,
    ).toBe(200);
    expect((await healthBecomes(app.http, 200)).status).toBe(200);
  });

  it('USER_PASSWORD_AUTH not enabled on the app client: 500 INTERNAL, and /health 503 naming appClient', async () => {
    rules.proxy.configure({ disabledFlows: ['USER_PASSWORD_AUTH'] });
    expectError(
      await app.http.post('/api/v1/auth/login', { email, password: PASSWORD }),
      500,
      'INTERNAL',
    );
    const health = await healthBecomes(app.http, 503);
    expectError(health, 503, 'IDP_UNAVAILABLE');
    expect(health.body.message).toMatch(/appClient/);
  });
});
