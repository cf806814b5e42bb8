import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PUBLIC_DIR } from './demo-page.js';

/** The page's own module (plain JavaScript, served as is). */
interface SessionTimer {
  refreshDelayMs(expiresIn: number): number;
  createRefresher(options: {
    refresh: () => Promise<number>;
    onExpired: (error: unknown) => void;
    now: () => number;
    setTimer: (callback: () => void, ms: number) => number;
    clearTimer: (timer: number) => void;
  }): {
    start(expiresIn: number): void;
    stop(): void;
    wake(): void;
    readonly dueAt: number | undefined;
  };
}

const timer = (await import(
  pathToFileURL(join(PUBLIC_DIR!, 'session-timer.js')).href
)) as SessionTimer;

/** A hand-driven clock and timer list: nothing waits for real time. */
function manualClock() {
  let now = 1_000_000;
  let next = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimer: (callback: () => void, ms: number) => {
      timers.set(next, { at: now + ms, callback });
      return next++;
    },
    clearTimer: (id: number) => void timers.delete(id),
    pending: () => [...timers.values()].map((t) => t.at - now),
    /** Moves the clock by `ms` without running any timer (a sleeping tab). */
    skip(ms: number) {
      now += ms;
    },
    /** Moves the clock by `ms`, running the timers that fall due. */
    async advance(ms: number) {
      now += ms;
      for (const [id, t] of timers) {
        if (t.at <= now) {
          timers.delete(id);
          t.callback();
        }
      }
      await new Promise((done) => setImmediate(done));
    },
  };
}

describe('refreshDelayMs', () => {
  it.each([
    [86_400, 86_340_000, 'a 24 h token: a minute before it expires'],
    [3_600, 3_540_000, 'a 1 h token: a minute before'],
    [300, 240_000, 'a 5 min token: a minute before'],
    [20, 16_000, 'a 20 s token: a fifth of its life before (4 s)'],
    [1, 800, 'a 1 s token: 0.2 s before'],
  ])('refreshes a token of %i s after %i ms (%s)', (expiresIn, delay) => {
    expect(timer.refreshDelayMs(expiresIn)).toBe(delay);
  });

  it.each([[0], [-5], [Number.NaN], [undefined]])(
    'refreshes at once for an expiresIn of %s',
    (expiresIn) => {
      expect(timer.refreshDelayMs(expiresIn as number)).toBe(0);
    },
  );
});

describe('createRefresher', () => {
  function setup(answers: (number | Error)[]) {
    const clock = manualClock();
    const refresh = vi.fn(async () => {
      const answer = answers.shift();
      if (answer instanceof Error || answer === undefined) {
        throw answer ?? new Error('no more answers');
      }
      return answer;
    });
    const onExpired = vi.fn();
    const refresher = timer.createRefresher({ refresh, onExpired, ...clock });
    return { clock, refresh, onExpired, refresher };
  }

  it('refreshes once the delay has passed, not before, and arms again with the new lifetime', async () => {
    const { clock, refresh, refresher } = setup([20, 20]);
    refresher.start(20);
    expect(clock.pending()).toEqual([16_000]);
    await clock.advance(15_999);
    expect(refresh).not.toHaveBeenCalled();
    await clock.advance(1);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(clock.pending()).toEqual([16_000]);
    await clock.advance(16_000);
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('calls onExpired with the error and stops when a refresh fails', async () => {
    const refused = new Error('UNAUTHORIZED');
    const { clock, refresh, onExpired, refresher } = setup([refused]);
    refresher.start(20);
    await clock.advance(16_000);
    expect(onExpired).toHaveBeenCalledWith(refused);
    expect(clock.pending()).toEqual([]);
    expect(refresher.dueAt).toBeUndefined();
    await clock.advance(60_000);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('refreshes nothing once stopped (logout)', async () => {
    const { clock, refresh, refresher } = setup([20]);
    refresher.start(20);
    refresher.stop();
    expect(clock.pending()).toEqual([]);
    await clock.advance(60_000);
    expect(refresh).not.toHaveBeenCalled();
  });

  it('keeps one timer when started again (a login after a refresh)', () => {
    const { clock, refresher } = setup([]);
    refresher.start(20);
    refresher.start(3_600);
    expect(clock.pending()).toEqual([3_540_000]);
  });

  it('on wake, refreshes at once when the time passed while the timers slept, else waits', async () => {
    const { clock, refresh, refresher } = setup([20]);
    refresher.start(20);
    clock.skip(10_000);
    refresher.wake();
    expect(refresh).not.toHaveBeenCalled();
    clock.skip(10_000);
    refresher.wake();
    await clock.advance(0);
    expect(refresh).toHaveBeenCalledTimes(1);
    // The held-back timer is gone: one timer, for the next refresh.
    expect(clock.pending()).toEqual([16_000]);
  });

  it('caps a timer at the longest delay browsers honour, and re-arms until the refresh is due', async () => {
    const { clock, refresh, refresher } = setup([]);
    const longest = 2 ** 31 - 1;
    refresher.start(30 * 86_400);
    expect(clock.pending()).toEqual([longest]);
    await clock.advance(longest);
    expect(refresh).not.toHaveBeenCalled();
    expect(clock.pending()).toEqual([30 * 86_400_000 - 60_000 - longest]);
  });
});
