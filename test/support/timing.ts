/** Helpers to time requests and wait for conditions, always bounded. */

/** Runs `work` and answers its result with the wall-clock time it took, in ms. */
export async function timed<T>(
  work: () => Promise<T>,
): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/**
 * Calls `probe` every `intervalMs` until it answers a value other than
 * undefined, or throws once `timeoutMs` has passed (never loops forever).
 * A probe that throws counts as "not yet".
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs, intervalMs = 100 }: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `${what}: not within ${timeoutMs} ms${last ? ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ''}`,
  );
}

/**
 * Polls `check` until it holds and answers how long that took, in ms (specs
 * log it against a bound they state), or throws once `limitMs` has passed.
 * Unlike waitFor, a check that throws (an expectation in it) fails at once.
 */
export async function within(
  limitMs: number,
  check: () => Promise<boolean>,
  { intervalMs = 50 }: { intervalMs?: number } = {},
): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > limitMs) {
      throw new Error(`still not so after ${limitMs} ms`);
    }
    await sleep(intervalMs);
  }
  return Math.round(performance.now() - started);
}

/**
 * The deadline for the built app (and its emulator) to be up: about 4 s on
 * an idle machine; with every core busy with other work (npm run
 * test:busy, on a machine already shared) a start has taken over 60 s, so
 * the deadline leaves room for that. A start that hangs still fails.
 */
export const START_WITHIN_MS = 120_000;

/**
 * The contract's bound for a logout on one instance to hold on the others
 * (README, "Several instances"): within 1 s.
 */
export const LOGOUT_SEEN_WITHIN_MS = 1000;

/**
 * What a step of a second or less (a logout crossing Redis's pub/sub to
 * another instance, a call to a frozen Redis timing out) is allowed on top
 * of its bound when every core is busy (npm run test:busy): it then runs
 * late by a second or so. One that never happens still fails.
 */
export const SEEN_BUSY_MARGIN_MS = 2000;

/**
 * The contract's bound for writing back what Redis forgot (README, "Several
 * instances"): within 15 s on a machine that keeps up.
 */
export const WRITE_BACK_WITHIN_MS = 15_000;

/**
 * What a bound of the contract is given on top when every core is busy with
 * other work (npm run test:busy): the write-back loop's timers and Redis
 * itself then run late by seconds. A loop that never writes back still fails.
 */
export const BUSY_MARGIN_MS = 10_000;
