import { generate } from 'otplib';
import { useApp } from './support/app.js';
import { expectCookieOnlySignIn } from './support/cookies.js';
import { expectError, type Answer, type Http } from './support/http.js';
import { SoftwareAuthenticator } from './support/software-authenticator.js';
import {
  PASSWORD,
  confirmedUser,
  lastCode,
  login,
  newEmail,
  totpUser,
} from './support/users.js';

const TOKEN_KEYS = [
  'accessToken',
  'expiresIn',
  'idToken',
  'refreshToken',
  'tokenType',
  'username',
];

function start(http: Http, email: string, method: string): Promise<Answer> {
  return http.post('/api/v1/auth/login/passwordless', { email, method });
}

function answer(
  http: Http,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return http.post('/api/v1/auth/challenge', body, undefined, headers);
}

/** The codes the dev outbox holds for an address, of one kind. */
async function outboxCodes(
  http: Http,
  email: string,
  kind: string,
): Promise<string[]> {
  const outbox = await http.get<{ kind: string; code: string }[]>(
    `/api/v1/dev/outbox?email=${encodeURIComponent(email)}`,
  );
  expect(outbox.status).toBe(200);
  return outbox.body.filter((m) => m.kind === kind).map((m) => m.code);
}

/** A user with a passkey registered through the routes. */
async function userWithPasskey(
  http: Http,
  tag: string,
): Promise<{ email: string; authenticator: SoftwareAuthenticator }> {
  const email = await confirmedUser(http, newEmail(tag));
  const { accessToken } = await login(http, email);
  const authenticator = new SoftwareAuthenticator();
  const options = await http.post(
    '/api/v1/auth/passkeys/options',
    undefined,
    accessToken,
  );
  expect(options.status).toBe(200);
  const added = await http.post(
    '/api/v1/auth/passkeys',
    { credential: authenticator.register(options.body.options) },
    accessToken,
  );
  expect(added.status).toBe(201);
  return { email, authenticator };
}

/** Key names of an object and of its nested objects, for comparing shapes. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value !== 'object' || value === null) return typeof value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, shapeOf(inner)]),
  );
}

/**
 * Email codes and the passwordless forms of POST /auth/challenge over HTTP
 * against the embedded emulator (README, "Passkeys and email codes"), and
 * what the answers do not tell: unknown emails and users without the
 * factor get a decoy of the same shape.
 */
describe('passwordless sign-in: POST /auth/login/passwordless and /auth/challenge (embedded Cognito)', () => {
  const app = useApp();

  it('signs in with an emailed code (outbox kind EMAIL_OTP), once', async () => {
    const email = await confirmedUser(app.http, newEmail('otp'));
    const started = await start(app.http, email, 'EMAIL_OTP');
    expect(started.status).toBe(200);
    expect(started.body).toEqual({
      challenge: 'EMAIL_OTP',
      session: expect.any(String),
      codeDeliveryDestination: 'o***@e***',
    });
    const code = await lastCode(app.http, email, 'EMAIL_OTP');
    const body = {
      email,
      challenge: 'EMAIL_OTP',
      session: started.body.session,
      code,
    };
    const signedIn = await answer(app.http, body);
    expect(signedIn.status).toBe(200);
    expect(Object.keys(signedIn.body).sort()).toEqual(TOKEN_KEYS);
    const me = await app.http.get('/api/v1/auth/me', signedIn.body.accessToken);
    expect(me.body.email).toBe(email);
    // Single use.
    expectError(await answer(app.http, body), 401, 'INVALID_CREDENTIALS');
  });

  it('refuses a wrong code with 401 INVALID_CREDENTIALS, and then the right code on that spent session', async () => {
    const email = await confirmedUser(app.http, newEmail('otpwrong'));
    const started = await start(app.http, email, 'EMAIL_OTP');
    const code = await lastCode(app.http, email, 'EMAIL_OTP');
    const wrong = code === '000000' ? '111111' : '000000';
    const send = (c: string) =>
      answer(app.http, {
        email,
        challenge: 'EMAIL_OTP',
        session: started.body.session,
        code: c,
      });
    const refused = await send(wrong);
    expectError(refused, 401, 'INVALID_CREDENTIALS');
    expect(refused.body.message).toBe(
      'The passkey or code was not accepted, or the sign-in has expired; sign in again.',
    );
    expectError(await send(code), 401, 'INVALID_CREDENTIALS');
  });

  it('refuses bodies that are not an answer: 400 VALIDATION_FAILED', async () => {
    const email = newEmail('otpbody');
    for (const body of [
      { email, challenge: 'EMAIL_OTP', session: 's', code: '12ab56' },
      { email, challenge: 'EMAIL_OTP', session: 's', code: '12345' },
      { email, challenge: 'EMAIL_OTP', session: 's' },
      { email, challenge: 'WEB_AUTHN', session: 's' },
      { email, challenge: 'WEB_AUTHN', session: 's', credential: 'x' },
    ]) {
      expectError(await answer(app.http, body), 400, 'VALIDATION_FAILED');
    }
    for (const method of ['PASSWORD', 'SMS_OTP', undefined]) {
      expectError(
        await start(app.http, email, method as string),
        400,
        'VALIDATION_FAILED',
      );
    }
  });

  describe('answers every email alike', () => {
    it('WEB_AUTHN: an unknown email, an unconfirmed one and a user without a passkey get what a user with one gets', async () => {
      const real = await userWithPasskey(app.http, 'pkreal');
      const withoutPasskey = await confirmedUser(app.http, newEmail('nopk'));
      const unconfirmed = newEmail('unconf');
      expect(
        (
          await app.http.post('/api/v1/auth/register', {
            name: 'Ash',
            email: unconfirmed,
            password: PASSWORD,
          })
        ).status,
      ).toBe(201);
      const realAnswer = await start(app.http, real.email, 'WEB_AUTHN');
      expect(realAnswer.status).toBe(200);
      const others = [newEmail('nobody'), withoutPasskey, unconfirmed];
      for (const email of others) {
        const decoy = await start(app.http, email, 'WEB_AUTHN');
        expect(decoy.status).toBe(realAnswer.status);
        expect(Object.keys(decoy.body)).toEqual(Object.keys(realAnswer.body));
        expect(decoy.body.challenge).toBe('WEB_AUTHN');
        expect(shapeOf(decoy.body)).toEqual(shapeOf(realAnswer.body));
        const { options } = decoy.body;
        const realOptions = realAnswer.body.options;
        expect(Object.keys(options)).toEqual(Object.keys(realOptions));
        for (const key of ['rpId', 'timeout', 'userVerification']) {
          expect(options[key]).toEqual(realOptions[key]);
        }
        expect(options.challenge).not.toBe(realOptions.challenge);
        expect(options.challenge.length).toBe(realOptions.challenge.length);
        expect(options.allowCredentials[0].id.length).toBe(
          realOptions.allowCredentials[0].id.length,
        );
        // The session looks like one: the same prefix and length.
        expect(decoy.body.session.length).toBe(realAnswer.body.session.length);
        expect(decoy.body.session.slice(0, 3)).toBe(
          realAnswer.body.session.slice(0, 3),
        );
        // As a real user's, the credential id stays the same from one request to the next.
        const again = await start(app.http, email, 'WEB_AUTHN');
        expect(again.body.options.allowCredentials).toEqual(
          options.allowCredentials,
        );
        expect(again.body.options.challenge).not.toBe(options.challenge);
      }
    });

    it('a decoy WEB_AUTHN session passes no assertion: 401 INVALID_CREDENTIALS, as a refused passkey', async () => {
      const email = await confirmedUser(app.http, newEmail('nopkanswer'));
      const decoy = await start(app.http, email, 'WEB_AUTHN');
      expect(decoy.status).toBe(200);
      const refused = await answer(app.http, {
        email,
        challenge: 'WEB_AUTHN',
        session: decoy.body.session,
        credential: new SoftwareAuthenticator().authenticate(
          decoy.body.options,
        ),
      });
      expectError(refused, 401, 'INVALID_CREDENTIALS');
      const unknown = newEmail('nobodyanswer');
      const decoyOfNobody = await start(app.http, unknown, 'WEB_AUTHN');
      const refusedToo = await answer(app.http, {
        email: unknown,
        challenge: 'WEB_AUTHN',
        session: decoyOfNobody.body.session,
        credential: new SoftwareAuthenticator().authenticate(
          decoyOfNobody.body.options,
        ),
      });
      expectError(refusedToo, 401, 'INVALID_CREDENTIALS');
      expect(refusedToo.body.message).toBe(refused.body.message);
    });

    it('EMAIL_OTP: an unknown email gets what a user gets, no code is sent, and no code passes its session', async () => {
      const known = await confirmedUser(app.http, newEmail('otpknown'));
      const unknown = newEmail('otpnobody');
      const real = await start(app.http, known, 'EMAIL_OTP');
      const decoy = await start(app.http, unknown, 'EMAIL_OTP');
      expect(decoy.status).toBe(real.status);
      expect(shapeOf(decoy.body)).toEqual(shapeOf(real.body));
      expect(decoy.body.challenge).toBe('EMAIL_OTP');
      expect(decoy.body.codeDeliveryDestination).toBe('o***@e***');
      expect(decoy.body.session.length).toBe(real.body.session.length);
      expect(await outboxCodes(app.http, unknown, 'EMAIL_OTP')).toEqual([]);
      expectError(
        await answer(app.http, {
          email: unknown,
          challenge: 'EMAIL_OTP',
          session: decoy.body.session,
          code: '123456',
        }),
        401,
        'INVALID_CREDENTIALS',
      );
    });
  });

  it('asks a user with TOTP on for the TOTP code after the email code: no tokens for the email code alone', async () => {
    const { email, secret } = await totpUser(app.http, newEmail('otptotp'));

    const started = await start(app.http, email, 'EMAIL_OTP');
    const afterCode = await answer(app.http, {
      email,
      challenge: 'EMAIL_OTP',
      session: started.body.session,
      code: await lastCode(app.http, email, 'EMAIL_OTP'),
    });
    expect(afterCode.status).toBe(200);
    expect(afterCode.body).toMatchObject({
      challenge: 'SOFTWARE_TOKEN_MFA',
      session: expect.any(String),
    });
    expect(afterCode.body).not.toHaveProperty('accessToken');
    const signedIn = await answer(app.http, {
      email,
      challenge: 'SOFTWARE_TOKEN_MFA',
      session: afterCode.body.session,
      code: await generate({ secret }),
    });
    expect(signedIn.status).toBe(200);
    expect(Object.keys(signedIn.body).sort()).toEqual(TOKEN_KEYS);
  });

  it('in cookie mode with X-Auth-Cookies: only, sets the cookies and answers no token in the body', async () => {
    const email = await confirmedUser(app.http, newEmail('otpcookie'));
    const started = await start(app.http, email, 'EMAIL_OTP');
    const marked = await answer(
      app.http,
      {
        email,
        challenge: 'EMAIL_OTP',
        session: started.body.session,
        code: await lastCode(app.http, email, 'EMAIL_OTP'),
      },
      { 'x-auth-cookies': 'only' },
    );
    expectCookieOnlySignIn(marked);
  });
});

describe('passwordless sign-in: rate limits (embedded Cognito)', () => {
  const app = useApp({
    RATE_LIMIT_REQUESTS_PER_EMAIL: '6',
    RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: '2',
  });

  it('limits POST /login/passwordless per (email, address), known or not: 429 with Retry-After', async () => {
    for (const email of [
      await confirmedUser(app.http, newEmail('limknown')),
      newEmail('limnobody'),
    ]) {
      for (let i = 0; i < 6; i += 1) {
        expect((await start(app.http, email, 'WEB_AUTHN')).status).toBe(200);
      }
      const limited = await start(app.http, email, 'WEB_AUTHN');
      expectError(limited, 429, 'TOO_MANY_REQUESTS');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.body.message).toMatch(/^Too many requests for this email/);
    }
  });

  it('counts EMAIL_OTP in the per-email limit of the routes that send a message; WEB_AUTHN is not', async () => {
    const email = await confirmedUser(app.http, newEmail('limotp'));
    // confirmedUser used 2 (register, confirm-registration); 4 more fill it.
    for (let i = 0; i < 4; i += 1) {
      expect(
        (await app.http.post('/api/v1/auth/resend-confirmation', { email }))
          .status,
      ).toBe(202);
    }
    expectError(
      await start(app.http, email, 'EMAIL_OTP'),
      429,
      'TOO_MANY_REQUESTS',
    );
    expect(await outboxCodes(app.http, email, 'EMAIL_OTP')).toEqual([]);
    expect((await start(app.http, email, 'WEB_AUTHN')).status).toBe(200);
  });

  it('counts wrong email codes like failed passwords: past the limit, 429 even for the right code', async () => {
    const email = await confirmedUser(app.http, newEmail('limwrong'));
    const started = await start(app.http, email, 'EMAIL_OTP');
    const code = await lastCode(app.http, email, 'EMAIL_OTP');
    const wrong = code === '000000' ? '111111' : '000000';
    const send = (c: string, session: string) =>
      answer(app.http, { email, challenge: 'EMAIL_OTP', session, code: c });
    expectError(
      await send(wrong, started.body.session),
      401,
      'INVALID_CREDENTIALS',
    );
    const second = await start(app.http, email, 'EMAIL_OTP');
    expectError(
      await send(wrong, second.body.session),
      401,
      'INVALID_CREDENTIALS',
    );
    const third = await start(app.http, email, 'EMAIL_OTP');
    const limited = await send(
      await lastCode(app.http, email, 'EMAIL_OTP'),
      third.body.session,
    );
    expectError(limited, 429, 'TOO_MANY_REQUESTS');
    expect(limited.body.message).toMatch(/^Too many failed attempts/);
  });
});

describe('AUTH_PASSWORDLESS=false (embedded Cognito)', () => {
  const app = useApp({ AUTH_PASSWORDLESS: 'false' });

  it('answers 404 NOT_FOUND on every passwordless route and form, and GET /me has no factors; password login works', async () => {
    const email = await confirmedUser(app.http, newEmail('off'));
    const tokens = await login(app.http, email);
    expectError(await start(app.http, email, 'EMAIL_OTP'), 404, 'NOT_FOUND');
    expect(await outboxCodes(app.http, email, 'EMAIL_OTP')).toEqual([]);
    expectError(
      await answer(app.http, {
        email,
        challenge: 'EMAIL_OTP',
        session: 'ua.x',
        code: '123456',
      }),
      404,
      'NOT_FOUND',
    );
    // With the access token or without any: as a route that does not exist.
    const withToken: Record<string, string> = {
      authorization: `Bearer ${tokens.accessToken}`,
    };
    for (const headers of [withToken, {}]) {
      for (const [method, path] of [
        ['GET', '/passkeys'],
        ['POST', '/passkeys/options'],
        ['POST', '/passkeys'],
        ['DELETE', '/passkeys/abc'],
      ]) {
        const answer = await app.http.raw(
          method!,
          `/api/v1/auth${path}`,
          undefined,
          headers,
        );
        expectError(answer, 404, 'NOT_FOUND');
        expect(answer.body.message).toBe(
          `Cannot ${method} /api/v1/auth${path}`,
        );
      }
    }
    const me = await app.http.get('/api/v1/auth/me', tokens.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).not.toHaveProperty('factors');
  });
});
