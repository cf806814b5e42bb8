import { ConfigValidationError, loadConfig } from './env.validation.js';

/** The message loadConfig throws, or undefined when it accepts. */
function refusal(raw: Record<string, string>): string | undefined {
  try {
    loadConfig(raw);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as Error).message;
  }
}

describe('store configuration (REDIS_URL, REDIS_TIMEOUT_MS)', () => {
  it('keeps the state in memory with a 500 ms timeout by default', () => {
    expect(loadConfig({}).store).toEqual({
      redisUrl: undefined,
      redisTimeoutMs: 500,
    });
  });

  it.each([
    'redis://127.0.0.1:6379',
    'redis://localhost',
    'rediss://cache.example.com:6380/1',
    'redis://user:s3cret@redis.internal:6379/0',
  ])('accepts %s', (url) => {
    expect(loadConfig({ REDIS_URL: url }).store.redisUrl).toBe(url);
  });

  it.each([
    'http://127.0.0.1:6379',
    '127.0.0.1:6379',
    'redis://',
    'redis 127.0.0.1',
  ])('refuses REDIS_URL %s in one sentence', (url) => {
    expect(refusal({ REDIS_URL: url })).toBe(
      'Invalid configuration: REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379.',
    );
  });

  it.each(['0', '60001', '1.5', 'fast'])(
    'refuses REDIS_TIMEOUT_MS %s',
    (value) => {
      expect(refusal({ REDIS_TIMEOUT_MS: value })).toBe(
        'Invalid configuration: REDIS_TIMEOUT_MS must be a whole number of milliseconds from 1 to 60000.',
      );
    },
  );

  it('takes a whole number of milliseconds', () => {
    expect(loadConfig({ REDIS_TIMEOUT_MS: '60000' }).store.redisTimeoutMs).toBe(
      60_000,
    );
  });
});
