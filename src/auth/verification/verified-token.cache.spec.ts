import type { AuthUser } from '../auth-user.js';
import {
  entryBytes,
  TOKEN_CACHE_BUDGET_BYTES,
  VerifiedTokenCache,
} from './verified-token.cache.js';

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
    expect(cache.get('token-a', false)?.user).toBe(user);
    expect(cache.size).toBe(1);
  });

  it('never matches another token string, even one that differs by a character', () => {
    const cache = new VerifiedTokenCache();
    cache.set('header.payload.signature', userExpiringIn(3600));
    expect(cache.get('header.payload.signaturf', false)).toBeUndefined();
    expect(cache.get('header.payload.signature ', false)).toBeUndefined();
    expect(cache.get('header.payload', false)).toBeUndefined();
    expect(cache.get('', false)).toBeUndefined();
  });

  it("drops an entry once the token's exp has passed", () => {
    const cache = new VerifiedTokenCache();
    const user = userExpiringIn(60);
    cache.set('token-a', user);
    vi.setSystemTime(START_MS + 59_000);
    expect(cache.get('token-a', false)?.user).toBe(user);
    vi.setSystemTime(START_MS + 60_000);
    expect(cache.get('token-a', false)).toBeUndefined();
    vi.setSystemTime(START_MS + 30_000);
    expect(cache.get('token-a', false)).toBeUndefined();
  });

  it("drops an entry once the token's exp has passed, as timers advance", () => {
    const cache = new VerifiedTokenCache();
    cache.set('token-a', userExpiringIn(60));
    vi.advanceTimersByTime(60_001);
    expect(cache.get('token-a', false)).toBeUndefined();
  });

  it('keeps an entry no longer than its maximum age, however long the token lives', () => {
    const cache = new VerifiedTokenCache();
    const user = userExpiringIn(24 * 3600);
    cache.set('token-a', user);
    vi.advanceTimersByTime(MAX_TTL_MS - 1000);
    expect(cache.get('token-a', false)?.user).toBe(user);
    vi.advanceTimersByTime(2000);
    expect(cache.get('token-a', false)).toBeUndefined();
  });

  it('does not store a token that has already expired', () => {
    const cache = new VerifiedTokenCache();
    cache.set('expired', userExpiringIn(-1));
    cache.set('expiring-now', userExpiringIn(0));
    expect(cache.size).toBe(0);
    expect(cache.get('expired', false)).toBeUndefined();
    expect(cache.get('expiring-now', false)).toBeUndefined();
  });

  it('answers a credential only as the kind it was stored as: a header, or a cookie token', () => {
    const cache = new VerifiedTokenCache();
    const fromCookie = userExpiringIn(3600, 'uuid-cookie');
    const fromHeader = userExpiringIn(3600, 'uuid-header');
    cache.set('a.b.cookie', fromCookie);
    cache.set('Bearer a.b.header', fromHeader, 'a.b.header');
    expect(cache.get('a.b.cookie', false)?.user).toBe(fromCookie);
    expect(cache.get('a.b.cookie', true)).toBeUndefined();
    expect(cache.get('Bearer a.b.header', true)).toMatchObject({
      token: 'a.b.header',
      user: fromHeader,
    });
    expect(cache.get('Bearer a.b.header', false)).toBeUndefined();
  });

  it('forgets a token that is deleted', () => {
    const cache = new VerifiedTokenCache();
    cache.set('token-a', userExpiringIn(3600));
    cache.delete('token-a');
    expect(cache.get('token-a', false)).toBeUndefined();
  });

  it('is bounded in bytes: past its budget the oldest entries go, and it never holds more', () => {
    const cache = new VerifiedTokenCache();
    const sub = (i: number): string => `user-${i}`.padEnd(12);
    const token = (i: number): string => `token-${String(i).padStart(6, '0')}`;
    const perEntry = entryBytes(token(0), userExpiringIn(3600, sub(0)));
    const fits = Math.floor(TOKEN_CACHE_BUDGET_BYTES / perEntry);
    const extra = 5;
    for (let i = 0; i < fits + extra; i += 1) {
      cache.set(token(i), userExpiringIn(3600, sub(i)));
      expect(cache.bytes).toBeLessThanOrEqual(TOKEN_CACHE_BUDGET_BYTES);
    }
    expect(cache.size).toBeLessThan(fits + extra);
    expect(cache.size).toBeGreaterThan(fits - extra);
    for (let i = 0; i < extra; i += 1) {
      expect(cache.get(token(i), false)).toBeUndefined();
    }
    const last = fits + extra - 1;
    expect(cache.get(token(last), false)?.user.sub).toBe(sub(last));
  });

  it('counts a long token in its budget: a 60 KB token costs its length, and the budget holds', () => {
    const short = new VerifiedTokenCache();
    const huge = new VerifiedTokenCache();
    const long = `a.${'x'.repeat(60 * 1024)}.c`;
    short.set('a.b.c', userExpiringIn(3600));
    huge.set(long, userExpiringIn(3600));
    expect(short.bytes).toBeLessThan(1024);
    expect(huge.bytes - short.bytes).toBe(long.length - 'a.b.c'.length);
    expect(huge.get(long, false)?.user.sub).toBe('uuid-ash');
    // Only that exact string matches.
    expect(huge.get(`${long.slice(0, -1)}d`, false)).toBeUndefined();
    for (let i = 0; i < 200; i += 1) {
      huge.set(`${long}${i}`, userExpiringIn(3600));
      expect(huge.bytes).toBeLessThanOrEqual(TOKEN_CACHE_BUDGET_BYTES);
    }
    expect(huge.size).toBeLessThan(200);
    expect(huge.get(`${long}199`, false)?.user.sub).toBe('uuid-ash');
  });
});
