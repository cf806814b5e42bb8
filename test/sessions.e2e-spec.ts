import { Instances } from './support/app.js';
import { useExternalEmulator } from './support/external-emulator.js';
import { Http, expectError, type Answer } from './support/http.js';
import { redisCli, startRedis, type RedisServer } from './support/redis.js';
import {
  LOGOUT_SEEN_WITHIN_MS,
  SEEN_BUSY_MARGIN_MS,
  within,
} from './support/timing.js';
import {
  PASSWORD,
  confirmedUser,
  newEmail,
  type Tokens,
} from './support/users.js';

/**
 * The sessions a user sees and ends one by one (README, "Sessions"), on
 * two instances behind one Redis and one user pool: what one instance
 * ends, the other refuses.
 */

const CAP = 4;
/** The README's bound for a logout seen by the other instances, plus room for a busy machine. */
const SEEN_WITHIN_MS = LOGOUT_SEEN_WITHIN_MS + SEEN_BUSY_MARGIN_MS;
const SESSIONS = '/api/v1/auth/sessions';
const ME = '/api/v1/auth/me';

interface Item {
  id: string;
  createdAt: string;
  lastActiveAt: string;
  userAgent: string;
  ipAddress: string;
  current: boolean;
}

const until = (check: () => Promise<boolean>): Promise<number> =>
  within(SEEN_WITHIN_MS, check, { intervalMs: 20 });

describe('GET /auth/sessions, DELETE /auth/sessions/:id, POST /auth/logout/others (two instances on Redis)', () => {
  const external = useExternalEmulator();
  let redis: RedisServer;
  const instances = new Instances();
  let one: Http;
  let two: Http;

  beforeAll(async () => {
    redis = await startRedis();
    const env = external.awsEnv({
      REDIS_URL: redis.url,
      TRUST_PROXY: undefined,
      AUTH_FAILURE_MIN_MS: '0',
      AUTH_MAX_SESSIONS_PER_USER: String(CAP),
      RATE_LIMIT_IP_PER_MINUTE: '100000',
    });
    [one, two] = await instances.start(2, env);
  });

  afterAll(async () => {
    await instances.close();
    await redis?.stop();
  });

  const user = (tag: string): Promise<string> =>
    confirmedUser(one, newEmail(tag), PASSWORD, {
      codeOf: (address) => external.codeFor(address),
    });
  const signIn = async (
    email: string,
    userAgent: string,
    http = one,
  ): Promise<Tokens> => {
    const answer = await http.post<Tokens>(
      '/api/v1/auth/login',
      { email, password: PASSWORD },
      undefined,
      { 'user-agent': userAgent },
    );
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const list = async (tokens: Tokens, http = one): Promise<Item[]> => {
    const answer = await http.get<{ items: Item[] }>(
      SESSIONS,
      tokens.accessToken,
    );
    expect(answer.status).toBe(200);
    return answer.body.items;
  };
  const end = (tokens: Tokens, id: string, http = one): Promise<Answer> =>
    http.raw('DELETE', `${SESSIONS}/${encodeURIComponent(id)}`, undefined, {
      authorization: `Bearer ${tokens.accessToken}`,
    });
  const refresh = (
    tokens: Tokens,
    http = two,
    userAgent = 'refresher',
  ): Promise<Answer> =>
    http.post(
      '/api/v1/auth/refresh',
      { refreshToken: tokens.refreshToken },
      undefined,
      { 'user-agent': userAgent },
    );
  const works = async (tokens: Tokens, http = two): Promise<boolean> => {
    const [access, id] = await Promise.all([
      http.get(ME, tokens.accessToken),
      http.get(ME, tokens.idToken),
    ]);
    return access.status === 200 && id.status === 200;
  };
  const refused = async (tokens: Tokens, http = two): Promise<boolean> => {
    const [access, id] = await Promise.all([
      http.get(ME, tokens.accessToken),
      http.get(ME, tokens.idToken),
    ]);
    return access.status === 401 && id.status === 401;
  };
  const idOf = (items: Item[], userAgent: string): string => {
    const item = items.find((each) => each.userAgent === userAgent);
    expect(item).toBeDefined();
    return item!.id;
  };

  it('lists three sign-ins newest first with the current one marked, and a refresh writes its activity', async () => {
    const email = await user('three');
    const a = await signIn(email, 'Agent A');
    const b = await signIn(email, 'Agent B');
    const c = await signIn(email, 'Agent C');
    const items = await list(c, two);
    expect(items.map((i) => i.userAgent)).toEqual([
      'Agent C',
      'Agent B',
      'Agent A',
    ]);
    expect(items.map((i) => i.current)).toEqual([true, false, false]);
    for (const item of items) {
      expect(item.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(item.ipAddress).toBe('127.0.0.1');
      expect(new Date(item.createdAt).toISOString()).toBe(item.createdAt);
      expect(item.lastActiveAt).toBe(item.createdAt);
    }
    // The id is not the origin_jti the tokens carry.
    const origin = JSON.parse(
      Buffer.from(a.accessToken.split('.')[1], 'base64url').toString(),
    ).origin_jti as string;
    expect(typeof origin).toBe('string');
    expect(JSON.stringify(items)).not.toContain(origin);
    expect((await list(a)).find((i) => i.current)?.userAgent).toBe('Agent A');

    const before = items.find((i) => i.userAgent === 'Agent A')!;
    const refreshed = await refresh(a, two, 'Agent A, later'.padEnd(400, '!'));
    expect(refreshed.status).toBe(200);
    const after = (await list(b)).find((i) => i.id === before.id)!;
    expect(after.userAgent).toBe('Agent A, later'.padEnd(256, '!'));
    expect(after.createdAt).toBe(before.createdAt);
    expect(Date.parse(after.lastActiveAt)).toBeGreaterThan(
      Date.parse(before.lastActiveAt),
    );
    // Requests are not activity: the list is the same after them.
    await two.get(ME, b.accessToken);
    expect((await list(b)).find((i) => i.id === before.id)).toEqual(after);
  });

  it("ends one session: its access, ID and refresh tokens are refused on the other instance, the others' are not", async () => {
    const email = await user('end-one');
    const a = await signIn(email, 'A');
    const b = await signIn(email, 'B');
    const c = await signIn(email, 'C', two);
    const id = idOf(await list(a), 'B');
    expect(await works(b)).toBe(true);
    const ended = await end(a, id);
    expect(ended.status).toBe(204);
    await until(() => refused(b));
    expectError(await two.get(ME, b.accessToken), 401, 'UNAUTHORIZED');
    const again = await refresh(b, two);
    expectError(again, 401, 'UNAUTHORIZED');
    expect(again.body.message).toBe(
      'This session has ended (logged out, or ended from another session); log in again.',
    );
    expectError(await refresh(b, one), 401, 'UNAUTHORIZED');
    expect(await works(a)).toBe(true);
    expect(await works(c)).toBe(true);
    expect((await refresh(c, two)).status).toBe(200);
    // The refresh wrote the user agent it came with.
    expect((await list(c, two)).map((i) => i.userAgent)).toEqual([
      'refresher',
      'A',
    ]);
    // Ended is ended: the same id again is 404.
    expectError(await end(a, id), 404, 'NOT_FOUND');
  });

  it('a session may end itself', async () => {
    const email = await user('end-self');
    const a = await signIn(email, 'A');
    const mine = (await list(a)).find((i) => i.current)!;
    expect((await end(a, mine.id)).status).toBe(204);
    await until(() => refused(a));
    expectError(await refresh(a), 401, 'UNAUTHORIZED');
  });

  it("answers 404 NOT_FOUND for another user's session and for any malformed id, and ends nothing", async () => {
    const mine = await signIn(await user('owner'), 'Mine');
    const theirs = await signIn(await user('intruder'), 'Theirs');
    const id = idOf(await list(mine), 'Mine');
    for (const bad of [
      id,
      'x',
      'a'.repeat(43),
      `${id}x`,
      id.slice(1),
      '..%2F..',
      '%00',
    ]) {
      const answer = await end(theirs, bad);
      expectError(answer, 404, 'NOT_FOUND');
      expect(answer.body.message).toBe(
        'You have no live session with this id.',
      );
    }
    expect(await works(mine)).toBe(true);
    expect((await refresh(mine)).status).toBe(200);
    expect((await list(mine)).map((i) => i.id)).toEqual([id]);
  });

  it('logout/others ends every other session, listed or not; the current one and a later sign-in work', async () => {
    const email = await user('others');
    const a = await signIn(email, 'A');
    const b = await signIn(email, 'B', two);
    const current = await signIn(email, 'Current');
    // A session the list lost (as after Redis forgot it): still ended.
    const unlisted = await signIn(email, 'Unlisted');
    const lostId = idOf(await list(current), 'Unlisted');
    const cli = (args: string[]): Promise<string> =>
      redisCli(['-p', String(redis.port), ...args]);
    const keys = await cli(['--scan', '--pattern', '*ses:*']);
    for (const key of keys.split('\n').filter(Boolean)) {
      await cli(['HDEL', key, lostId]);
    }
    expect((await list(current)).map((i) => i.userAgent)).toEqual([
      'Current',
      'B',
      'A',
    ]);

    const answer = await two.post(
      '/api/v1/auth/logout/others',
      undefined,
      current.accessToken,
    );
    expect(answer.status).toBe(204);
    for (const ended of [a, b, unlisted]) {
      await until(() => refused(ended, one));
      await until(() => refused(ended, two));
      expectError(await refresh(ended), 401, 'UNAUTHORIZED');
    }
    expect(await works(current, one)).toBe(true);
    expect(await works(current, two)).toBe(true);
    const renewed = await refresh(current, one);
    expect(renewed.status).toBe(200);
    expect((await one.get(ME, renewed.body.accessToken as string)).status).toBe(
      200,
    );
    const later = await signIn(email, 'Later', two);
    expect(await works(later, one)).toBe(true);
    const items = await list(later);
    expect(items.map((i) => [i.userAgent, i.current])).toEqual([
      ['Later', true],
      // Current's refresh came as 'refresher'.
      ['refresher', false],
    ]);
  });

  it('logout removes the session from the list', async () => {
    const email = await user('logout');
    const a = await signIn(email, 'A');
    const b = await signIn(email, 'B');
    const answer = await two.post(
      '/api/v1/auth/logout',
      { refreshToken: b.refreshToken },
      b.accessToken,
    );
    expect(answer.status).toBe(204);
    expect((await list(a)).map((i) => i.userAgent)).toEqual(['A']);
  });

  it('logout/all ends every session and empties the list', async () => {
    const email = await user('all');
    const a = await signIn(email, 'A');
    await signIn(email, 'B');
    expect(
      (await one.post('/api/v1/auth/logout/all', undefined, a.accessToken))
        .status,
    ).toBe(204);
    const later = await signIn(email, 'Later');
    expect((await list(later)).map((i) => i.userAgent)).toEqual(['Later']);
  });

  it(`keeps at most ${CAP} sessions a user: a sign-in past the cap ends the oldest, its tokens refused`, async () => {
    const email = await user('cap');
    const first = await signIn(email, 'S0');
    const rest: Tokens[] = [];
    for (let i = 1; i <= CAP; i++) {
      rest.push(await signIn(email, `S${i}`, i % 2 ? two : one));
    }
    const items = await list(rest[CAP - 1], two);
    expect(items.map((i) => i.userAgent)).toEqual(
      Array.from({ length: CAP }, (_, i) => `S${CAP - i}`),
    );
    await until(() => refused(first, one));
    await until(() => refused(first, two));
    expectError(await refresh(first), 401, 'UNAUTHORIZED');
    for (const tokens of rest) expect(await works(tokens)).toBe(true);
  });
});
