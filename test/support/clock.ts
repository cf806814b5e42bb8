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
