import { generate } from 'otplib';
import { useApp } from './support/app.js';
import { adminCreateUser } from './support/cognito-admin.js';
import { expectError, type Answer } from './support/http.js';
import { PASSWORD, newEmail, totpUser } from './support/users.js';

/**
 * A challenge answer needs the session Cognito issued for that user and
 * that challenge, used once (README, "Known limits"). cognito-local took any
 * string; the embedded emulator now checks it as Cognito does
 * (src/cognito/emulator/challenge-answers.cjs), and a refused session is
 * 401 and counts like a failed password.
 */
const FAILURES = 5;
const app = useApp({
  RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: String(FAILURES),
});

const TEMPORARY = 'Tempor4ry!';
const CHOSEN = 'Ch0sen-Passw0rd!';
const OTHER = 'An0ther-Passw0rd!';
const FORGED = 'x';

const post = (path: string, body: object): Promise<Answer> =>
  app.http.post(`/api/v1/auth/${path}`, body);

/** A user an admin created: the first login asks NEW_PASSWORD_REQUIRED. */
async function adminCreated(tag: string): Promise<string> {
  const email = newEmail(tag);
  const { connection } = app.server;
  const created = await adminCreateUser(
    connection.endpoint!,
    connection.userPoolId,
    email,
    TEMPORARY,
  );
  expect(created.status).toBe(200);
  return email;
}

/** Logs in and returns the session of the challenge asked (`challenge`). */
async function sessionOf(
  email: string,
  password: string,
  challenge: string,
): Promise<string> {
  const answer = await post('login', { email, password });
  expect(answer.status).toBe(200);
  expect(answer.body.challenge).toBe(challenge);
  return answer.body.session as string;
}

const newPassword = (email: string, session: string, password = CHOSEN) =>
  post('challenge', {
    email,
    challenge: 'NEW_PASSWORD_REQUIRED',
    session,
    newPassword: password,
  });

describe('NEW_PASSWORD_REQUIRED needs the session issued for it', () => {
  it('refuses a forged session: 401 UNAUTHORIZED, no tokens, and the password stays the temporary one', async () => {
    const email = await adminCreated('forged-npr');
    await sessionOf(email, TEMPORARY, 'NEW_PASSWORD_REQUIRED');
    const answer = await newPassword(email, FORGED);
    expectError(answer, 401, 'UNAUTHORIZED');
    expect(answer.body).not.toHaveProperty('accessToken');
    // Still the temporary password: the chosen one signs nobody in.
    await sessionOf(email, TEMPORARY, 'NEW_PASSWORD_REQUIRED');
    expectError(
      await post('login', { email, password: CHOSEN }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it("refuses another user's session: 401, and that session still serves its own user", async () => {
    const victim = await adminCreated('victim-npr');
    const attacker = await adminCreated('attacker-npr');
    const attackersSession = await sessionOf(
      attacker,
      TEMPORARY,
      'NEW_PASSWORD_REQUIRED',
    );
    expectError(
      await newPassword(victim, attackersSession),
      401,
      'UNAUTHORIZED',
    );
    await sessionOf(victim, TEMPORARY, 'NEW_PASSWORD_REQUIRED');
    const own = await newPassword(attacker, attackersSession);
    expect(own.status).toBe(200);
    expect(own.body.accessToken).toMatch(/^ey/);
  });

  it('refuses a session used once already (replayed): 401, and the password set by the first answer stays', async () => {
    const email = await adminCreated('replay-npr');
    const session = await sessionOf(email, TEMPORARY, 'NEW_PASSWORD_REQUIRED');
    expect((await newPassword(email, session)).status).toBe(200);
    expectError(await newPassword(email, session, OTHER), 401, 'UNAUTHORIZED');
    expect((await post('login', { email, password: CHOSEN })).status).toBe(200);
    expectError(
      await post('login', { email, password: OTHER }),
      401,
      'INVALID_CREDENTIALS',
    );
  });
});

describe('SOFTWARE_TOKEN_MFA needs the session issued for it', () => {
  let email: string;
  let secretCode: string;
  const totp = (): Promise<string> =>
    generate({ secret: secretCode, epoch: Math.floor(Date.now() / 1000) });
  const mfa = async (session: string): Promise<Answer> =>
    post('challenge', {
      email,
      challenge: 'SOFTWARE_TOKEN_MFA',
      session,
      code: await totp(),
    });

  beforeAll(async () => {
    ({ email, secret: secretCode } = await totpUser(
      app.http,
      newEmail('totp-sessions'),
    ));
  });

  it('refuses a forged session with a valid code: 401 UNAUTHORIZED, no tokens (the password is not skipped)', async () => {
    const answer = await mfa(FORGED);
    expectError(answer, 401, 'UNAUTHORIZED');
    expect(answer.body).not.toHaveProperty('accessToken');
  });

  it('refuses a NEW_PASSWORD_REQUIRED answer in a SOFTWARE_TOKEN_MFA session: 401, and the password is unchanged', async () => {
    const session = await sessionOf(email, PASSWORD, 'SOFTWARE_TOKEN_MFA');
    expectError(await newPassword(email, session, OTHER), 401, 'UNAUTHORIZED');
    expectError(
      await post('login', { email, password: OTHER }),
      401,
      'INVALID_CREDENTIALS',
    );
    // The session is still good for the challenge it was issued for.
    const answer = await mfa(session);
    expect(answer.status).toBe(200);
    expect(answer.body.accessToken).toMatch(/^ey/);
  });

  it('takes the session once: the same session and a valid code again is 401', async () => {
    const session = await sessionOf(email, PASSWORD, 'SOFTWARE_TOKEN_MFA');
    expect((await mfa(session)).status).toBe(200);
    const replayed = await mfa(session);
    expectError(replayed, 401, 'UNAUTHORIZED');
    expect(replayed.body).not.toHaveProperty('accessToken');
  });
});

describe('one session, two answers at once', () => {
  it('signs in one of them only: one 200 with tokens, one 401 that changed nothing', async () => {
    const email = await adminCreated('race-npr');
    const session = await sessionOf(email, TEMPORARY, 'NEW_PASSWORD_REQUIRED');
    const answers = await Promise.all([
      newPassword(email, session),
      newPassword(email, session, OTHER),
    ]);
    expect(answers.map((a) => a.status).sort((x, y) => x - y)).toEqual([
      200, 401,
    ]);
    const won = answers.find((a) => a.status === 200)!;
    expect(won.body.accessToken).toMatch(/^ey/);
    expectError(
      answers.find((a) => a.status === 401)!,
      401,
      'UNAUTHORIZED',
    );
    // The password is the one of the answer that won.
    const [kept, lost] =
      answers[0].status === 200 ? [CHOSEN, OTHER] : [OTHER, CHOSEN];
    expect((await post('login', { email, password: kept })).status).toBe(200);
    expectError(
      await post('login', { email, password: lost }),
      401,
      'INVALID_CREDENTIALS',
    );
  });
});

describe('a refused session counts like a failed password', () => {
  it(`answers 429 after ${FAILURES} refused sessions for an email from one address, at the challenge and at login`, async () => {
    const email = await adminCreated('guesser');
    for (let i = 0; i < FAILURES; i++) {
      expectError(
        await newPassword(email, `${FORGED}${i}`),
        401,
        'UNAUTHORIZED',
      );
    }
    expectError(await newPassword(email, FORGED), 429, 'TOO_MANY_REQUESTS');
    expectError(
      await post('login', { email, password: TEMPORARY }),
      429,
      'TOO_MANY_REQUESTS',
    );
  });
});
