import { Http, expectError, type Answer } from './support/http.js';
import { startApp, type TestApp } from './support/app.js';
import {
  PASSWORD,
  confirmedUser,
  lastCode,
  login,
  newEmail,
} from './support/users.js';

/**
 * The failures of each auth route, against the embedded cognito-local.
 * Every user is fresh, so that each test stands alone.
 */
describe('auth route failures (embedded Cognito)', () => {
  let server: TestApp;
  let http: Http;
  const NEW_PASSWORD = 'N3w-Passw0rd!';

  beforeAll(async () => {
    server = await startApp();
    http = new Http(server.url);
  });

  afterAll(async () => {
    await server.close();
  });

  /** A code that is not `code` (same length, digits only). */
  function otherThan(code: string): string {
    return code === '000000' ? '111111' : '000000';
  }

  async function register(
    email: string,
    password = PASSWORD,
    name: unknown = 'Ash',
  ): Promise<Answer> {
    return http.post('/api/v1/auth/register', { name, email, password });
  }

  async function loginStatus(email: string, password: string): Promise<number> {
    return (await http.post('/api/v1/auth/login', { email, password })).status;
  }

  describe('POST /api/v1/auth/register', () => {
    it('answers 409 USER_EXISTS for an email that is taken', async () => {
      const email = newEmail('taken');
      expect((await register(email)).status).toBe(201);
      const answer = await register(email);
      expectError(answer, 409, 'USER_EXISTS');
      expect(answer.body.message).toBe(
        'An account with this email already exists.',
      );
    });

    it('answers 409 USER_EXISTS when the email differs only by case and spaces', async () => {
      const email = newEmail('taken-case');
      expect((await register(email)).status).toBe(201);
      expectError(
        await register(`  ${email.toUpperCase()}\t`),
        409,
        'USER_EXISTS',
      );
    });

    it('answers 409 USER_EXISTS for a taken email of a confirmed user', async () => {
      const email = await confirmedUser(http, newEmail('taken-confirmed'));
      expectError(await register(email), 409, 'USER_EXISTS');
    });

    it.each([
      ['Passw0rd', 'symbol'],
      ['passw0rd!', 'upper-case'],
      ['PASSW0RD!', 'lower-case'],
      ['Password!', 'digit'],
      ['Pa0!', '8 characters'],
    ])(
      'answers 400 PASSWORD_POLICY for the weak password %j, naming the rule (%s)',
      async (password, rule) => {
        const answer = await register(newEmail('weak'), password);
        expectError(answer, 400, 'PASSWORD_POLICY');
        expect(answer.body.message).toEqual(
          expect.arrayContaining([expect.stringContaining(rule)]),
        );
        expect(
          (answer.body.message as string[]).every((m) =>
            m.startsWith('password'),
          ),
        ).toBe(true);
      },
    );

    it('does not create the user when the password is weak', async () => {
      const email = newEmail('weak-then-ok');
      expectError(await register(email, 'weak'), 400, 'PASSWORD_POLICY');
      expect((await register(email)).status).toBe(201);
    });

    it('answers 400 VALIDATION_FAILED when the name is missing', async () => {
      const answer = await http.post('/api/v1/auth/register', {
        email: newEmail('noname'),
        password: PASSWORD,
      });
      expectError(answer, 400, 'VALIDATION_FAILED');
      expect(answer.body.message).toEqual(
        expect.arrayContaining([expect.stringContaining('name')]),
      );
    });

    it('answers 400 VALIDATION_FAILED for an empty name', async () => {
      expectError(
        await register(newEmail('emptyname'), PASSWORD, ''),
        400,
        'VALIDATION_FAILED',
      );
    });

    it.each(['not-an-email', 'ash@', '@example.com', 'ash example@x.com', ''])(
      'answers 400 VALIDATION_FAILED for the bad email %j',
      async (email) => {
        const answer = await register(email);
        expectError(answer, 400, 'VALIDATION_FAILED');
        expect(answer.body.message).toEqual(
          expect.arrayContaining(['email must be an email address']),
        );
      },
    );

    it('answers 400 VALIDATION_FAILED (not PASSWORD_POLICY) for a weak password together with a bad email', async () => {
      expectError(
        await register('not-an-email', 'weak'),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('POST /api/v1/auth/confirm-registration', () => {
    it('answers 400 CODE_MISMATCH for a wrong code, and the user stays unconfirmed', async () => {
      const email = newEmail('wrongcode');
      expect((await register(email)).status).toBe(201);
      const code = await lastCode(http, email, 'SignUp');
      const answer = await http.post('/api/v1/auth/confirm-registration', {
        email,
        code: otherThan(code),
      });
      expectError(answer, 400, 'CODE_MISMATCH');
      expectError(
        await http.post('/api/v1/auth/login', { email, password: PASSWORD }),
        403,
        'USER_NOT_CONFIRMED',
      );
    });

    it('answers 400 CODE_MISMATCH for an unknown email, the same answer as a wrong code', async () => {
      const known = newEmail('known');
      expect((await register(known)).status).toBe(201);
      const code = await lastCode(http, known, 'SignUp');
      const wrongCode = await http.post('/api/v1/auth/confirm-registration', {
        email: known,
        code: otherThan(code),
      });
      const unknown = await http.post('/api/v1/auth/confirm-registration', {
        email: newEmail('nobody'),
        code: '123456',
      });
      expectError(unknown, 400, 'CODE_MISMATCH');
      expect(unknown.body.message).toBe(wrongCode.body.message);
    });

    it('answers 400 CODE_MISMATCH, as a wrong code, when the account is already confirmed (the emulator has dropped the code)', async () => {
      const email = newEmail('twice');
      expect((await register(email)).status).toBe(201);
      const code = await lastCode(http, email, 'SignUp');
      const first = await http.post('/api/v1/auth/confirm-registration', {
        email,
        code,
      });
      expect(first.status).toBe(200);
      const second = await http.post('/api/v1/auth/confirm-registration', {
        email,
        code,
      });
      // The emulator answers ExpiredCodeException (the stored code is gone),
      // where Cognito answers NotAuthorizedException: either way the answer
      // of a wrong code, which tells no one the account exists.
      expectError(second, 400, 'CODE_MISMATCH');
      expect(second.body.message).toBe('The code is not valid for this email.');
      expect(await loginStatus(email, PASSWORD)).toBe(200);
    });
  });

  describe('POST /api/v1/auth/login', () => {
    it('answers 401 INVALID_CREDENTIALS for a wrong password', async () => {
      const email = await confirmedUser(http, newEmail('wrongpw'));
      const answer = await http.post('/api/v1/auth/login', {
        email,
        password: 'Wr0ng-Passw0rd!',
      });
      expectError(answer, 401, 'INVALID_CREDENTIALS');
      expect(answer.body.message).toBe('Incorrect email or password.');
    });

    it('answers 401 INVALID_CREDENTIALS for an unknown email, with the same message as a wrong password', async () => {
      const email = await confirmedUser(http, newEmail('known'));
      const wrongPassword = await http.post('/api/v1/auth/login', {
        email,
        password: 'Wr0ng-Passw0rd!',
      });
      const unknown = await http.post('/api/v1/auth/login', {
        email: newEmail('nobody'),
        password: 'Wr0ng-Passw0rd!',
      });
      expectError(unknown, 401, 'INVALID_CREDENTIALS');
      expect(unknown.body.message).toBe(wrongPassword.body.message);
    });

    it('answers 403 USER_NOT_CONFIRMED before the account is confirmed', async () => {
      const email = newEmail('unconfirmed');
      expect((await register(email)).status).toBe(201);
      const answer = await http.post('/api/v1/auth/login', {
        email,
        password: PASSWORD,
      });
      expectError(answer, 403, 'USER_NOT_CONFIRMED');
    });

    it.each(['abc', 'password', 'PASSWORD1', 'x'])(
      'does not apply the sign-up policy to a login password: %j answers 401 INVALID_CREDENTIALS, not 400',
      async (password) => {
        const email = await confirmedUser(http, newEmail('oldpw'));
        expectError(
          await http.post('/api/v1/auth/login', { email, password }),
          401,
          'INVALID_CREDENTIALS',
        );
      },
    );

    it('answers 400 VALIDATION_FAILED for an empty password', async () => {
      expectError(
        await http.post('/api/v1/auth/login', {
          email: newEmail('empty'),
          password: '',
        }),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('POST /api/v1/auth/change-password', () => {
    it('answers 401 INVALID_CREDENTIALS for a wrong currentPassword, and the old password still works', async () => {
      const email = await confirmedUser(http, newEmail('chg-wrong'));
      const answer = await http.post('/api/v1/auth/change-password', {
        email,
        currentPassword: 'Wr0ng-Passw0rd!',
        newPassword: NEW_PASSWORD,
      });
      expectError(answer, 401, 'INVALID_CREDENTIALS');
      expect(await loginStatus(email, PASSWORD)).toBe(200);
      expect(await loginStatus(email, NEW_PASSWORD)).toBe(401);
    });

    it('answers 401 INVALID_CREDENTIALS for an unknown email', async () => {
      const answer = await http.post('/api/v1/auth/change-password', {
        email: newEmail('chg-nobody'),
        currentPassword: PASSWORD,
        newPassword: NEW_PASSWORD,
      });
      expectError(answer, 401, 'INVALID_CREDENTIALS');
    });

    it('answers 400 PASSWORD_POLICY for a weak newPassword, and the password is unchanged', async () => {
      const email = await confirmedUser(http, newEmail('chg-weak'));
      const answer = await http.post('/api/v1/auth/change-password', {
        email,
        currentPassword: PASSWORD,
        newPassword: 'newpassword',
      });
      expectError(answer, 400, 'PASSWORD_POLICY');
      expect(answer.body.message).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^newPassword .*symbol/),
        ]),
      );
      expect(await loginStatus(email, PASSWORD)).toBe(200);
      expect(await loginStatus(email, 'newpassword')).toBe(401);
    });

    it('does not apply the policy to currentPassword: "abc" answers 401 INVALID_CREDENTIALS, not 400', async () => {
      const email = await confirmedUser(http, newEmail('chg-oldpw'));
      const answer = await http.post('/api/v1/auth/change-password', {
        email,
        currentPassword: 'abc',
        newPassword: NEW_PASSWORD,
      });
      expectError(answer, 401, 'INVALID_CREDENTIALS');
      expect(await loginStatus(email, PASSWORD)).toBe(200);
    });

    it('answers 403 USER_NOT_CONFIRMED for an unconfirmed account, and changes nothing', async () => {
      const email = newEmail('chg-unconfirmed');
      expect((await register(email)).status).toBe(201);
      expectError(
        await http.post('/api/v1/auth/change-password', {
          email,
          currentPassword: PASSWORD,
          newPassword: NEW_PASSWORD,
        }),
        403,
        'USER_NOT_CONFIRMED',
      );
    });
  });

  describe('POST /api/v1/auth/forgot-password', () => {
    it('answers 202 with exactly the same body for an existing and an unknown email', async () => {
      const email = await confirmedUser(http, newEmail('forgot'));
      const existing = await http.post('/api/v1/auth/forgot-password', {
        email,
      });
      const unknown = await http.post('/api/v1/auth/forgot-password', {
        email: newEmail('forgot-nobody'),
      });
      expect(existing.status).toBe(202);
      expect(unknown.status).toBe(202);
      expect(unknown.body).toEqual(existing.body);
      expect(JSON.stringify(unknown.body)).toBe(JSON.stringify(existing.body));
      expect(existing.body).toEqual({
        status: 'accepted',
        message:
          'If an account exists for this email, a code has been sent to it.',
      });
    });

    it('answers 202 with the same body for an unconfirmed account', async () => {
      const email = newEmail('forgot-unconfirmed');
      expect((await register(email)).status).toBe(201);
      const unconfirmed = await http.post('/api/v1/auth/forgot-password', {
        email,
      });
      const unknown = await http.post('/api/v1/auth/forgot-password', {
        email: newEmail('forgot-nobody'),
      });
      expect(unconfirmed.status).toBe(202);
      expect(unconfirmed.body).toEqual(unknown.body);
    });
  });

  describe('POST /api/v1/auth/confirm-password', () => {
    async function withResetCode(tag: string): Promise<[string, string]> {
      const email = await confirmedUser(http, newEmail(tag));
      expect(
        (await http.post('/api/v1/auth/forgot-password', { email })).status,
      ).toBe(202);
      return [email, await lastCode(http, email, 'ForgotPassword')];
    }

    it('answers 400 CODE_MISMATCH for a wrong code, after which the old password still logs in', async () => {
      const [email, code] = await withResetCode('reset-wrong');
      const answer = await http.post('/api/v1/auth/confirm-password', {
        email,
        confirmationCode: otherThan(code),
        newPassword: NEW_PASSWORD,
      });
      expectError(answer, 400, 'CODE_MISMATCH');
      expect(await loginStatus(email, PASSWORD)).toBe(200);
      expect(await loginStatus(email, NEW_PASSWORD)).toBe(401);
    });

    it('answers 400 CODE_MISMATCH for an unknown email, the same answer as a wrong code', async () => {
      const [email, code] = await withResetCode('reset-known');
      const wrongCode = await http.post('/api/v1/auth/confirm-password', {
        email,
        confirmationCode: otherThan(code),
        newPassword: NEW_PASSWORD,
      });
      const unknown = await http.post('/api/v1/auth/confirm-password', {
        email: newEmail('reset-nobody'),
        confirmationCode: '123456',
        newPassword: NEW_PASSWORD,
      });
      expectError(unknown, 400, 'CODE_MISMATCH');
      expect(unknown.body.message).toBe(wrongCode.body.message);
    });

    it('answers 400 PASSWORD_POLICY for a weak newPassword, even with the right code, and the old password still logs in', async () => {
      const [email, code] = await withResetCode('reset-weak');
      const answer = await http.post('/api/v1/auth/confirm-password', {
        email,
        confirmationCode: code,
        newPassword: 'weakpass',
      });
      expectError(answer, 400, 'PASSWORD_POLICY');
      expect(answer.body.message).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^newPassword .*symbol/),
        ]),
      );
      expect(await loginStatus(email, PASSWORD)).toBe(200);
      expect(await loginStatus(email, 'weakpass')).toBe(401);
    });

    it('still accepts the right code after a failed attempt', async () => {
      const [email, code] = await withResetCode('reset-retry');
      expectError(
        await http.post('/api/v1/auth/confirm-password', {
          email,
          confirmationCode: otherThan(code),
          newPassword: NEW_PASSWORD,
        }),
        400,
        'CODE_MISMATCH',
      );
      const answer = await http.post('/api/v1/auth/confirm-password', {
        email,
        confirmationCode: code,
        newPassword: NEW_PASSWORD,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ status: 'success' });
      await login(http, email, NEW_PASSWORD);
    });
  });

  describe('the error shape', () => {
    const failures: [string, () => Promise<Answer>, number, string][] = [
      [
        'register of a taken email',
        async () => {
          const email = await confirmedUser(http, newEmail('shape'));
          return register(email);
        },
        409,
        'USER_EXISTS',
      ],
      [
        'register with a weak password',
        () => register(newEmail('shape'), 'weak'),
        400,
        'PASSWORD_POLICY',
      ],
      [
        'login with a wrong password',
        async () => {
          const email = await confirmedUser(http, newEmail('shape'));
          return http.post('/api/v1/auth/login', { email, password: 'nope' });
        },
        401,
        'INVALID_CREDENTIALS',
      ],
      [
        'login before confirmation',
        async () => {
          const email = newEmail('shape');
          await register(email);
          return http.post('/api/v1/auth/login', {
            email,
            password: PASSWORD,
          });
        },
        403,
        'USER_NOT_CONFIRMED',
      ],
      [
        'confirm-registration of an unknown email',
        () =>
          http.post('/api/v1/auth/confirm-registration', {
            email: newEmail('shape'),
            code: '123456',
          }),
        400,
        'CODE_MISMATCH',
      ],
      [
        'confirm-password of an unknown email',
        () =>
          http.post('/api/v1/auth/confirm-password', {
            email: newEmail('shape'),
            confirmationCode: '123456',
            newPassword: NEW_PASSWORD,
          }),
        400,
        'CODE_MISMATCH',
      ],
      [
        'change-password of an unknown email',
        () =>
          http.post('/api/v1/auth/change-password', {
            email: newEmail('shape'),
            currentPassword: PASSWORD,
            newPassword: NEW_PASSWORD,
          }),
        401,
        'INVALID_CREDENTIALS',
      ],
      [
        'forgot-password with a bad email',
        () => http.post('/api/v1/auth/forgot-password', { email: 'nope' }),
        400,
        'VALIDATION_FAILED',
      ],
    ];

    it.each(failures)(
      '%s: exactly statusCode, error, message, requestId; requestId = the x-request-id header',
      async (_name, send, status, code) => {
        const answer = await send();
        expectError(answer, status, code);
        expect(answer.body.requestId).toEqual(expect.any(String));
        expect(answer.body.requestId.length).toBeGreaterThan(0);
        expect(
          typeof answer.body.message === 'string' ||
            Array.isArray(answer.body.message),
        ).toBe(true);
      },
    );

    it('gives each request its own requestId', async () => {
      const body = { email: newEmail('ids'), password: 'nope' };
      const first = await http.post('/api/v1/auth/login', body);
      const second = await http.post('/api/v1/auth/login', body);
      expectError(first, 401, 'INVALID_CREDENTIALS');
      expectError(second, 401, 'INVALID_CREDENTIALS');
      expect(first.body.requestId).not.toBe(second.body.requestId);
    });

    it.each([
      [
        'login',
        { email: 'shape-nobody@example.com', password: 'nope' },
        401,
        'INVALID_CREDENTIALS',
      ],
      ['register', { email: 'nope' }, 400, 'VALIDATION_FAILED'],
      [
        'confirm-registration',
        { email: 'shape-nobody@example.com', code: '123456' },
        400,
        'CODE_MISMATCH',
      ],
    ])(
      'echoes a client-sent X-Request-Id: abc-123 in the header and the body (%s)',
      async (route, body, status, code) => {
        const answer = await http.post(
          `/api/v1/auth/${route}`,
          body,
          undefined,
          {
            'X-Request-Id': 'abc-123',
          },
        );
        expectError(answer, status, code);
        expect(answer.headers.get('x-request-id')).toBe('abc-123');
        expect(answer.body.requestId).toBe('abc-123');
      },
    );
  });
});
