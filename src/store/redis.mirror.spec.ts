import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisMirror, redisLayout } from './redis.mirror.js';

/** A Redis that holds `revoked` and answers each page of a load when `release` is called. */
function slowRedis(revoked: string[]) {
  let release!: () => void;
  const gate = new Promise<void>((done) => (release = done));
  const expiresAt = String(Date.now() + 60_000);
  const client = {
    get: async () => '1',
    zrangebyscore: async () => {
      await gate;
      return revoked.flatMap((key) => [key, expiresAt]);
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
