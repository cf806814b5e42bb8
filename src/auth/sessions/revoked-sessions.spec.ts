import type { AuthUser } from '../auth-user.js';
import { loadConfig } from '../../config/env.validation.js';
import { BYTES_PER_ENTRY } from './expiring-table.js';
import { RevokedSessions } from './revoked-sessions.js';
import { useFakeClock } from '../../../test/support/clock.js';

const AUTH_TIME = 1_900_000_000;
const START_MS = Date.UTC(2030, 0, 1);
/** REFRESH_TOKEN_VALIDITY_DAYS by default: 30 days. */
const SESSION_TTL_MS = 30 * 24 * 3600_000;

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

  it('refuses the access token that was revoked', async () => {
    const revoked = new RevokedSessions();
    await revoked.revoke(access());
    expect(revoked.isRevoked(access())).toBe(true);
  });

  it('refuses an access token by its jti alone', async () => {
    const only = { originJti: undefined, eventId: undefined };
    const revoked = new RevokedSessions();
    await revoked.revoke(access(only));
    expect(revoked.isRevoked(access(only))).toBe(true);
    expect(revoked.isRevoked(access({ ...only, jti: 'access-jti-9' }))).toBe(
      false,
    );
  });

  it('refuses the ID token of the same session by origin_jti (real Cognito; other jti, no event_id)', async () => {
    const revoked = new RevokedSessions();
    await revoked.revoke(access({ eventId: undefined }));
    expect(revoked.isRevoked(id({ eventId: undefined }))).toBe(true);
  });

  it('refuses a token refreshed from the session by origin_jti (new jti, event_id and auth_time)', async () => {
    const revoked = new RevokedSessions();
    await revoked.revoke(access());
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

  it('refuses the ID token of the same session by event_id (the emulator: no origin_jti)', async () => {
    const revoked = new RevokedSessions();
    await revoked.revoke(access({ originJti: undefined }));
    expect(revoked.isRevoked(id({ originJti: undefined }))).toBe(true);
  });

  it('keeps another login of the same user in the same second valid (same sub + auth_time, other event_id)', async () => {
    const revoked = new RevokedSessions();
    await revoked.revoke(access({ originJti: undefined }));
    expect(
      revoked.isRevoked(
        otherSession({ originJti: undefined, authTime: AUTH_TIME }),
      ),
    ).toBe(false);
  });

  it('refuses the access token of the session when the ID token was used to log out', async () => {
    const revoked = new RevokedSessions();
    await revoked.revoke(id());
    expect(revoked.isRevoked(access())).toBe(true);
  });

  it('does not take an ID token jti for an access token jti', async () => {
    const revoked = new RevokedSessions();
    const only = { jti: 'shared', originJti: undefined, eventId: undefined };
    await revoked.revoke(id(only));
    expect(revoked.isRevoked(access(only))).toBe(false);
  });

  it('keeps another session of the same user valid (other jti, origin_jti and auth_time)', async () => {
    const revoked = new RevokedSessions();
    await revoked.revoke(access());
    expect(revoked.isRevoked(otherSession())).toBe(false);
    expect(
      revoked.isRevoked(otherSession({ tokenUse: 'id', jti: 'id-jti-2' })),
    ).toBe(false);
  });

  it('keeps another user valid even with the same event_id', async () => {
    const revoked = new RevokedSessions();
    await revoked.revoke(access());
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

  it('forgets a revocation once no refresh token of the session can still be alive (REFRESH_TOKEN_VALIDITY_DAYS, default 30)', async () => {
    useFakeClock(START_MS);
    const revoked = new RevokedSessions();
    await revoked.revoke(access());
    vi.advanceTimersByTime(SESSION_TTL_MS - 1000);
    expect(revoked.isRevoked(access())).toBe(true);
    vi.advanceTimersByTime(2000);
    expect(revoked.isRevoked(access())).toBe(false);
  });

  it('keeps a revocation for the configured refresh token validity', async () => {
    useFakeClock(START_MS);
    const config = loadConfig({ REFRESH_TOKEN_VALIDITY_DAYS: '2' }).auth;
    const revoked = new RevokedSessions(config);
    await revoked.revoke(access());
    vi.advanceTimersByTime(2 * 24 * 3600_000 - 1000);
    expect(revoked.isRevoked(access())).toBe(true);
    vi.advanceTimersByTime(2000);
    expect(revoked.isRevoked(access())).toBe(false);
  });
});

describe('RevokedSessions: sign-out cutoffs', async () => {
  it('refuses every token of the user whose auth_time is at or before the cutoff, and none after', () => {
    const revoked = new RevokedSessions();
    revoked.cutOff('uuid-ash', AUTH_TIME + 600);
    expect(revoked.isRevoked(access())).toBe(true);
    expect(revoked.isRevoked(id())).toBe(true);
    expect(revoked.isRevoked(otherSession())).toBe(true);
    expect(revoked.isRevoked(otherSession({ authTime: AUTH_TIME + 601 }))).toBe(
      false,
    );
    expect(
      revoked.isRevoked(access({ sub: 'uuid-misty', username: 'uuid-misty' })),
    ).toBe(false);
  });

  it('refuses a token without auth_time once its user has a cutoff (it cannot show it began later)', () => {
    const revoked = new RevokedSessions();
    expect(revoked.isRevoked(access({ authTime: undefined }))).toBe(false);
    revoked.cutOff('uuid-ash', AUTH_TIME);
    expect(revoked.isRevoked(access({ authTime: undefined }))).toBe(true);
  });

  it('never moves a cutoff back', () => {
    const revoked = new RevokedSessions();
    revoked.cutOff('uuid-ash', AUTH_TIME + 600);
    revoked.cutOff('uuid-ash', AUTH_TIME);
    expect(revoked.isCutOff('uuid-ash', AUTH_TIME + 600)).toBe(true);
  });

  it('endSessionsOf cuts off at the current second and resolves once the next second has begun', async () => {
    useFakeClock(START_MS + 250);
    const revoked = new RevokedSessions();
    const now = Math.floor(Date.now() / 1000);
    let done = false;
    const ending = revoked.endSessionsOf('uuid-ash').then(() => {
      done = true;
    });
    expect(revoked.isCutOff('uuid-ash', now)).toBe(true);
    await vi.advanceTimersByTimeAsync(749);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await ending;
    expect(Date.now() % 1000).toBe(0);
    // A login from now on has a later auth_time: never refused.
    expect(revoked.isCutOff('uuid-ash', Math.floor(Date.now() / 1000))).toBe(
      false,
    );
  });

  it('forgets a cutoff once every session begun before it has expired', () => {
    useFakeClock(START_MS);
    const revoked = new RevokedSessions();
    const cutoff = Math.floor(START_MS / 1000);
    revoked.cutOff('uuid-ash', cutoff);
    vi.advanceTimersByTime(SESSION_TTL_MS - 1000);
    expect(revoked.isCutOff('uuid-ash', cutoff - 10)).toBe(true);
    vi.advanceTimersByTime(2000);
    expect(revoked.isCutOff('uuid-ash', cutoff - 10)).toBe(false);
  });
});

describe('RevokedSessions: bounded in bytes, failing closed', () => {
  /** Room for `entries` keys in each table. */
  const budget = (denylist: number, cutoffs: number) => ({
    denylistBytes: denylist * BYTES_PER_ENTRY,
    cutoffBytes: cutoffs * BYTES_PER_ENTRY,
  });
  const session = (n: number, sub = 'uuid-ash'): AuthUser =>
    access({
      sub,
      username: sub,
      jti: `jti-${n}`,
      originJti: `origin-${n}`,
      eventId: `event-${n}`,
      authTime: Math.floor(START_MS / 1000) - 3600 + n,
    });

  it('never revives a revoked session when the denylist is full: the next logout cuts off its user instead', async () => {
    useFakeClock(START_MS);
    const revoked = new RevokedSessions(undefined, budget(3, 10));
    await revoked.revoke(session(1, 'uuid-misty'));
    const later = session(2);
    const logout = revoked.revoke(later);
    await vi.advanceTimersByTimeAsync(1000);
    await logout;
    // The first revocation holds; the second holds by the cutoff of its user.
    expect(revoked.isRevoked(session(1, 'uuid-misty'))).toBe(true);
    expect(revoked.isRevoked(later)).toBe(true);
    expect(revoked.isRevoked(session(3))).toBe(true);
    // Other users' sessions are untouched.
    expect(revoked.isRevoked(session(4, 'uuid-brock'))).toBe(false);
  });

  it('when the cutoffs are full too, refuses every session begun up to then (everyone logs in again), and takes new entries again', async () => {
    useFakeClock(START_MS);
    const revoked = new RevokedSessions(undefined, budget(3, 1));
    await revoked.revoke(session(1, 'uuid-misty'));
    revoked.cutOff('uuid-brock', Math.floor(START_MS / 1000));
    // Neither table has room for Ash's logout.
    const logout = revoked.revoke(session(2));
    await vi.advanceTimersByTimeAsync(1000);
    await logout;
    for (const sub of ['uuid-misty', 'uuid-brock', 'uuid-ash', 'uuid-gary']) {
      expect(revoked.isRevoked(session(5, sub))).toBe(true);
    }
    expect(revoked.isRevoked(session(1, 'uuid-misty'))).toBe(true);
    // A login after that second is served, and logs out normally.
    const fresh = access({
      jti: 'jti-fresh',
      originJti: 'origin-fresh',
      eventId: 'event-fresh',
      authTime: Math.floor(Date.now() / 1000),
    });
    expect(revoked.isRevoked(fresh)).toBe(false);
    await revoked.revoke(fresh);
    expect(revoked.isRevoked(fresh)).toBe(true);
  });

  it('reuses the room of expired entries before it fails over', async () => {
    useFakeClock(START_MS);
    const revoked = new RevokedSessions(undefined, budget(3, 1));
    await revoked.revoke(session(1, 'uuid-misty'));
    vi.advanceTimersByTime(SESSION_TTL_MS + 1000);
    await revoked.revoke(session(2));
    expect(revoked.isRevoked(session(2))).toBe(true);
    expect(revoked.isRevoked(session(3))).toBe(false);
  });
});
