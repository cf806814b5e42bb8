import { createHash } from 'node:crypto';
import type { RedisClient } from './redis.connection.js';

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

  async run(client: RedisClient, args: (string | number)[]): Promise<unknown> {
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

/**
 * KEYS: revocations, cutoffs, version. ARGV: marker. Returns {version,
 * whether both structures still hold the marker}: a missing marker means
 * Redis lost them (restarted empty, evicted them, failed over to a replica
 * that never had them), and the instances write back what they hold.
 */
export const CHECK = new RedisScript(
  `local marked = redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1
return {tonumber(redis.call('GET', KEYS[3]) or '0'), marked and 1 or 0}`,
  3,
);

/**
 * KEYS: revocations, cutoffs, cutoff expiries, version. ARGV: now, marker,
 * revocation count n, then n pairs (member, expiresAt), then triples
 * (member, seconds, expiresAt). Merges them as REVOKE and SET_CUTOFF do,
 * marks both structures again and bumps the version (the other instances
 * see a version they have no message for, and load).
 */
export const WRITE_BACK = new RedisScript(
  `local now = tonumber(ARGV[1])
local i = 4
for k = 1, tonumber(ARGV[3]) do
  redis.call('ZADD', KEYS[1], 'GT', ARGV[i + 1], ARGV[i])
  i = i + 2
end
while i + 2 <= #ARGV do
  local secs, exp = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  local cur = redis.call('HGET', KEYS[2], ARGV[i])
  if cur then
    local s, e = string.match(cur, '^(%d+):(%d+)$')
    if s and tonumber(e) > now then
      secs = math.max(secs, tonumber(s))
      exp = math.max(exp, tonumber(e))
    end
  end
  redis.call('HSET', KEYS[2], ARGV[i], string.format('%d:%d', secs, exp))
  redis.call('ZADD', KEYS[3], exp, ARGV[i])
  i = i + 3
end
redis.call('ZADD', KEYS[1], '+inf', ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], '0:0')
return redis.call('INCR', KEYS[4])`,
  4,
);

/**
 * KEYS: probe. ARGV: channel. What the health check asks: Redis takes a
 * write (it is a master, with memory to spare, and the user may write
 * under the prefix) and the user may publish on the channel.
 */
export const PROBE = new RedisScript(
  `redis.call('SET', KEYS[1], '1', 'PX', 10000)
redis.call('PUBLISH', ARGV[1], 'probe')
return 1`,
  1,
);
