import type { HostPort, RedisTarget } from '../config/store.config.js';
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { MemoryStoreOptions } from './memory.store.js';
import { describeRedisError } from './redis.errors.js';
import { StoreUnavailableError } from './shared-store.js';

/** A connection to any topology: the commands the store uses are the same. */
export type RedisClient = Redis | Cluster;

/** Node's TLS options, or undefined for a plain connection. */
function tlsOptions(target: RedisTarget): ConnectionOptions | undefined {
  const files = target.tlsFiles ?? {};
  const wanted =
    target.tls === true ||
    target.url?.startsWith('rediss:') === true ||
    Object.values(files).some((pem) => pem !== undefined);
  if (!wanted) return undefined;
  return { ca: files.ca, cert: files.cert, key: files.key };
}

/** Whether the connection to Redis is TLS. */
export function usesTls(target: RedisTarget): boolean {
  return tlsOptions(target) !== undefined;
}

/** A short description of where the target points, for the logs. */
export function describeTarget(target: RedisTarget): string {
  if (target.clusterNodes) {
    return `the cluster seeded by REDIS_CLUSTER_NODES=${target.clusterNodes.map(hostPort).join(',')}`;
  }
  if (target.sentinels) {
    return `master ${target.sentinelName ?? 'mymaster'} of REDIS_SENTINELS=${target.sentinels.map(hostPort).join(',')}`;
  }
  const url = new URL(target.url ?? 'redis://');
  return `REDIS_URL=${url.protocol}//${url.host}`;
}

function hostPort({ host, port }: HostPort): string {
  return `${host}:${port}`;
}

/**
 * An ioredis client that never waits long: no offline queue (a command
 * while disconnected fails at once), each command bounded by the timeout,
 * no resending of commands after a reconnect (a counted hit must not count
 * twice), and reconnecting by itself, every 100 ms to 2 s. A cluster
 * follows MOVED and ASK; a Sentinel client asks the sentinels for the
 * master, and again when the server it reached says it is a replica.
 */
export function createRedisClient(
  target: RedisTarget,
  timeoutMs: number,
  name: string,
): RedisClient {
  const tls = tlsOptions(target);
  const common: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(timeoutMs, 1000),
    connectionName: name,
    ...(tls ? { tls } : {}),
  };
  const retry = (times: number): number => Math.min(100 * times, 2000);
  let client: RedisClient;
  if (target.clusterNodes) {
    client = new Cluster(
      target.clusterNodes.map((node) => ({ ...node })),
      {
        lazyConnect: true,
        enableOfflineQueue: false,
        clusterRetryStrategy: retry,
        slotsRefreshTimeout: Math.max(timeoutMs, 1000),
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        redisOptions: {
          ...common,
          username: target.username,
          password: target.password,
        },
      },
    );
  } else if (target.sentinels) {
    client = new Redis({
      ...common,
      enableOfflineQueue: false,
      retryStrategy: retry,
      sentinels: target.sentinels.map((node) => ({ ...node })),
      name: target.sentinelName ?? 'mymaster',
      sentinelPassword: target.sentinelPassword,
      sentinelRetryStrategy: retry,
      username: target.username,
      password: target.password,
      enableTLSForSentinelMode: tls !== undefined,
      ...(tls ? { sentinelTLS: tls } : {}),
      // A master demoted by a failover answers READONLY: ask the sentinels again.
      reconnectOnError: (error) => error.message.startsWith('READONLY'),
    });
  } else {
    client = new Redis(target.url ?? 'redis://127.0.0.1:6379', {
      ...common,
      enableOfflineQueue: false,
      retryStrategy: retry,
    });
  }
  // Failures are seen where the commands fail; the event only says why.
  client.on('error', () => undefined);
  return client;
}

/**
 * The promise, or StoreUnavailableError after timeoutMs ('unreachable'),
 * or when it fails (the cause Redis gave, named: see describeRedisError).
 */
export function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreUnavailableError('unreachable')),
      timeoutMs,
    );
  });
  return Promise.race([promise, deadline]).then(
    (value) => {
      clearTimeout(timer);
      return value;
    },
    (error: unknown) => {
      clearTimeout(timer);
      throw error instanceof StoreUnavailableError
        ? error
        : describeRedisError(error);
    },
  );
}

/** Resolves once the client is ready, or rejects after timeoutMs. */
export function whenReady(
  client: RedisClient,
  timeoutMs: number,
): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  const ready = new Promise<void>((resolve) => client.once('ready', resolve));
  if (client.status === 'wait') client.connect().catch(() => undefined);
  return within(ready, timeoutMs);
}

/** Closes politely within the timeout, else drops the connection. */
export async function closeClient(
  client: RedisClient,
  timeoutMs: number,
): Promise<void> {
  if (client.status === 'end') return;
  try {
    if (client.status !== 'ready') throw new Error('not connected');
    await within(client.quit(), timeoutMs);
  } catch {
    client.disconnect(false);
  }
}

export type {
  HostPort,
  RedisTarget,
  RedisTlsFiles,
} from '../config/store.config.js';

export interface RedisStoreOptions extends MemoryStoreOptions, RedisTarget {
  /** Longest wait for one Redis call (REDIS_TIMEOUT_MS). */
  timeoutMs: number;
  /** Prefix of every key and of the channel; the same on every instance. */
  prefix?: string;
  /** How often the mirror's version is checked against Redis. */
  tickMs?: number;
}

/**
 * The (field, value) pairs of a sorted set (member, score) or a hash
 * (field, value), a page of about `count` at a time, each call within the
 * timeout. A cursor scan, not offset pages: another instance's write drops
 * the expired entries while it runs, which would shift every later offset
 * and skip entries; a scan returns every entry that is there from its
 * start to its end (some maybe twice).
 */
export async function* scanPairs(
  client: RedisClient,
  kind: 'zscan' | 'hscan',
  key: string,
  timeoutMs: number,
  count: number,
): AsyncGenerator<[string, string][]> {
  let cursor = '0';
  do {
    const [next, flat] = await within(
      client[kind](key, cursor, 'COUNT', count),
      timeoutMs,
    );
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      pairs.push([flat[i], flat[i + 1]]);
    }
    yield pairs;
    cursor = next;
  } while (cursor !== '0');
}
