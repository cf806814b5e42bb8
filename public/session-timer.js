// When to refresh the session: before the access token expires. Pure (the
// clock and the timer are passed in), so that a unit spec can drive it.

/** Longest head start a refresh takes before the token expires. */
export const MAX_MARGIN_SECONDS = 60;

/**
 * Milliseconds from now until the refresh, for an access token that
 * expires in `expiresIn` seconds: a fifth of its lifetime before the end,
 * at most a minute before it (24 h tokens refresh a minute early, 20 s
 * tokens 4 s early).
 */
export function refreshDelayMs(expiresIn) {
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) return 0;
  const margin = Math.min(MAX_MARGIN_SECONDS, expiresIn / 5);
  return Math.round((expiresIn - margin) * 1000);
}

/** Browsers run a timer at once past this delay (a signed 32-bit count of ms). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Keeps a session fresh: `start(expiresIn)` after a login or a refresh
 * arms one timer; when it fires, `refresh()` runs (it resolves to the new
 * expiresIn) and the timer is armed again. A failed refresh calls
 * `onExpired(error)` and stops. `wake()` (the tab is visible again, its
 * timers may have been held back) refreshes at once when the time is past.
 */
export function createRefresher({
  refresh,
  onExpired,
  now,
  setTimer,
  clearTimer,
}) {
  let timer;
  let dueAt;
  let running = false;

  const arm = (expiresIn) => {
    if (timer !== undefined) clearTimer(timer);
    const delay = refreshDelayMs(expiresIn);
    dueAt = now() + delay;
    timer = setTimer(fire, Math.min(delay, LONGEST_TIMER_MS));
  };

  const fire = async () => {
    timer = undefined;
    if (running) return;
    if (now() < dueAt) {
      timer = setTimer(fire, Math.min(dueAt - now(), LONGEST_TIMER_MS));
      return;
    }
    running = true;
    try {
      const expiresIn = await refresh();
      if (dueAt !== undefined) arm(expiresIn);
    } catch (error) {
      stop();
      onExpired(error);
    } finally {
      running = false;
    }
  };

  const stop = () => {
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
    dueAt = undefined;
  };

  return {
    start: arm,
    stop,
    wake() {
      if (dueAt === undefined || now() < dueAt) return;
      if (timer !== undefined) clearTimer(timer);
      void fire();
    },
    /** When the next refresh is due (ms on the `now` clock), or undefined. */
    get dueAt() {
      return dueAt;
    },
  };
}
