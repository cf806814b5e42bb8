import { randomUUID } from 'node:crypto';
import { parseCutoff } from './cutoff.js';
import { type RedisClient, scanPairs, within } from './redis.connection.js';
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

/** A member and what Redis holds for it (an expiry, a cutoff), as read. */
type Pair = [member: string, value: string];

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

  for await (const page of scanPairs(
    client,
    'zscan',
    old.revoked,
    timeoutMs,
    BATCH,
  )) {
    const now = Date.now();
    const live = page.filter(
      ([member, score]) => isStoredKey(member) && Number(score) > now,
    );
    await write(live, []);
  }
  for await (const page of scanPairs(
    client,
    'hscan',
    old.cutoffs,
    timeoutMs,
    BATCH,
  )) {
    const now = Date.now();
    await write(
      [],
      page.filter(([member, value]) => {
        const held = parseCutoff(value);
        return (
          isStoredKey(member) && held !== undefined && held.expiresAtMs > now
        );
      }),
    );
  }
  return copied;
}
