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
      redis: undefined,
      redisTimeoutMs: 500,
    });
  });

  it.each([
    'redis://127.0.0.1:6379',
    'redis://localhost',
    'rediss://cache.example.com:6380/1',
    'redis://user:s3cret@redis.internal:6379/0',
  ])('accepts %s', (url) => {
    expect(loadConfig({ REDIS_URL: url }).store.redis?.url).toBe(url);
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

describe('store configuration (Cluster, Sentinel, TLS)', () => {
  it('takes the seed nodes of a cluster, with the user and password', () => {
    expect(
      loadConfig({
        REDIS_CLUSTER_NODES: '10.0.0.1:6379, redis-2.internal:6380',
        REDIS_USERNAME: 'app',
        REDIS_PASSWORD: 's3cret',
      }).store.redis,
    ).toEqual({
      clusterNodes: [
        { host: '10.0.0.1', port: 6379 },
        { host: 'redis-2.internal', port: 6380 },
      ],
      username: 'app',
      password: 's3cret',
      tls: false,
      tlsFiles: {},
    });
  });

  it('takes sentinels, the master name (default mymaster) and their password', () => {
    expect(
      loadConfig({ REDIS_SENTINELS: '10.0.0.1:26379' }).store.redis,
    ).toMatchObject({
      sentinels: [{ host: '10.0.0.1', port: 26379 }],
      sentinelName: 'mymaster',
    });
    expect(
      loadConfig({
        REDIS_SENTINELS: '10.0.0.1:26379,10.0.0.2:26379',
        REDIS_SENTINEL_NAME: 'sessions',
        REDIS_SENTINEL_PASSWORD: 'pw',
        REDIS_TLS: 'true',
      }).store.redis,
    ).toMatchObject({
      sentinelName: 'sessions',
      sentinelPassword: 'pw',
      tls: true,
    });
  });

  it('refuses two topologies at once in one sentence', () => {
    expect(
      refusal({
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_SENTINELS: '127.0.0.1:26379',
      }),
    ).toBe(
      'Invalid configuration: REDIS_URL and REDIS_SENTINELS exclude each other: set one of REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS.',
    );
  });

  it.each([
    ['REDIS_CLUSTER_NODES', '10.0.0.1'],
    ['REDIS_CLUSTER_NODES', 'redis://10.0.0.1:6379'],
    ['REDIS_SENTINELS', '10.0.0.1:26379,'],
  ])('refuses %s=%s in one sentence naming it', (name, value) => {
    expect(refusal({ [name]: value })).toMatch(
      new RegExp(
        `^Invalid configuration: ${name} must be comma-separated host:port`,
      ),
    );
  });

  it('refuses a TLS file that cannot be read, and a certificate without its key', () => {
    expect(refusal({ REDIS_TLS_CA_FILE: '/nonexistent/ca.pem' })).toBe(
      'Invalid configuration: REDIS_TLS_CA_FILE names a file that cannot be read: /nonexistent/ca.pem.',
    );
    expect(refusal({ REDIS_TLS_CERT_FILE: import.meta.filename })).toBe(
      'Invalid configuration: REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together: set both for mutual TLS, or neither.',
    );
  });

  it('refuses REDIS_TLS other than true or false', () => {
    expect(refusal({ REDIS_TLS: 'yes' })).toBe(
      'Invalid configuration: REDIS_TLS must be true or false.',
    );
  });
});
