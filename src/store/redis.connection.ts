import type { MemoryStoreOptions } from './memory.store.js';
import { Redis } from 'ioredis';
import { StoreUnavailableError } from './shared-store.js';

/**
 * An ioredis client that never waits long: no offline queue (a command
 * while disconnected fails at once), each command bounded by the timeout,
 * no resending of commands after a reconnect (a counted hit must not count
 * twice), and reconnecting by itself, every 100 ms to 2 s.
 */
export function createRedisClient(
  url: string,
  timeoutMs: number,
  name: string,
): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(timeoutMs, 1000),
    retryStrategy: (times) => Math.min(100 * times, 2000),
    connectionName: name,
  });
  // Failures are seen where the commands fail; the event only says why.
  client.on('error', () => undefined);
  return client;
}

/** The promise, or StoreUnavailableError('unreachable') after timeoutMs. */
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
        : new StoreUnavailableError('unreachable');
    },
  );
}

/** Resolves once the client is ready, or rejects after timeoutMs. */
export function whenReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  const ready = new Promise<void>((resolve) => client.once('ready', resolve));
  if (client.status === 'wait') client.connect().catch(() => undefined);
  return within(ready, timeoutMs);
}

/** Closes politely within the timeout, else drops the connection. */
export async function closeClient(
  client: Redis,
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

export interface RedisStoreOptions extends MemoryStoreOptions {
  url: string;
  /** Longest wait for one Redis call (REDIS_TIMEOUT_MS). */
  timeoutMs: number;
  /** Prefix of every key and of the channel; the same on every instance. */
  prefix?: string;
  /** How often the mirror's version is checked against Redis. */
  tickMs?: number;
}
