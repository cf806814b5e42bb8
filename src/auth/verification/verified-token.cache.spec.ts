import type { AuthUser } from '../auth-user.js';
import { VerifiedTokenCache } from './verified-token.cache.js';

/** MAX_ENTRIES in verified-token.cache.ts. */
const MAX_ENTRIES = 10_000;
/** MAX_TTL_MS in verified-token.cache.ts. */
const MAX_TTL_MS = 10 * 60_000;

const START_MS = Date.UTC(2030, 0, 1);
const START_S = START_MS / 1000;

function userExpiringIn(seconds: number, sub = 'uuid-ash'): AuthUser {
  return {
    sub,
    username: sub,
    groups: [],
    tokenUse: 'access',
    clientId: 'client123',
    jti: `jti-${sub}`,
    exp: START_S + seconds,
    authTime: START_S - 60,
  };
}

/**
 * Fake timers whose clock lru-cache also reads: it keeps the `performance`
 * object it found at load, which vi.useFakeTimers() replaces rather than
 * patches; so `performance` is left real and its `now` follows the fake Date.
 */
beforeEach(() => {
  vi.useFakeTimers({
    toFake: [
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'Date',
    ],
  });
  vi.setSystemTime(START_MS);
  vi.spyOn(performance, 'now').mockImplementation(() => Date.now());
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('VerifiedTokenCache', () => {
  it('gives back the user stored for a token', () => {
    const cache = new VerifiedTokenCache();
    const user = userExpiringIn(3600);
    cache.set('token-a', user);
    expect(cache.get('token-a')).toBe(user);
    expect(cache.size).toBe(1);
  });

  it('never matches another token string, even one that differs by a character', () => {
    const cache = new VerifiedTokenCache();
    cache.set('header.payload.signature', userExpiringIn(3600));
    expect(cache.get('header.payload.signaturf')).toBeUndefined();
    expect(cache.get('header.payload.signature ')).toBeUndefined();
    expect(cache.get('header.payload')).toBeUndefined();
    expect(cache.get('')).toBeUndefined();
  });

  it("drops an entry once the token's exp has passed", () => {
    const cache = new VerifiedTokenCache();
    const user = userExpiringIn(60);
    cache.set('token-a', user);
    vi.setSystemTime(START_MS + 59_000);
    expect(cache.get('token-a')).toBe(user);
    vi.setSystemTime(START_MS + 60_000);
    expect(cache.get('token-a')).toBeUndefined();
    vi.setSystemTime(START_MS + 30_000);
    expect(cache.get('token-a')).toBeUndefined();
  });

  it("drops an entry once the token's exp has passed, as timers advance", () => {
    const cache = new VerifiedTokenCache();
    cache.set('token-a', userExpiringIn(60));
    vi.advanceTimersByTime(60_001);
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('keeps an entry no longer than its maximum age, however long the token lives', () => {
    const cache = new VerifiedTokenCache();
    const user = userExpiringIn(24 * 3600);
    cache.set('token-a', user);
    vi.advanceTimersByTime(MAX_TTL_MS - 1000);
    expect(cache.get('token-a')).toBe(user);
    vi.advanceTimersByTime(2000);
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('does not store a token that has already expired', () => {
    const cache = new VerifiedTokenCache();
    cache.set('expired', userExpiringIn(-1));
    cache.set('expiring-now', userExpiringIn(0));
    expect(cache.size).toBe(0);
    expect(cache.get('expired')).toBeUndefined();
    expect(cache.get('expiring-now')).toBeUndefined();
  });

  it('forgets a token that is deleted', () => {
    const cache = new VerifiedTokenCache();
    cache.set('token-a', userExpiringIn(3600));
    cache.delete('token-a');
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('is bounded: past the maximum, the oldest entries are gone', () => {
    const cache = new VerifiedTokenCache();
    const extra = 5;
    for (let i = 0; i < MAX_ENTRIES + extra; i += 1) {
      cache.set(`token-${i}`, userExpiringIn(3600, `user-${i}`));
    }
    expect(cache.size).toBe(MAX_ENTRIES);
    for (let i = 0; i < extra; i += 1) {
      expect(cache.get(`token-${i}`)).toBeUndefined();
    }
    expect(cache.get(`token-${extra}`)?.sub).toBe(`user-${extra}`);
    expect(cache.get(`token-${MAX_ENTRIES + extra - 1}`)?.sub).toBe(
      `user-${MAX_ENTRIES + extra - 1}`,
    );
  });
});
