import { startApp, type TestApp } from './support/app.js';
import { cognitoCall, passwordLogin } from './support/cognito-admin.js';
import { Http, expectError, type Answer } from './support/http.js';
import { sleep } from './support/timing.js';
import { PASSWORD, confirmedUser, newEmail } from './support/users.js';

/**
 * The limits on the auth routes, each app started with small ones: failed
 * passwords per email and client address (login and change-password
 * together; every request here comes from one address), requests per
 * email (forgot-password and the like), and requests per client IP over
 * all auth routes. Past a limit: 429 TOO_MANY_REQUESTS with Retry-After.
 */

const LIMIT_VARIABLES = [
  'RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP',
  'RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL',
  'RATE_LIMIT_SLOWDOWN_STEP_MS',
  'RATE_LIMIT_SLOWDOWN_MAX_MS',
  'RATE_LIMIT_REQUESTS_PER_EMAIL',
  'RATE_LIMIT_IP_PER_MINUTE',
  'RATE_LIMIT_EMAIL_WINDOW_SECONDS',
  'AUTH_FAILURE_MIN_MS',
  'TRUST_PROXY',
] as const;

type Limits = Partial<Record<(typeof LIMIT_VARIABLES)[number], string>>;

/** Every limit variable set (or unset), so that no app inherits another's. */
function limits(overrides: Limits): Record<string, string | undefined> {
  return {
    RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: '1000',
    RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL: '1000',
    RATE_LIMIT_SLOWDOWN_STEP_MS: undefined,
    RATE_LIMIT_SLOWDOWN_MAX_MS: undefined,
    RATE_LIMIT_REQUESTS_PER_EMAIL: '1000',
    RATE_LIMIT_IP_PER_MINUTE: '100000',
    RATE_LIMIT_EMAIL_WINDOW_SECONDS: undefined,
    AUTH_FAILURE_MIN_MS: '0',
    TRUST_PROXY: undefined,
    ...overrides,
  };
}

const WRONG = 'Wr0ng-Passw0rd!';
const NEW_PASSWORD = 'N3w-Passw0rd!';

/** 429 TOO_MANY_REQUESTS in the error shape, Retry-After whole seconds in [1, max]. */
function expectTooMany(answer: Answer, maxSeconds: number): number {
  expectError(answer, 429, 'TOO_MANY_REQUESTS');
  const header = answer.headers.get('retry-after');
  expect(header).toMatch(/^[1-9]\d*$/);
  const seconds = Number(header);
  expect(seconds).toBeLessThanOrEqual(maxSeconds);
  // The sentence tells the same wait as the header.
  expect(answer.body.message).toMatch(new RegExp(`\\b${seconds} seconds?\\b`));
  return seconds;
}

/** The body of an answer, requestId aside and the number of seconds blanked. */
function shapeOf(answer: Answer): Record<string, unknown> {
  const { requestId: _requestId, ...rest } = answer.body as Record<
    string,
    unknown
  >;
  return {
    ...rest,
    message: String(rest.message).replace(/\d+/g, 'N'),
  };
}

/** A confirmed user made straight at the emulator: the app has counted nothing for it. */
async function emulatorUser(
  server: TestApp,
  email = newEmail('direct'),
): Promise<string> {
  const { endpoint, clientId, userPoolId } = server.connection;
  const signedUp = await cognitoCall(endpoint!, 'SignUp', {
    ClientId: clientId,
    Username: email,
    Password: PASSWORD,
    UserAttributes: [
      { Name: 'email', Value: email },
      { Name: 'name', Value: 'Misty' },
    ],
  });
  expect(signedUp.status).toBe(200);
  const confirmed = await cognitoCall(endpoint!, 'AdminConfirmSignUp', {
    UserPoolId: userPoolId,
    Username: email,
  });
  expect(confirmed.status).toBe(200);
  return email;
}

describe('per-email limits from one address (3 failed passwords per email and IP, 4 requests per email)', () => {
  const FAILED = 3;
  const REQUESTS = 4;
  const WINDOW_SECONDS = 900;
  let server: TestApp;
  let http: Http;

  const login = (email: string, password: string): Promise<Answer> =>
    http.post('/api/v1/auth/login', { email, password });
  const changePassword = (
    email: string,
    currentPassword: string,
  ): Promise<Answer> =>
    http.post('/api/v1/auth/change-password', {
      email,
      currentPassword,
      newPassword: NEW_PASSWORD,
    });

  beforeAll(async () => {
    server = await startApp(
      limits({
        RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: String(FAILED),
        RATE_LIMIT_REQUESTS_PER_EMAIL: String(REQUESTS),
      }),
    );
    http = new Http(server.url);
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('failed logins', () => {
    let email: string;
    let blocked: Answer;

    beforeAll(async () => {
      email = await confirmedUser(http, newEmail('victim'));
    });

    it(`answers the first ${FAILED} wrong passwords for one email with 401 INVALID_CREDENTIALS`, async () => {
      for (let i = 0; i < FAILED; i++) {
        expectError(await login(email, WRONG), 401, 'INVALID_CREDENTIALS');
      }
    });

    it(`answers the next attempt with 429 TOO_MANY_REQUESTS and a Retry-After of whole seconds`, async () => {
      blocked = await login(email, WRONG);
      expectTooMany(blocked, WINDOW_SECONDS);
    });

    it('refuses even the RIGHT password with 429 from that address while it is blocked', async () => {
      expectTooMany(await login(email, PASSWORD), WINDOW_SECONDS);
    });

    it('counts the email trimmed and in any case: a variant of it is blocked too', async () => {
      expectTooMany(
        await login(`  ${email.toUpperCase()} `, PASSWORD),
        WINDOW_SECONDS,
      );
    });

    it('leaves another email alone: its right password logs in, its wrong one is 401', async () => {
      const other = await confirmedUser(http, newEmail('bystander'));
      expect((await login(other, PASSWORD)).status).toBe(200);
      expectError(await login(other, WRONG), 401, 'INVALID_CREDENTIALS');
      expect((await login(other, PASSWORD)).status).toBe(200);
    });

    it('limits an unknown email the same way, with the same answers (no enumeration)', async () => {
      const unknown = newEmail('nobody');
      for (let i = 0; i < FAILED; i++) {
        expectError(await login(unknown, WRONG), 401, 'INVALID_CREDENTIALS');
      }
      const answer = await login(unknown, WRONG);
      expectTooMany(answer, WINDOW_SECONDS);
      expect(shapeOf(answer)).toEqual(shapeOf(blocked));
    });

    it('counts case variants of one email together', async () => {
      const unknown = newEmail('variant');
      const variants = [unknown, unknown.toUpperCase(), ` ${unknown} `];
      for (const variant of variants) {
        expectError(await login(variant, WRONG), 401, 'INVALID_CREDENTIALS');
      }
      expectTooMany(await login(unknown, WRONG), WINDOW_SECONDS);
    });
  });

  it(`does not count successful logins: after ${FAILED + 2} of them, ${FAILED} failures are still 401 and only the next is 429`, async () => {
    const email = await confirmedUser(http, newEmail('regular'));
    for (let i = 0; i < FAILED + 2; i++) {
      expect((await login(email, PASSWORD)).status).toBe(200);
    }
    for (let i = 0; i < FAILED; i++) {
      expectError(await login(email, WRONG), 401, 'INVALID_CREDENTIALS');
    }
    expectTooMany(await login(email, PASSWORD), WINDOW_SECONDS);
  });

  it(`counts change-password's wrong current passwords: after ${FAILED}, change-password (even with the right one) and login are 429`, async () => {
    const email = await confirmedUser(http, newEmail('changer'));
    for (let i = 0; i < FAILED; i++) {
      expectError(
        await changePassword(email, WRONG),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    expectTooMany(await changePassword(email, PASSWORD), WINDOW_SECONDS);
    expectTooMany(await login(email, PASSWORD), WINDOW_SECONDS);
  });

  it('counts failed logins and failed change-passwords for one email together', async () => {
    const email = await confirmedUser(http, newEmail('mixed'));
    expectError(await login(email, WRONG), 401, 'INVALID_CREDENTIALS');
    expectError(await changePassword(email, WRONG), 401, 'INVALID_CREDENTIALS');
    expectError(await login(email, WRONG), 401, 'INVALID_CREDENTIALS');
    expectTooMany(await changePassword(email, PASSWORD), WINDOW_SECONDS);
    expectTooMany(await login(email, PASSWORD), WINDOW_SECONDS);
  });

  describe('forgot-password', () => {
    const forgot = (email: string): Promise<Answer> =>
      http.post('/api/v1/auth/forgot-password', { email });

    it(`answers ${REQUESTS} requests for a known email with 202, and the next with 429 and Retry-After`, async () => {
      const email = await emulatorUser(server);
      for (let i = 0; i < REQUESTS; i++) {
        expect((await forgot(email)).status).toBe(202);
      }
      expectTooMany(await forgot(email), WINDOW_SECONDS);
    });

    it(`limits an unknown email the same way: ${REQUESTS} times 202, then 429`, async () => {
      const email = newEmail('nobody');
      for (let i = 0; i < REQUESTS; i++) {
        expect((await forgot(email)).status).toBe(202);
      }
      expectTooMany(await forgot(email), WINDOW_SECONDS);
    });

    it("leaves the user's own challenge step alone (counted per email and address): a flood of forgot-password cannot block the TOTP step", async () => {
      const email = newEmail('mfa-user');
      for (let i = 0; i < REQUESTS; i++) await forgot(email);
      expectTooMany(await forgot(email), WINDOW_SECONDS);
      const challenge = (): Promise<Answer> =>
        http.post('/api/v1/auth/challenge', {
          email,
          challenge: 'SOFTWARE_TOKEN_MFA',
          session: 'a-session-from-login',
          code: '123456',
        });
      // Answered on its merits (the session is made up), not 429.
      expectError(await challenge(), 401, 'UNAUTHORIZED');
      // Its own limits still hold: a refused session counts like a failed
      // password (FAILED per email and address, fewer than its REQUESTS).
      for (let i = 1; i < FAILED; i++) {
        expectError(await challenge(), 401, 'UNAUTHORIZED');
      }
      expectTooMany(await challenge(), WINDOW_SECONDS);
    });

    it('leaves another email alone', async () => {
      const blocked = newEmail('flooded');
      for (let i = 0; i < REQUESTS; i++) await forgot(blocked);
      expectTooMany(await forgot(blocked), WINDOW_SECONDS);
      expect((await forgot(newEmail('fresh'))).status).toBe(202);
    });
  });
});

describe('per-email limit under concurrency (3 failed passwords per email and IP, the 250 ms failure floor on)', () => {
  const FAILED = 3;
  const AT_ONCE = 12;
  let server: TestApp;
  let http: Http;

  beforeAll(async () => {
    server = await startApp(
      limits({
        RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: String(FAILED),
        AUTH_FAILURE_MIN_MS: '250',
      }),
    );
    http = new Http(server.url);
  });

  afterAll(async () => {
    await server?.close();
  });

  it(`lets at most ${FAILED} of ${AT_ONCE} wrong passwords sent AT ONCE for one email be checked; the others are 429`, async () => {
    const email = await emulatorUser(server);
    const answers = await Promise.all(
      Array.from({ length: AT_ONCE }, (_, i) =>
        http.post('/api/v1/auth/login', {
          email,
          password: `${WRONG}${i}`,
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    console.log(
      `[rate-limits] ${AT_ONCE} concurrent wrong passwords, limit ${FAILED}: statuses ${statuses.join(', ')}`,
    );
    expect(
      statuses.filter((status) => status === 401).length,
    ).toBeLessThanOrEqual(FAILED);
    for (const answer of answers.filter((a) => a.status !== 401)) {
      expectTooMany(answer, 900);
    }
    // And the account is blocked afterwards, whatever the order was.
    expectTooMany(
      await http.post('/api/v1/auth/login', { email, password: PASSWORD }),
      900,
    );
  });
});

describe('the per-email window (2 failed passwords per email and IP per 2 seconds)', () => {
  let server: TestApp;
  let http: Http;

  beforeAll(async () => {
    server = await startApp(
      limits({
        RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: '2',
        RATE_LIMIT_EMAIL_WINDOW_SECONDS: '2',
      }),
    );
    http = new Http(server.url);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('lifts the block once Retry-After has passed: the right password logs in again', async () => {
    const email = await emulatorUser(server);
    for (let i = 0; i < 2; i++) {
      expectError(
        await http.post('/api/v1/auth/login', { email, password: WRONG }),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    const seconds = expectTooMany(
      await http.post('/api/v1/auth/login', { email, password: PASSWORD }),
      2,
    );
    await sleep(seconds * 1000 + 100);
    const answer = await http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expect(answer.status).toBe(200);
  });
});

describe('per-IP limit (15 auth requests per minute)', () => {
  const PER_MINUTE = 15;
  let server: TestApp;
  let http: Http;
  let accessToken: string;
  let email: string;
  const answers: Answer[] = [];

  beforeAll(async () => {
    server = await startApp(
      limits({ RATE_LIMIT_IP_PER_MINUTE: String(PER_MINUTE) }),
    );
    http = new Http(server.url);
    // Straight at the emulator, so that the app's count starts at zero here.
    email = await emulatorUser(server);
    const tokens = await passwordLogin(
      server.connection.endpoint!,
      server.connection.clientId,
      email,
      PASSWORD,
    );
    accessToken = tokens.AccessToken;
  });

  afterAll(async () => {
    await server?.close();
  });

  it(`answers ${PER_MINUTE} auth requests from one client, over several routes, with their normal answers`, async () => {
    const requests: (() => Promise<Answer>)[] = [
      () => http.post('/api/v1/auth/login', { email, password: WRONG }),
      () => http.post('/api/v1/auth/login', { email, password: PASSWORD }),
      () =>
        http.post('/api/v1/auth/forgot-password', { email: newEmail('ip') }),
      () =>
        http.post('/api/v1/auth/resend-confirmation', {
          email: newEmail('ip'),
        }),
      () => http.get('/api/v1/auth/me', accessToken),
    ];
    for (let i = 0; i < PER_MINUTE; i++) {
      answers.push(await requests[i % requests.length]());
    }
    expect(answers.map((a) => a.status)).toEqual(
      Array.from(
        { length: PER_MINUTE },
        (_, i) => [401, 200, 202, 202, 200][i % 5],
      ),
    );
  });

  it(`answers the next auth request with 429 TOO_MANY_REQUESTS and a Retry-After of at most 60 seconds`, async () => {
    expectTooMany(
      await http.post('/api/v1/auth/login', { email, password: PASSWORD }),
      60,
    );
  });

  it('refuses every auth route from that client, not only the one that hit the limit', async () => {
    expectTooMany(
      await http.post('/api/v1/auth/forgot-password', { email: newEmail('x') }),
      60,
    );
    expectTooMany(await http.get('/api/v1/auth/me', accessToken), 60);
    expectTooMany(
      await http.post('/api/v1/auth/refresh', { refreshToken: 'x'.repeat(40) }),
      60,
    );
  });

  it('is not fooled by a forged X-Forwarded-For when TRUST_PROXY is off', async () => {
    expectTooMany(
      await http.post(
        '/api/v1/auth/login',
        { email, password: PASSWORD },
        undefined,
        { 'x-forwarded-for': '203.0.113.7' },
      ),
      60,
    );
  });

  it(`does not limit GET /api/v1/pokemons with a valid token (${PER_MINUTE + 10} requests, all 200)`, async () => {
    for (let i = 0; i < PER_MINUTE + 10; i++) {
      const answer = await http.get('/api/v1/pokemons?limit=1', accessToken);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('retry-after')).toBeNull();
    }
  });

  it(`does not limit GET /health (${PER_MINUTE + 10} requests, all 200)`, async () => {
    for (let i = 0; i < PER_MINUTE + 10; i++) {
      const answer = await http.get('/health');
      expect(answer.status).toBe(200);
    }
  });
});
