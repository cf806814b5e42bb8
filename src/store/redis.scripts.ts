import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run by its SHA-1 (EVALSHA), sent whole once when Redis does
 * not know it yet (first call, or after Redis restarted). A script runs
 * atomically: no other command runs between its steps, on any instance.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(
    private readonly source: string,
    private readonly keyCount: number,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis, args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, this.keyCount, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, this.keyCount, ...args);
    }
  }
}

/** KEYS: counter. ARGV: windowMs, amount. Returns {count, ms left}. */
export const HIT = new RedisScript(
  `local n = redis.call('INCRBY', KEYS[1], ARGV[2])
local t = redis.call('PTTL', KEYS[1])
if t < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  t = tonumber(ARGV[1])
end
return {n, t}`,
  1,
);

/** KEYS: counter. Returns {count, ms left}, or nil with no open window. */
export const PEEK = new RedisScript(
  `local v = redis.call('GET', KEYS[1])
if not v then return false end
return {tonumber(v), redis.call('PTTL', KEYS[1])}`,
  1,
);

/** KEYS: counter. ARGV: amount. Never below zero, never creates the counter. */
export const GIVE_BACK = new RedisScript(
  `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local n = redis.call('DECRBY', KEYS[1], ARGV[1])
if n < 0 then
  redis.call('SET', KEYS[1], '0', 'KEEPTTL')
  n = 0
end
return n`,
  1,
);

/**
 * KEYS: revocations (sorted set, score = expiry), version. ARGV: now,
 * expiresAt, channel, members... Drops the expired, adds the members (an
 * existing one keeps the later expiry), bumps the version and publishes
 * "<version> r <expiresAt> <member> <member>...".
 */
export const REVOKE = new RedisScript(
  `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local members = {}
for i = 4, #ARGV do
  redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[i])
  members[#members + 1] = ARGV[i]
end
local v = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[3], v .. ' r ' .. ARGV[2] .. ' ' .. table.concat(members, ' '))
return v`,
  2,
);

/**
 * KEYS: cutoffs (hash: member -> "seconds:expiresAt"), their expiries
 * (sorted set), version. ARGV: now, member, seconds, expiresAt, channel.
 * Keeps the later cutoff and the later expiry, drops up to 100 expired
 * cutoffs, bumps the version and publishes "<version> c <member> <s>:<e>".
 */
export const SET_CUTOFF = new RedisScript(
  `local old = redis.call('ZRANGE', KEYS[2], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, 100)
if #old > 0 then
  redis.call('HDEL', KEYS[1], unpack(old))
  redis.call('ZREM', KEYS[2], unpack(old))
end
local secs, exp = tonumber(ARGV[3]), tonumber(ARGV[4])
local cur = redis.call('HGET', KEYS[1], ARGV[2])
if cur then
  local s, e = string.match(cur, '^(%d+):(%d+)$')
  if s and tonumber(e) > tonumber(ARGV[1]) then
    secs = math.max(secs, tonumber(s))
    exp = math.max(exp, tonumber(e))
  end
end
local value = string.format('%d:%d', secs, exp)
redis.call('HSET', KEYS[1], ARGV[2], value)
redis.call('ZADD', KEYS[2], exp, ARGV[2])
local v = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[5], v .. ' c ' .. ARGV[2] .. ' ' .. value)
return v`,
  3,
);
