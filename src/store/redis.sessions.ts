import { type RedisClient, within } from './redis.connection.js';
import type { RedisLayout, RedisMirror } from './redis.mirror.js';
import { RedisScript } from './redis.scripts.js';
import {
  checkWindow,
  type SessionEntry,
  type SessionLimits,
  type SessionRecord,
  type StoreUnavailableError,
} from './shared-store.js';
import { publicRecord, type StoredRecord } from './record-table.js';
import { storedKey } from './store-keys.js';

/**
 * KEYS: a user's records (hash: id -> JSON {c, l, e, u, i}), revocations,
 * version. ARGV: now, id, createdAt, lastActiveAt, expiresAt, userAgent,
 * ipAddress, max, revokeUntil, channel. Drops the user's expired records,
 * writes this one (a known id keeps createdAt and expiry), and past `max`
 * removes the oldest others and revokes their ids (published as REVOKE
 * does). The hash lives as long as its latest record. Returns the ids
 * revoked.
 */
const RECORD = new RedisScript(
  `local now = tonumber(ARGV[1])
local all = redis.call('HGETALL', KEYS[1])
local others = {}
local latest = 0
local cur
for i = 1, #all, 2 do
  local ok, r = pcall(cjson.decode, all[i + 1])
  if not ok or tonumber(r.e) <= now then
    redis.call('HDEL', KEYS[1], all[i])
  elseif all[i] == ARGV[2] then
    cur = r
  else
    others[#others + 1] = {all[i], tonumber(r.c)}
    latest = math.max(latest, tonumber(r.e))
  end
end
local c, e = tonumber(ARGV[3]), tonumber(ARGV[5])
if cur then c, e = tonumber(cur.c), tonumber(cur.e) end
redis.call('HSET', KEYS[1], ARGV[2], cjson.encode({c = c, l = tonumber(ARGV[4]), e = e, u = ARGV[6], i = ARGV[7]}))
latest = math.max(latest, e)
local evicted = {}
if not cur then
  table.sort(others, function(a, b) return a[2] < b[2] end)
  local n = #others + 1
  local k = 1
  while n > tonumber(ARGV[8]) and k <= #others do
    redis.call('HDEL', KEYS[1], others[k][1])
    redis.call('ZADD', KEYS[2], 'GT', ARGV[9], others[k][1])
    evicted[#evicted + 1] = others[k][1]
    k = k + 1
    n = n - 1
  end
end
if #evicted > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
  local v = redis.call('INCR', KEYS[3])
  redis.call('PUBLISH', ARGV[10], v .. ' r ' .. ARGV[9] .. ' ' .. table.concat(evicted, ' '))
end
redis.call('PEXPIREAT', KEYS[1], latest)
return evicted`,
  3,
);

/**
 * KEYS: a user's records, revocations, version. ARGV: now, id,
 * revokeUntil, channel. Removes the live record of that id and revokes
 * the id (published as REVOKE does); returns 1, or 0 (nothing changed)
 * when the user has no live record of it.
 */
const END_SESSION = new RedisScript(
  `local cur = redis.call('HGET', KEYS[1], ARGV[2])
if not cur then return 0 end
redis.call('HDEL', KEYS[1], ARGV[2])
local ok, r = pcall(cjson.decode, cur)
if not ok or tonumber(r.e) <= tonumber(ARGV[1]) then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
redis.call('ZADD', KEYS[2], 'GT', ARGV[3], ARGV[2])
local v = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[4], v .. ' r ' .. ARGV[3] .. ' ' .. ARGV[2])
return 1`,
  3,
);

/** How the records reach Redis through the store, which tracks whether it answers. */
export interface StoreCalls {
  /** Runs a script that writes; rejects with the error named (the store is marked down). */
  write(script: RedisScript, args: (string | number)[]): Promise<unknown>;
  /** A failed read's error, named as the store names it. */
  named(error: unknown): StoreUnavailableError;
}

/**
 * The session records of the Redis store (the sessions a user can see and
 * end): one hash per user, written by scripts that also revoke what they
 * remove, so that a record never leaves while its session still works.
 * The revocations go to the mirror too, once Redis has them.
 */
export class RedisSessions {
  constructor(
    private readonly client: RedisClient,
    private readonly mirror: RedisMirror,
    private readonly layout: RedisLayout,
    private readonly timeoutMs: number,
    private readonly store: StoreCalls,
  ) {}

  /** SharedStore.recordSession. */
  async record(
    userKey: string,
    entry: SessionEntry,
    limits: SessionLimits,
  ): Promise<void> {
    checkWindow(limits.ttlMs, 'ttlMs');
    checkWindow(limits.maxPerUser, 'maxPerUser');
    const now = Date.now();
    const { revoked, version, channel, records } = this.layout;
    const evicted = (await this.store.write(RECORD, [
      records(storedKey(userKey)),
      revoked,
      version,
      now,
      storedKey(entry.key),
      entry.createdAt,
      entry.lastActiveAt,
      entry.createdAt + limits.ttlMs,
      entry.userAgent,
      entry.ipAddress,
      limits.maxPerUser,
      now + limits.ttlMs,
      channel,
    ])) as string[];
    if (evicted.length > 0) this.mirror.revoke(evicted, now + limits.ttlMs);
  }

  /** SharedStore.sessionsOf: one read, which leaves the store's state as it is. */
  async list(userKey: string): Promise<SessionRecord[]> {
    const key = this.layout.records(storedKey(userKey));
    let fields: Record<string, string>;
    try {
      fields = await within(this.client.hgetall(key), this.timeoutMs);
    } catch (error) {
      throw this.store.named(error);
    }
    const now = Date.now();
    const sessions: SessionRecord[] = [];
    for (const [id, value] of Object.entries(fields)) {
      const record = readRecord(id, value);
      if (record && record.expiresAt > now) sessions.push(publicRecord(record));
    }
    return sessions;
  }

  /** SharedStore.endSession. */
  async end(userKey: string, id: string, ttlMs: number): Promise<boolean> {
    checkWindow(ttlMs, 'ttlMs');
    const now = Date.now();
    const { revoked, version, channel, records } = this.layout;
    const ended = await this.store.write(END_SESSION, [
      records(storedKey(userKey)),
      revoked,
      version,
      now,
      id,
      now + ttlMs,
      channel,
    ]);
    if (ended !== 1) return false;
    this.mirror.revoke([id], now + ttlMs);
    return true;
  }
}

/** A record as RECORD keeps it (JSON {c, l, e, u, i}); undefined when unreadable. */
function readRecord(id: string, value: string): StoredRecord | undefined {
  try {
    const r = JSON.parse(value) as Record<string, unknown>;
    if (typeof r.c !== 'number' || typeof r.e !== 'number') return undefined;
    return {
      id,
      createdAt: r.c,
      lastActiveAt: typeof r.l === 'number' ? r.l : r.c,
      // Lua's cjson writes an empty string as "" and a table as {}: keep strings only.
      userAgent: typeof r.u === 'string' ? r.u : '',
      ipAddress: typeof r.i === 'string' ? r.i : '',
      expiresAt: r.e,
    };
  } catch {
    return undefined;
  }
}
