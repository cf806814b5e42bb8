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
 * Lua helpers for cutoffs, kept as "all:expiresAt" or
 * "all:expiresAt:others:exempt" (see cutoff.ts, whose mergeCutoffs this
 * follows): parse, merge (whatever either ended stays ended) and format.
 */
const CUTOFF_LUA = `local function parse_cutoff(v)
  local s, e, o, x = string.match(v, '^(%d+):(%d+):(%d+):([%w_-]+)$')
  if not s then s, e = string.match(v, '^(%d+):(%d+)$') end
  if not s then return nil end
  return tonumber(s), tonumber(e), o and tonumber(o), x
end
local function merge_cutoff(key, member, now, s, e, o, x)
  local cur = redis.call('HGET', key, member)
  if cur then
    local s1, e1, o1, x1 = parse_cutoff(cur)
    if s1 and e1 > now then
      s, e = math.max(s, s1), math.max(e, e1)
      if o1 then
        if not o then o, x = o1, x1
        elseif x1 == x then o = math.max(o, o1)
        else
          s = math.max(s, math.min(o, o1))
          if o1 > o then o, x = o1, x1 end
        end
      end
    end
  end
  if o and o <= s then o, x = nil, nil end
  if o then return string.format('%d:%d:%d:%s', s, e, o, x), e end
  return string.format('%d:%d', s, e), e
end
`;

/**
 * Lua: the records of a user (kept by redis.sessions.ts) created up to
 * `upTo` (ms), but `except`, removed.
 */
const DROP_RECORDS_LUA = `local function drop_records(key, upTo, except)
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local ok, r = pcall(cjson.decode, all[i + 1])
    if all[i] ~= except and (not ok or tonumber(r.c) <= upTo) then
      redis.call('HDEL', key, all[i])
    end
  end
end
`;

/**
 * KEYS: revocations (sorted set, score = expiry), version, a user's
 * records. ARGV: now, expiresAt, channel, members... Drops the expired,
 * adds the members (an existing one keeps the later expiry), removes the
 * user's records of those members, bumps the version and publishes
 * "<version> r <expiresAt> <member> <member>...".
 */
export const REVOKE = new RedisScript(
  `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local members = {}
for i = 4, #ARGV do
  redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[i])
  members[#members + 1] = ARGV[i]
end
redis.call('HDEL', KEYS[3], unpack(members))
local v = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[3], v .. ' r ' .. ARGV[2] .. ' ' .. table.concat(members, ' '))
return v`,
  3,
);

/**
 * KEYS: cutoffs (hash: member -> cutoff, see CUTOFF_LUA), their expiries
 * (sorted set), version, the user's records. ARGV: now, member, all,
 * others ('' for none), exempt ('' for none), expiresAt, channel, upTo.
 * Merges with the cutoff there, drops up to 100 expired cutoffs, removes
 * the user's records created up to `upTo` but the exempt one, bumps the
 * version and publishes "<version> c <member> <cutoff>".
 */
export const SET_CUTOFF = new RedisScript(
  `${CUTOFF_LUA}${DROP_RECORDS_LUA}
local old = redis.call('ZRANGE', KEYS[2], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, 100)
if #old > 0 then
  redis.call('HDEL', KEYS[1], unpack(old))
  redis.call('ZREM', KEYS[2], unpack(old))
end
local others = ARGV[4] ~= '' and tonumber(ARGV[4]) or nil
local exempt = ARGV[5] ~= '' and ARGV[5] or nil
local value, exp = merge_cutoff(KEYS[1], ARGV[2], tonumber(ARGV[1]), tonumber(ARGV[3]), tonumber(ARGV[6]), others, exempt)
redis.call('HSET', KEYS[1], ARGV[2], value)
redis.call('ZADD', KEYS[2], exp, ARGV[2])
drop_records(KEYS[4], tonumber(ARGV[8]), exempt)
local v = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[7], v .. ' c ' .. ARGV[2] .. ' ' .. value)
return v`,
  4,
);

/**
 * KEYS: revocations, cutoffs, version, epoch. ARGV: marker. Returns
 * {version, whether both structures still hold the marker, epoch}: a
 * missing marker means Redis lost them (restarted empty, evicted them,
 * failed over to a replica that never had them), and the instances write
 * back what they hold; so does an epoch other than the one an instance
 * last saw (another instance marked a Redis that had lost everything).
 */
export const CHECK = new RedisScript(
  `local marked = redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1
return {tonumber(redis.call('GET', KEYS[3]) or '0'), marked and 1 or 0, redis.call('GET', KEYS[4]) or ''}`,
  4,
);

/**
 * KEYS: revocations, cutoffs, cutoff expiries, version, epoch. ARGV: now,
 * marker, revocation count n, a new epoch (taken only when Redis has none),
 * then n pairs (member, expiresAt), then pairs (member, cutoff as kept:
 * "all:expiresAt[:others:exempt]"). Merges them as REVOKE and SET_CUTOFF
 * do, marks both structures again and bumps the version (the other
 * instances see a version they have no message for, and load). Returns
 * {version, epoch}.
 */
export const WRITE_BACK = new RedisScript(
  `${CUTOFF_LUA}
local now = tonumber(ARGV[1])
redis.call('SET', KEYS[5], ARGV[4], 'NX')
local i = 5
for k = 1, tonumber(ARGV[3]) do
  redis.call('ZADD', KEYS[1], 'GT', ARGV[i + 1], ARGV[i])
  i = i + 2
end
while i + 1 <= #ARGV do
  local s, e, o, x = parse_cutoff(ARGV[i + 1])
  if s then
    local value, exp = merge_cutoff(KEYS[2], ARGV[i], now, s, e, o, x)
    redis.call('HSET', KEYS[2], ARGV[i], value)
    redis.call('ZADD', KEYS[3], exp, ARGV[i])
  end
  i = i + 2
end
redis.call('ZADD', KEYS[1], '+inf', ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], '0:0')
return {redis.call('INCR', KEYS[4]), redis.call('GET', KEYS[5])}`,
  5,
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
