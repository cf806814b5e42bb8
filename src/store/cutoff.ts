/**
 * A user's sign-out cutoff (epoch seconds): every token whose `auth_time`
 * is at or before `all` is refused; so is every token at or before
 * `others`, except the session whose stored key is `exempt` (the session
 * that asked to end all the others). Two cutoffs merge into one that
 * refuses what either refused; the Redis scripts merge alike (MERGE_CUTOFF
 * in redis.scripts.ts).
 */
export interface Cutoff {
  all: number;
  others?: number;
  exempt?: string;
}

export function mergeCutoffs(a: Cutoff, b: Cutoff): Cutoff {
  let all = Math.max(a.all, b.all);
  let { others, exempt } = a;
  if (b.others !== undefined) {
    if (others === undefined) {
      others = b.others;
      exempt = b.exempt;
    } else if (exempt === b.exempt) {
      others = Math.max(others, b.others);
    } else {
      // Each ended the other's exempt session: up to the earlier, no one is exempt.
      all = Math.max(all, Math.min(others, b.others));
      if (b.others > others) {
        others = b.others;
        exempt = b.exempt;
      }
    }
  }
  if (others === undefined || others <= all || exempt === undefined) {
    return { all };
  }
  return { all, others, exempt };
}

/**
 * The cutoff that applies to a session with these stored keys, undefined
 * when none does.
 */
export function cutoffFor(
  cutoff: Cutoff | undefined,
  keys: readonly string[] = [],
): number | undefined {
  if (!cutoff) return undefined;
  const others =
    cutoff.others !== undefined && !keys.includes(cutoff.exempt ?? '')
      ? cutoff.others
      : 0;
  const seconds = Math.max(cutoff.all, others);
  return seconds > 0 ? seconds : undefined;
}

/** "all" or "all:others:exempt", as Redis keeps it (with the expiry between). */
export function formatCutoff(cutoff: Cutoff, expiresAtMs: number): string {
  // An expiry read back from memory may carry a fraction of a millisecond.
  const head = `${cutoff.all}:${Math.ceil(expiresAtMs)}`;
  return cutoff.others !== undefined && cutoff.exempt
    ? `${head}:${cutoff.others}:${cutoff.exempt}`
    : head;
}

/** Reads "all:expiresAt" or "all:expiresAt:others:exempt"; undefined when malformed. */
export function parseCutoff(
  value: string,
): { cutoff: Cutoff; expiresAtMs: number } | undefined {
  const match = /^(\d+):(\d+)(?::(\d+):([\w-]+))?$/.exec(value);
  if (!match) return undefined;
  const cutoff: Cutoff = { all: Number(match[1]) };
  if (match[3] !== undefined) {
    cutoff.others = Number(match[3]);
    cutoff.exempt = match[4];
  }
  return { cutoff, expiresAtMs: Number(match[2]) };
}
