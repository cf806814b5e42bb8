import { createRequire } from 'node:module';

interface ChallengeSessions {
  issue(username: string, challengeName: string, value?: string): string;
  consume(session: unknown, username: string, challengeName: string): unknown;
  hold(session: unknown, username: string, challengeName: string): () => void;
  readonly size: number;
}

const { createChallengeSessions } = createRequire(import.meta.url)(
  './challenge-sessions.cjs',
) as {
  createChallengeSessions: (options: {
    validityMs: number;
    now?: () => number;
    cap?: number;
  }) => ChallengeSessions;
};

const VALIDITY_MS = 3 * 60_000;
const INVALID = 'Invalid session for the user.';
const EXPIRED = 'Invalid session for the user, session is expired.';

/** What consume threw: Cognito's error code and message. */
function refusal(use: () => void): { code: string; message: string } {
  try {
    use();
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error('the session was accepted');
}

describe('challenge sessions (the embedded emulator)', () => {
  let clock: number;
  let sessions: ChallengeSessions;

  beforeEach(() => {
    clock = 1_000_000;
    sessions = createChallengeSessions({
      validityMs: VALIDITY_MS,
      now: () => clock,
    });
  });

  it('issues an opaque session of 64 url-safe characters, a new one each time', () => {
    const first = sessions.issue('alice', 'NEW_PASSWORD_REQUIRED');
    const second = sessions.issue('alice', 'NEW_PASSWORD_REQUIRED');
    expect(first).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(second).not.toBe(first);
  });

  it('takes the session once, for its user and challenge', () => {
    const session = sessions.issue('alice', 'SOFTWARE_TOKEN_MFA');
    expect(() =>
      sessions.consume(session, 'alice', 'SOFTWARE_TOKEN_MFA'),
    ).not.toThrow();
    expect(
      refusal(() => sessions.consume(session, 'alice', 'SOFTWARE_TOKEN_MFA')),
    ).toEqual({ code: 'NotAuthorizedException', message: INVALID });
  });

  it('gives back with the session what it was issued with, kept through a refused answer', () => {
    const session = sessions.issue('alice', 'EMAIL_OTP', '043810');
    expect(
      refusal(() => sessions.consume(session, 'alice', 'SELECT_CHALLENGE')),
    ).toEqual({ code: 'NotAuthorizedException', message: INVALID });
    expect(sessions.consume(session, 'alice', 'EMAIL_OTP')).toBe('043810');
    const bare = sessions.issue('alice', 'SELECT_CHALLENGE');
    expect(sessions.consume(bare, 'alice', 'SELECT_CHALLENGE')).toBeUndefined();
  });

  it.each([
    ['a forged session', 'x', 'alice', 'SOFTWARE_TOKEN_MFA'],
    ['no session', undefined, 'alice', 'SOFTWARE_TOKEN_MFA'],
    ['another user', 'issued', 'bob', 'SOFTWARE_TOKEN_MFA'],
    ['another challenge', 'issued', 'alice', 'NEW_PASSWORD_REQUIRED'],
    ['no user', 'issued', undefined, 'SOFTWARE_TOKEN_MFA'],
  ])(
    'refuses %s with NotAuthorizedException "Invalid session for the user."',
    (_, given, username, challenge) => {
      const issued = sessions.issue('alice', 'SOFTWARE_TOKEN_MFA');
      const session = given === 'issued' ? issued : given;
      expect(
        refusal(() => sessions.consume(session, username as string, challenge)),
      ).toEqual({ code: 'NotAuthorizedException', message: INVALID });
      // A refused answer does not use up the user's own session.
      expect(() =>
        sessions.consume(issued, 'alice', 'SOFTWARE_TOKEN_MFA'),
      ).not.toThrow();
    },
  );

  it('takes the session up to the end of its validity, and refuses it as expired after', () => {
    const kept = sessions.issue('alice', 'NEW_PASSWORD_REQUIRED');
    const late = sessions.issue('alice', 'NEW_PASSWORD_REQUIRED');
    clock += VALIDITY_MS - 1;
    expect(() =>
      sessions.consume(kept, 'alice', 'NEW_PASSWORD_REQUIRED'),
    ).not.toThrow();
    clock += 1;
    expect(
      refusal(() => sessions.consume(late, 'alice', 'NEW_PASSWORD_REQUIRED')),
    ).toEqual({ code: 'NotAuthorizedException', message: EXPIRED });
    // And gone: asked again, it is unknown.
    expect(
      refusal(() => sessions.consume(late, 'alice', 'NEW_PASSWORD_REQUIRED')),
    ).toEqual({ code: 'NotAuthorizedException', message: INVALID });
  });

  it('holds the session while its answer runs, and takes it back for an answer refused for itself', () => {
    const session = sessions.issue('alice', 'SOFTWARE_TOKEN_MFA');
    expect(
      refusal(() => sessions.hold(session, 'bob', 'SOFTWARE_TOKEN_MFA')),
    ).toEqual({ code: 'NotAuthorizedException', message: INVALID });
    const giveBack = sessions.hold(session, 'alice', 'SOFTWARE_TOKEN_MFA');
    // Held: a second answer at the same time is refused.
    expect(
      refusal(() => sessions.hold(session, 'alice', 'SOFTWARE_TOKEN_MFA')),
    ).toEqual({ code: 'NotAuthorizedException', message: INVALID });
    giveBack();
    giveBack();
    const again = sessions.hold(session, 'alice', 'SOFTWARE_TOKEN_MFA');
    // Given back with its first lifetime, not a new one.
    clock += VALIDITY_MS;
    again();
    expect(
      refusal(() => sessions.consume(session, 'alice', 'SOFTWARE_TOKEN_MFA')),
    ).toEqual({ code: 'NotAuthorizedException', message: INVALID });
    expect(sessions.size).toBe(0);
  });

  it('drops expired sessions as new ones come, and keeps at most its cap', () => {
    for (let i = 0; i < 50; i++) sessions.issue(`user${i}`, 'SMS_MFA');
    expect(sessions.size).toBe(50);
    clock += VALIDITY_MS;
    sessions.issue('late', 'SMS_MFA');
    expect(sessions.size).toBe(1);

    const capped = createChallengeSessions({
      validityMs: VALIDITY_MS,
      now: () => clock,
      cap: 3,
    });
    const oldest = capped.issue('first', 'SMS_MFA');
    for (let i = 0; i < 5; i++) capped.issue(`user${i}`, 'SMS_MFA');
    expect(capped.size).toBe(3);
    expect(refusal(() => capped.consume(oldest, 'first', 'SMS_MFA'))).toEqual({
      code: 'NotAuthorizedException',
      message: INVALID,
    });
  });
});
