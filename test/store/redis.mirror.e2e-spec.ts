import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '../support/redis.js';
import { RedisMirror, redisLayout } from '../../src/store/redis.mirror.js';

/** A Redis that holds `revoked` and answers each page of a load when `release` is called. */
function slowRedis(revoked: string[]) {
  let release!: () => void;
  const gate = new Promise<void>((done) => (release = done));
  const expiresAt = String(Date.now() + 60_000);
  const client = {
    get: async () => '1',
    zscan: async () => {
      await gate;
      return ['0', revoked.flatMap((key) => [key, expiresAt])];
    },
    hscan: async () => ['0', []],
  } as unknown as Redis;
  return { client, release: () => release() };
}

describe('RedisMirror', () => {
  beforeEach(() => {
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('stays incomplete while it reloads after an overflow, so a miss is asked of Redis until the load has ended', async () => {
    // Room for two entries; Redis holds four.
    const mirror = new RedisMirror(redisLayout('t:'), 2 * 203);
    const first = slowRedis(['k1', 'k2', 'k3', 'k4']);
    first.release();
    await mirror.load(first.client, 1000);
    expect(mirror.complete).toBe(false);

    const second = slowRedis(['k1', 'k2', 'k3', 'k4']);
    const reload = mirror.load(second.client, 1000);
    await new Promise((done) => setTimeout(done, 10));
    expect(mirror.complete).toBe(false);
    second.release();
    await reload;
    expect(mirror.complete).toBe(false);
  });

  it('is complete after a whole load that fits', async () => {
    const mirror = new RedisMirror(redisLayout('t:'), 64 * 1024);
    const redis = slowRedis(['k1', 'k2']);
    redis.release();
    await mirror.load(redis.client, 1000);
    expect(mirror.complete).toBe(true);
    expect(mirror.isRevoked(['k1'])).toBe(true);
    expect(mirror.isRevoked(['k9'])).toBe(false);
  });
});

describe('RedisMirror loading from a real Redis', () => {
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('misses no revocation when another instance drops expired ones between its pages', async () => {
    const layout = redisLayout('load:');
    const now = Date.now();
    const short = Array.from({ length: 100 }, (_, i) => [now + 1000, `s${i}`]);
    const long = Array.from({ length: 2000 }, (_, i) => [
      now + 60_000,
      `l${i}`,
    ]);
    await redis.zadd(layout.revoked, ...[...short, ...long].flat());
    // After the first page, wait until the short ones have expired and drop
    // them, as another instance's revoke does.
    let pages = 0;
    const client = new Proxy(redis, {
      get(target, name, receiver) {
        const value: unknown = Reflect.get(target, name, receiver);
        if (name !== 'zscan' && name !== 'zrangebyscore') return value;
        return async (...args: unknown[]) => {
          const page: unknown = await (
            value as (...a: unknown[]) => unknown
          ).apply(target, args);
          if (++pages === 1) {
            await new Promise((done) => setTimeout(done, 1100));
            await target.zremrangebyscore(layout.revoked, '-inf', Date.now());
          }
          return page;
        };
      },
    });
    const mirror = new RedisMirror(layout, 8 * 1024 * 1024);
    await mirror.load(client, 5000);
    expect(pages).toBeGreaterThan(1);
    const missing = long.filter(([, key]) => !mirror.isRevoked([String(key)]));
    expect(missing).toEqual([]);
  });
});
