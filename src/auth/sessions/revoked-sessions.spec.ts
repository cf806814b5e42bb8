import type { AuthUser } from '../auth-user.js';
import { RevokedSessions } from './revoked-sessions.js';
import { useFakeClock } from '../../../test/support/clock.js';

const AUTH_TIME = 1_900_000_000;
const START_MS = Date.UTC(2030, 0, 1);
/** SESSION_TTL_MS in revoked-sessions.ts. */
const SESSION_TTL_MS = 24 * 3600_000;

/** The access token of one login (real Cognito: with origin_jti). */
function access(overrides: Partial<AuthUser> = {}): AuthUser {
  return {
    sub: 'uuid-ash',
    username: 'uuid-ash',
    groups: [],
    tokenUse: 'access',
    clientId: 'client123',
    jti: 'access-jti-1',
    originJti: 'origin-1',
    eventId: 'event-1',
    exp: AUTH_TIME + 3600,
    authTime: AUTH_TIME,
    ...overrides,
  };
}

/** The ID token of the same login. */
function id(overrides: Partial<AuthUser> = {}): AuthUser {
  return access({
    tokenUse: 'id',
    jti: 'id-jti-1',
    email: 'ash@example.com',
    ...overrides,
  });
}

/** Another login of the same user: other jti, origin_jti, event_id and auth_time. */
function otherSession(overrides: Partial<AuthUser> = {}): AuthUser {
  return access({
    jti: 'access-jti-2',
    originJti: 'origin-2',
    eventId: 'event-2',
    authTime: AUTH_TIME + 600,
    ...overrides,
  });
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('RevokedSessions', () => {
  it('revokes nothing until a session is revoked', () => {
    const revoked = new RevokedSessions();
    expect(revoked.isRevoked(access())).toBe(false);
    expect(revoked.isRevoked(id())).toBe(false);
  });

  it('refuses the access token that was revoked', () => {
    const revoked = new RevokedSessions();
    revoked.revoke(access());
    expect(revoked.isRevoked(access())).toBe(true);
  });

  it('refuses an access token by its jti alone', () => {
    const only = { originJti: undefined, eventId: undefined };
    const revoked = new RevokedSessions();
    revoked.revoke(access(only));
    expect(revoked.isRevoked(access(only))).toBe(true);
    expect(revoked.isRevoked(access({ ...only, jti: 'access-jti-9' }))).toBe(
      false,
    );
  });

  it('refuses the ID token of the same session by origin_jti (real Cognito; other jti, no event_id)', () => {
    const revoked = new RevokedSessions();
    revoked.revoke(access({ eventId: undefined }));
    expect(revoked.isRevoked(id({ eventId: undefined }))).toBe(true);
  });

  it('refuses a token refreshed from the session by origin_jti (new jti, event_id and auth_time)', () => {
    const revoked = new RevokedSessions();
    revoked.revoke(access());
    expect(
      revoked.isRevoked(
        access({
          jti: 'refreshed-jti',
          eventId: 'refreshed-event',
          authTime: AUTH_TIME + 3000,
        }),
      ),
    ).toBe(true);
  });

  it('refuses the ID token of the same session by event_id (the emulator: no origin_jti)', () => {
    const revoked = new RevokedSessions();
    revoked.revoke(access({ originJti: undefined }));
    expect(revoked.isRevoked(id({ originJti: undefined }))).toBe(true);
  });

  it('keeps another login of the same user in the same second valid (same sub + auth_time, other event_id)', () => {
    const revoked = new RevokedSessions();
    revoked.revoke(access({ originJti: undefined }));
    expect(
      revoked.isRevoked(
        otherSession({ originJti: undefined, authTime: AUTH_TIME }),
      ),
    ).toBe(false);
  });

  it('refuses the access token of the session when the ID token was used to log out', () => {
    const revoked = new RevokedSessions();
    revoked.revoke(id());
    expect(revoked.isRevoked(access())).toBe(true);
  });

  it('does not take an ID token jti for an access token jti', () => {
    const revoked = new RevokedSessions();
    const only = { jti: 'shared', originJti: undefined, eventId: undefined };
    revoked.revoke(id(only));
    expect(revoked.isRevoked(access(only))).toBe(false);
  });

  it('keeps another session of the same user valid (other jti, origin_jti and auth_time)', () => {
    const revoked = new RevokedSessions();
    revoked.revoke(access());
    expect(revoked.isRevoked(otherSession())).toBe(false);
    expect(
      revoked.isRevoked(otherSession({ tokenUse: 'id', jti: 'id-jti-2' })),
    ).toBe(false);
  });

  it('keeps another user valid even with the same event_id', () => {
    const revoked = new RevokedSessions();
    revoked.revoke(access());
    expect(
      revoked.isRevoked(
        access({
          sub: 'uuid-misty',
          username: 'uuid-misty',
          jti: 'misty-jti',
          originJti: 'misty-origin',
        }),
      ),
    ).toBe(false);
  });

  it('forgets a revocation once no token of the session can still be alive (24 h)', () => {
    useFakeClock(START_MS);
    const revoked = new RevokedSessions();
    revoked.revoke(access());
    vi.advanceTimersByTime(SESSION_TTL_MS - 1000);
    expect(revoked.isRevoked(access())).toBe(true);
    vi.advanceTimersByTime(2000);
    expect(revoked.isRevoked(access())).toBe(false);
  });
});
