/**
 * Fake timers whose clock lru-cache also reads: it keeps the `performance`
 * object it found at load, which vi.useFakeTimers() replaces rather than
 * patches; so `performance` is left real and its `now` follows the fake
 * Date. Undo with vi.useRealTimers() and vi.restoreAllMocks() (afterEach).
 */
export function useFakeClock(startMs: number): void {
  vi.useFakeTimers({
    toFake: [
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'Date',
    ],
  });
  vi.setSystemTime(startMs);
  vi.spyOn(performance, 'now').mockImplementation(() => Date.now());
}

/**
 * Sets the date this process reads (Date, Date.now) to `epochMs`, and
 * nothing else: timers and `performance` stay real, so servers, sockets
 * and timeouts run as ever. An app started in this process (startApp)
 * judges its tokens' `exp` and `auth_time` by this date; an emulator
 * process does not see it. Undo with vi.useRealTimers() (afterEach).
 */
export function setDate(epochMs: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(epochMs);
}
