import { randomUUID } from 'node:crypto';
import { parseCutoff } from './cutoff.js';
import { type RedisClient, within } from './redis.connection.js';
import { MARKER, type RedisLayout } from './redis.mirror.js';
import { WRITE_BACK } from './redis.scripts.js';
import { isStoredKey } from './store-keys.js';

/**
 * Where releases before the hash tag `{s}` (README, "Several instances")
 * kept the revocations and cutoffs: `<prefix>rev` (sorted set, member ->
 * expiry) and `<prefix>cut` (hash, member -> "seconds:expiresAt"), in the
 * form today's keys still read.
 */
export function legacyKeys(prefix: string): {
  revoked: string;
  cutoffs: string;
} {
  return { revoked: `${prefix}rev`, cutoffs: `${prefix}cut` };
}

/** Entries per WRITE_BACK call, as the write-back of redis.sync.ts. */
const BATCH = 500;

type Pair = [member: string, value: string | number];

/**
 * Copies the live revocations and cutoffs an earlier release left under
 * its keys into today's, so that a token logged out before the upgrade
 * stays refused after it. Each batch goes through WRITE_BACK: merged with
 * what is there, the version bumped, so every running instance loads it.
 *
 * The old keys are read, never changed: during a rolling upgrade the
 * instances of the earlier release still write there, and each instance of
 * this one takes over what is there when it starts. Returns how many
 * entries it copied.
 */
export async function takeOverLegacyKeys(
  client: RedisClient,
  prefix: string,
  layout: RedisLayout,
  timeoutMs: number,
): Promise<number> {
  const old = legacyKeys(prefix);
  let copied = 0;
  const write = async (revs: Pair[], cuts: Pair[]): Promise<void> => {
    if (revs.length + cuts.length === 0) return;
    await within(
      WRITE_BACK.run(client, [
        layout.revoked,
        layout.cutoffs,
        layout.cutoffExpiries,
        layout.version,
        layout.epoch,
        Date.now(),
        MARKER,
        revs.length,
        randomUUID(),
        ...revs.flat(),
        ...cuts.flat(),
      ]),
      timeoutMs,
    );
    copied += revs.length + cuts.length;
  };

  let cursor = '0';
  do {
    const [next, entries] = await within(
      client.zscan(old.revoked, cursor, 'COUNT', BATCH),
      timeoutMs,
    );
    const now = Date.now();
    const live: Pair[] = [];
    for (let i = 0; i + 1 < entries.length; i += 2) {
      const expiresAt = Number(entries[i + 1]);
      if (isStoredKey(entries[i]) && expiresAt > now) {
        live.push([entries[i], expiresAt]);
      }
    }
    await write(live, []);
    cursor = next;
  } while (cursor !== '0');

  cursor = '0';
  do {
    const [next, fields] = await within(
      client.hscan(old.cutoffs, cursor, 'COUNT', BATCH),
      timeoutMs,
    );
    const now = Date.now();
    const live: Pair[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const held = parseCutoff(fields[i + 1]);
      if (isStoredKey(fields[i]) && held && held.expiresAtMs > now) {
        live.push([fields[i], fields[i + 1]]);
      }
    }
    await write([], live);
    cursor = next;
  } while (cursor !== '0');
  return copied;
}
