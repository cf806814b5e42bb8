import { useApp } from './support/app.js';
import type { Answer } from './support/http.js';
import {
  PASSWORD,
  confirmedUser,
  lastCode,
  login,
  newEmail,
} from './support/users.js';

/**
 * Answers that carry tokens, codes or secrets are never cached (README,
 * "Errors"): `Cache-Control: no-store` on every /api/v1/auth answer, errors
 * included, and on the dev outbox. And confirm-registration answers a wrong
 * code the same way whether the email has no account, an unconfirmed one
 * or a confirmed one, so it tells no one which accounts exist.
 */
describe('Cache-Control: no-store on the auth routes and the dev outbox (embedded Cognito)', () => {
  const app = useApp();
  let email: string;
  let accessToken: string;

  beforeAll(async () => {
    email = await confirmedUser(app.http, newEmail('nostore'));
    accessToken = (await login(app.http, email)).accessToken;
  });

  const expectNoStore = (answer: Answer, status: number): void => {
    expect({
      status: answer.status,
      cacheControl: answer.headers.get('cache-control'),
    }).toEqual({ status, cacheControl: 'no-store' });
  };

  it('marks successes that carry tokens, the profile and secrets', async () => {
    const signedIn = await app.http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expectNoStore(signedIn, 200);
    expectNoStore(
      await app.http.post('/api/v1/auth/refresh', {
        refreshToken: signedIn.body.refreshToken,
      }),
      200,
    );
    expectNoStore(await app.http.get('/api/v1/auth/me', accessToken), 200);
    expectNoStore(
      await app.http.post(
        '/api/v1/auth/mfa/totp/setup',
        undefined,
        accessToken,
      ),
      200,
    );
    expectNoStore(
      await app.http.post('/api/v1/auth/forgot-password', { email }),
      202,
    );
  });

  it('marks errors too: 400, 401, 404 under /api/v1/auth', async () => {
    expectNoStore(
      await app.http.post('/api/v1/auth/login', {
        email,
        password: 'Wr0ng-Passw0rd!',
      }),
      401,
    );
    expectNoStore(await app.http.get('/api/v1/auth/me'), 401);
    expectNoStore(await app.http.post('/api/v1/auth/register', {}), 400);
    expectNoStore(await app.http.get('/api/v1/auth/no-such-route'), 404);
  });

  it('marks the dev outbox, its codes and its errors', async () => {
    expectNoStore(
      await app.http.get(
        `/api/v1/dev/outbox?email=${encodeURIComponent(email)}`,
      ),
      200,
    );
    expectNoStore(await app.http.get('/api/v1/dev/outbox'), 200);
    expectNoStore(await app.http.get('/api/v1/dev/outbox?email=nope'), 400);
  });
});

describe('confirm-registration with a wrong code (embedded Cognito)', () => {
  const app = useApp();

  /** What a client sees of an answer, but the request id. */
  const seen = (answer: Answer): unknown => {
    const { requestId, ...body } = answer.body as Record<string, unknown>;
    expect(requestId).toEqual(expect.any(String));
    return { status: answer.status, body };
  };
  const confirm = (email: string, code: string): Promise<Answer> =>
    app.http.post('/api/v1/auth/confirm-registration', { email, code });

  it('answers alike for an unknown email, an unconfirmed account and a confirmed one', async () => {
    const unconfirmed = newEmail('unconfirmed');
    const registered = await app.http.post('/api/v1/auth/register', {
      name: 'Ash',
      email: unconfirmed,
      password: PASSWORD,
    });
    expect(registered.status).toBe(201);
    const sent = await lastCode(app.http, unconfirmed, 'SignUp');
    const wrong = sent === '000000' ? '111111' : '000000';
    const confirmed = await confirmedUser(app.http, newEmail('confirmed'));

    const answers = [
      seen(await confirm(newEmail('unknown'), wrong)),
      seen(await confirm(unconfirmed, wrong)),
      seen(await confirm(confirmed, wrong)),
    ];
    expect(answers[0]).toMatchObject({
      status: 400,
      body: { statusCode: 400, error: 'CODE_MISMATCH' },
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    // The unconfirmed account still confirms with its own code.
    expect((await confirm(unconfirmed, sent)).status).toBe(200);
  });
});
