import { startApp, type TestApp } from './support/app.js';
import { Http, expectError, type Answer } from './support/http.js';
import { median, timed } from './support/timing.js';
import { PASSWORD, confirmedUser, newEmail } from './support/users.js';

/**
 * Whether an account exists must not show: not in the status, not in the
 * body, not in the time a refusal takes (the AUTH_FAILURE_MIN_MS floor).
 */

const FLOOR_MS = 250;
/** Timers may fire a hair early; performance.now() and Date.now() round differently. */
const TIMER_SLACK_MS = 2;
const SAMPLES = 10;

/** An answer with its exact bytes, for byte-for-byte comparisons. */
interface RawAnswer {
  status: number;
  text: string;
  headers: Headers;
}

/** The body of an error answer without its (per-request) requestId. */
function withoutRequestId(answer: Answer): Record<string, unknown> {
  const { requestId, ...rest } = answer.body as Record<string, unknown>;
  expect(requestId).toEqual(expect.any(String));
  return rest;
}

describe('account enumeration (embedded Cognito)', () => {
  let server: TestApp;
  let http: Http;
  let known: string;
  let unconfirmed: string;

  async function postRaw(path: string, body: unknown): Promise<RawAnswer> {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      text: await response.text(),
      headers: response.headers,
    };
  }

  beforeAll(async () => {
    server = await startApp({
      AUTH_FAILURE_MIN_MS: String(FLOOR_MS),
      // Many failed logins for one email on purpose: keep the limits out of the way.
      RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL: '1000',
      RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: '1000',
      RATE_LIMIT_REQUESTS_PER_EMAIL: '1000',
      RATE_LIMIT_IP_PER_MINUTE: '100000',
    });
    http = new Http(server.url);
    known = await confirmedUser(http, newEmail('known'));
    unconfirmed = newEmail('unconfirmed');
    const registered = await http.post('/api/v1/auth/register', {
      name: 'Brock',
      email: unconfirmed,
      password: PASSWORD,
    });
    expect(registered.status).toBe(201);
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('login', () => {
    it('answers an unknown email and a wrong password for a real user with the same 401 and the same body, requestId aside', async () => {
      const unknown = await http.post('/api/v1/auth/login', {
        email: newEmail('nobody'),
        password: 'Wr0ng-Passw0rd!',
      });
      const wrong = await http.post('/api/v1/auth/login', {
        email: known,
        password: 'Wr0ng-Passw0rd!',
      });
      expectError(unknown, 401, 'INVALID_CREDENTIALS');
      expectError(wrong, 401, 'INVALID_CREDENTIALS');
      expect(withoutRequestId(wrong)).toEqual(withoutRequestId(unknown));
      expect(withoutRequestId(unknown)).toEqual({
        statusCode: 401,
        error: 'INVALID_CREDENTIALS',
        message: 'Incorrect email or password.',
      });
      expect(wrong.headers.get('content-type')).toBe(
        unknown.headers.get('content-type'),
      );
      expect(wrong.headers.get('retry-after')).toBeNull();
      expect(unknown.headers.get('retry-after')).toBeNull();
    });

    it('answers a wrong password for an UNCONFIRMED user like an unknown email (401, not 403 USER_NOT_CONFIRMED)', async () => {
      const wrong = await http.post('/api/v1/auth/login', {
        email: unconfirmed,
        password: 'Wr0ng-Passw0rd!',
      });
      const unknown = await http.post('/api/v1/auth/login', {
        email: newEmail('nobody'),
        password: 'Wr0ng-Passw0rd!',
      });
      expectError(wrong, 401, 'INVALID_CREDENTIALS');
      expect(withoutRequestId(wrong)).toEqual(withoutRequestId(unknown));
    });

    it(`takes at least AUTH_FAILURE_MIN_MS (${FLOOR_MS} ms) for every refusal, and as long for an unknown email as for a wrong password (medians < 50 ms apart)`, async () => {
      // One of each first, unmeasured: connections and code paths warm up.
      await http.post('/api/v1/auth/login', {
        email: newEmail('warm'),
        password: 'Wr0ng-Passw0rd!',
      });
      await http.post('/api/v1/auth/login', {
        email: known,
        password: 'Wr0ng-Passw0rd!',
      });

      const unknownMs: number[] = [];
      const wrongMs: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const unknown = await timed(() =>
          http.post('/api/v1/auth/login', {
            email: newEmail('nobody'),
            password: `Wr0ng-Passw0rd!${i}`,
          }),
        );
        const wrong = await timed(() =>
          http.post('/api/v1/auth/login', {
            email: known,
            password: `Wr0ng-Passw0rd!${i}`,
          }),
        );
        expectError(unknown.result, 401, 'INVALID_CREDENTIALS');
        expectError(wrong.result, 401, 'INVALID_CREDENTIALS');
        unknownMs.push(unknown.ms);
        wrongMs.push(wrong.ms);
      }

      const unknownMedian = median(unknownMs);
      const wrongMedian = median(wrongMs);
      const difference = Math.abs(unknownMedian - wrongMedian);
      console.log(
        `[enumeration] login refusals over ${SAMPLES} samples each (floor ${FLOOR_MS} ms): ` +
          `unknown email median ${unknownMedian.toFixed(1)} ms ` +
          `[${unknownMs.map((ms) => ms.toFixed(0)).join(', ')}]; ` +
          `wrong password median ${wrongMedian.toFixed(1)} ms ` +
          `[${wrongMs.map((ms) => ms.toFixed(0)).join(', ')}]; ` +
          `difference ${difference.toFixed(1)} ms`,
      );

      for (const ms of [...unknownMs, ...wrongMs]) {
        expect(ms).toBeGreaterThanOrEqual(FLOOR_MS - TIMER_SLACK_MS);
      }
      expect(difference).toBeLessThan(50);
    });
  });

  describe.each([['forgot-password'], ['resend-confirmation']])(
    'POST /api/v1/auth/%s',
    (route) => {
      it('answers a known, an unknown and an unconfirmed email with 202 and byte-identical bodies', async () => {
        const answers = {
          known: await postRaw(`/api/v1/auth/${route}`, { email: known }),
          unknown: await postRaw(`/api/v1/auth/${route}`, {
            email: newEmail('nobody'),
          }),
          unconfirmed: await postRaw(`/api/v1/auth/${route}`, {
            email: unconfirmed,
          }),
        };
        for (const answer of Object.values(answers)) {
          expect(answer.status).toBe(202);
          expect(answer.headers.get('content-type')).toMatch(
            /^application\/json/,
          );
          expect(answer.headers.get('retry-after')).toBeNull();
        }
        expect(answers.unknown.text).toBe(answers.known.text);
        expect(answers.unconfirmed.text).toBe(answers.known.text);
        expect(JSON.parse(answers.known.text)).toEqual({
          status: 'accepted',
          message:
            'If an account exists for this email, a code has been sent to it.',
        });
      });
    },
  );
});
