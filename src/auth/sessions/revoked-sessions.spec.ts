import type { AuthUser } from '../auth-user.js';
import { loadConfig } from '../../config/env.validation.js';
import { ApiException } from '../../common/errors/api-exception.js';
import { MemorySharedStore } from '../../store/memory.store.js';
import { SESSION_ENTRY_BYTES } from '../../store/session-table.js';
import {
  SharedStore,
  StoreUnavailableError,
} from '../../store/shared-store.js';
import { RevokedSessions } from './revoked-sessions.js';
import { useFakeClock } from '../../../test/support/clock.js';

/** The app's session settings (REFRESH_TOKEN_VALIDITY_DAYS 30, skew 5 s). */
const SESSION_CONFIG = loadConfig({}).auth;

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
  it('revokes nothing until a session is revoked', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    expect(await revoked.isRevoked(access())).toBe(false);
    expect(await revoked.isRevoked(id())).toBe(false);
  });

  it('refuses the access token that was revoked', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.revoke(access());
    expect(await revoked.isRevoked(access())).toBe(true);
  });

  it('refuses an access token by its jti alone', async () => {
    const only = { originJti: undefined, eventId: undefined };
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.revoke(access(only));
    expect(await revoked.isRevoked(access(only))).toBe(true);
    expect(
      await revoked.isRevoked(access({ ...only, jti: 'access-jti-9' })),
    ).toBe(false);
  });

  it('refuses the ID token of the same session by origin_jti (real Cognito; other jti, no event_id)', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.revoke(access({ eventId: undefined }));
    expect(await revoked.isRevoked(id({ eventId: undefined }))).toBe(true);
  });

  it('refuses a token refreshed from the session by origin_jti (new jti, event_id and auth_time)', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.revoke(access());
    expect(
      await revoked.isRevoked(
        access({
          jti: 'refreshed-jti',
          eventId: 'refreshed-event',
          authTime: AUTH_TIME + 3000,
        }),
      ),
    ).toBe(true);
  });

  it('refuses the ID token of the same session by event_id (the emulator: no origin_jti)', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.revoke(access({ originJti: undefined }));
    expect(await revoked.isRevoked(id({ originJti: undefined }))).toBe(true);
  });

  it('keeps another login of the same user in the same second valid (same sub + auth_time, other event_id)', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.revoke(access({ originJti: undefined }));
    expect(
      await revoked.isRevoked(
        otherSession({ originJti: undefined, authTime: AUTH_TIME }),
      ),
    ).toBe(false);
  });

  it('refuses the access token of the session when the ID token was used to log out', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.revoke(id());
    expect(await revoked.isRevoked(access())).toBe(true);
  });

  it('does not take an ID token jti for an access token jti', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    const only = { jti: 'shared', originJti: undefined, eventId: undefined };
    await revoked.revoke(id(only));
    expect(await revoked.isRevoked(access(only))).toBe(false);
  });

  it('keeps another session of the same user valid (other jti, origin_jti and auth_time)', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.revoke(access());
    expect(await revoked.isRevoked(otherSession())).toBe(false);
    expect(
      await revoked.isRevoked(
        otherSession({ tokenUse: 'id', jti: 'id-jti-2' }),
      ),
    ).toBe(false);
  });

  it('keeps another user valid even with the same event_id', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.revoke(access());
    expect(
      await revoked.isRevoked(
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
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.revoke(access());
    vi.advanceTimersByTime(SESSION_TTL_MS - 1000);
    expect(await revoked.isRevoked(access())).toBe(true);
    vi.advanceTimersByTime(2000);
    expect(await revoked.isRevoked(access())).toBe(false);
  });

  it("keeps a logged-out token's own keys (jti, event_id) only until the token expires, and origin_jti as long as a refresh token lives", async () => {
    useFakeClock(START_MS);
    const store = new MemorySharedStore();
    const revoked = new RevokedSessions(store, SESSION_CONFIG);
    const exp = Math.floor(START_MS / 1000) + 3600;
    await revoked.revoke(access({ exp }));
    vi.advanceTimersByTime(3600_000 + 5000 + 1000);
    expect(await store.isRevoked(['jti:access-jti-1'])).toBe(false);
    expect(await store.isRevoked(['event:uuid-ash:event-1'])).toBe(false);
    // A token refreshed from the same login shares origin_jti: still refused.
    expect(
      await revoked.isRevoked(access({ jti: 'refreshed', exp: exp + 3600 })),
    ).toBe(true);
  });

  it('keeps a revocation for the configured refresh token validity', async () => {
    useFakeClock(START_MS);
    const config = loadConfig({ REFRESH_TOKEN_VALIDITY_DAYS: '2' }).auth;
    const revoked = new RevokedSessions(new MemorySharedStore(), config);
    await revoked.revoke(access());
    vi.advanceTimersByTime(2 * 24 * 3600_000 - 1000);
    expect(await revoked.isRevoked(access())).toBe(true);
    vi.advanceTimersByTime(2000);
    expect(await revoked.isRevoked(access())).toBe(false);
  });
});

describe('RevokedSessions: sign-out cutoffs', async () => {
  it('refuses every token of the user whose auth_time is at or before the cutoff, and none after', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.cutOff('uuid-ash', AUTH_TIME + 600);
    expect(await revoked.isRevoked(access())).toBe(true);
    expect(await revoked.isRevoked(id())).toBe(true);
    expect(await revoked.isRevoked(otherSession())).toBe(true);
    expect(
      await revoked.isRevoked(otherSession({ authTime: AUTH_TIME + 601 })),
    ).toBe(false);
    expect(
      await revoked.isRevoked(
        access({ sub: 'uuid-misty', username: 'uuid-misty' }),
      ),
    ).toBe(false);
  });

  it('refuses a token without auth_time once its user has a cutoff (it cannot show it began later)', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    expect(await revoked.isRevoked(access({ authTime: undefined }))).toBe(
      false,
    );
    await revoked.cutOff('uuid-ash', AUTH_TIME);
    expect(await revoked.isRevoked(access({ authTime: undefined }))).toBe(true);
  });

  it('never moves a cutoff back', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.cutOff('uuid-ash', AUTH_TIME + 600);
    await revoked.cutOff('uuid-ash', AUTH_TIME);
    expect(await revoked.isCutOff('uuid-ash', AUTH_TIME + 600)).toBe(true);
  });

  it('endSessionsOf cuts off at the current second and resolves once the next second has begun', async () => {
    useFakeClock(START_MS + 250);
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    const now = Math.floor(Date.now() / 1000);
    let done = false;
    const ending = revoked.endSessionsOf('uuid-ash').then(() => {
      done = true;
    });
    expect(await revoked.isCutOff('uuid-ash', now)).toBe(true);
    await vi.advanceTimersByTimeAsync(749);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await ending;
    expect(Date.now() % 1000).toBe(0);
    // A login from now on has a later auth_time: never refused.
    expect(
      await revoked.isCutOff('uuid-ash', Math.floor(Date.now() / 1000)),
    ).toBe(false);
  });

  it('forgets a cutoff once every session begun before it has expired', async () => {
    useFakeClock(START_MS);
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    const cutoff = Math.floor(START_MS / 1000);
    await revoked.cutOff('uuid-ash', cutoff);
    vi.advanceTimersByTime(SESSION_TTL_MS - 1000);
    expect(await revoked.isCutOff('uuid-ash', cutoff - 10)).toBe(true);
    vi.advanceTimersByTime(2000);
    expect(await revoked.isCutOff('uuid-ash', cutoff - 10)).toBe(false);
  });
});

describe('RevokedSessions.isRevokedNow (the guard, from memory)', () => {
  it('answers every token as isRevoked does, after logouts and a cutoff', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    const brock = {
      sub: 'uuid-brock',
      username: 'uuid-brock',
      originJti: 'origin-brock',
      eventId: 'event-brock',
    };
    await revoked.revoke(id({ ...brock, jti: 'brock-id-jti' }));
    await revoked.cutOff('uuid-ash', AUTH_TIME + 600);
    const tokens = [
      access(),
      id(),
      otherSession(),
      otherSession({ authTime: AUTH_TIME + 601 }),
      otherSession({ authTime: undefined }),
      access({ ...brock, jti: 'brock-access-jti' }),
      access({ sub: 'uuid-misty', username: 'uuid-misty' }),
    ];
    const now = tokens.map((token) => revoked.isRevokedNow(token));
    const later = await Promise.all(
      tokens.map((token) => revoked.isRevoked(token)),
    );
    expect(now).toEqual(later);
    expect(now).toEqual([true, true, true, false, true, true, false]);
  });

  it('hashes a user object once, and still sees what is ended after that', async () => {
    const store = new MemorySharedStore();
    const asked = vi.spyOn(store, 'sessionStateNow');
    const revoked = new RevokedSessions(store, SESSION_CONFIG);
    const user = access();
    const other = access({
      sub: 'uuid-misty',
      username: 'uuid-misty',
      jti: 'misty-jti',
      originJti: 'origin-misty',
      eventId: 'event-misty',
    });
    expect(revoked.isRevokedNow(user)).toBe(false);
    expect(revoked.isRevokedNow(user)).toBe(false);
    expect(revoked.isRevokedNow(other)).toBe(false);
    const [first, again, third] = asked.mock.calls.map(([session]) => session);
    expect(again).toBe(first);
    expect(third).not.toBe(first);
    // A logout and a cutoff made after the keys were hashed still count.
    await revoked.revoke(access());
    expect(revoked.isRevokedNow(user)).toBe(true);
    expect(revoked.isRevokedNow(other)).toBe(false);
    await revoked.cutOff('uuid-misty', AUTH_TIME);
    expect(revoked.isRevokedNow(other)).toBe(true);
  });

  it('answers undefined when the store cannot answer from memory, and isRevoked still does', async () => {
    class RemoteOnly extends MemorySharedStore {
      override sessionStateNow(): undefined {
        return undefined;
      }
    }
    const revoked = new RevokedSessions(new RemoteOnly(), SESSION_CONFIG);
    await revoked.revoke(access());
    expect(revoked.isRevokedNow(access())).toBeUndefined();
    expect(await revoked.isRevoked(access())).toBe(true);
  });
});

describe('RevokedSessions: failing closed when the store refuses', () => {
  const session = (n: number, sub = 'uuid-ash'): AuthUser =>
    access({
      sub,
      username: sub,
      jti: `jti-${n}`,
      originJti: `origin-${n}`,
      eventId: `event-${n}`,
      authTime: Math.floor(START_MS / 1000) - 3600 + n,
    });
  /** Room for `entries` keys of revocations and cutoffs together. */
  const storeFor = (entries: number) =>
    new MemorySharedStore({ sessionBytes: entries * SESSION_ENTRY_BYTES });

  async function refusal(promise: Promise<unknown>): Promise<ApiException> {
    const error: unknown = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ApiException);
    return error as ApiException;
  }

  it('answers 503 STORE_UNAVAILABLE for a logout the full store cannot hold, and never revives a session it holds', async () => {
    useFakeClock(START_MS);
    const revoked = new RevokedSessions(storeFor(3), SESSION_CONFIG);
    await revoked.revoke(session(1, 'uuid-misty'));
    const error = await refusal(revoked.revoke(session(2)));
    expect(error.getStatus()).toBe(503);
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.messages).toBe(
      'Sessions cannot be ended or checked right now: The session store is full. Try again later.',
    );
    expect(await revoked.isRevoked(session(1, 'uuid-misty'))).toBe(true);
  });

  it('answers 503 for a sign-out the full store cannot hold, without waiting for the next second', async () => {
    useFakeClock(START_MS + 250);
    const revoked = new RevokedSessions(storeFor(3), SESSION_CONFIG);
    await revoked.revoke(session(1, 'uuid-misty'));
    const error = await refusal(revoked.endSessionsOf('uuid-ash'));
    expect(error.getStatus()).toBe(503);
    expect(Date.now()).toBe(START_MS + 250);
  });

  it('takes the logout again once expired entries have made room (the client retries)', async () => {
    useFakeClock(START_MS);
    const revoked = new RevokedSessions(storeFor(3), SESSION_CONFIG);
    await revoked.revoke(session(1, 'uuid-misty'));
    vi.advanceTimersByTime(SESSION_TTL_MS + 1000);
    await revoked.revoke(session(2));
    expect(await revoked.isRevoked(session(2))).toBe(true);
    expect(await revoked.isRevoked(session(3))).toBe(false);
  });

  it('answers 503 when Redis does not take the write, and when it cannot tell whether a token is revoked', async () => {
    const down = new StoreUnavailableError('unreachable');
    const store = new MemorySharedStore();
    vi.spyOn(store, 'revoke').mockRejectedValue(down);
    vi.spyOn(store, 'setCutoff').mockRejectedValue(down);
    vi.spyOn(store, 'isRevoked').mockRejectedValue(down);
    const revoked = new RevokedSessions(store as SharedStore, SESSION_CONFIG);
    for (const attempt of [
      revoked.revoke(session(1)),
      revoked.cutOff('uuid-ash', AUTH_TIME),
      revoked.isRevoked(session(1)),
    ]) {
      const error = await refusal(attempt);
      expect(error.getStatus()).toBe(503);
      expect(error.code).toBe('STORE_UNAVAILABLE');
    }
  });
});
