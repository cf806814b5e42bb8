import { readFileSync } from 'node:fs';
import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, IsUrl, Matches } from 'class-validator';
import {
  IsWholeNumber,
  readEnvironment,
  readNamespace,
  type ConfigNamespace,
} from './variables.js';

/** One `host:port` of REDIS_CLUSTER_NODES or REDIS_SENTINELS. */
export interface HostPort {
  host: string;
  port: number;
}

/** PEM contents of REDIS_TLS_CA_FILE, REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE. */
export interface RedisTlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

/**
 * Where Redis is, one topology at a time: a single server (`url`), a
 * cluster (`clusterNodes`, seed nodes) or the sentinels of a monitored
 * master (`sentinels`, `sentinelName`).
 */
export interface RedisTarget {
  url?: string;
  clusterNodes?: readonly HostPort[];
  sentinels?: readonly HostPort[];
  /** The master the sentinels monitor (REDIS_SENTINEL_NAME, default mymaster). */
  sentinelName?: string;
  sentinelPassword?: string;
  /** Credentials for Cluster and Sentinel (a single Redis: in the URL). */
  username?: string;
  password?: string;
  /** TLS for Cluster and Sentinel (a single Redis: rediss://); files turn it on too. */
  tls?: boolean;
  tlsFiles?: RedisTlsFiles;
}

/** Comma-separated host:port, e.g. 10.0.0.1:6379,10.0.0.2:6379. */
const HOST_PORTS = /^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/;

/** The PEM files for TLS with Redis. */
const TLS_FILES = [
  'REDIS_TLS_CA_FILE',
  'REDIS_TLS_CERT_FILE',
  'REDIS_TLS_KEY_FILE',
] as const;

export class StoreVariables {
  @IsOptional()
  @IsUrl(
    {
      require_tld: false,
      require_protocol: true,
      require_host: true,
      protocols: ['redis', 'rediss'],
    },
    {
      message:
        'REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379.',
    },
  )
  REDIS_URL?: string;

  @IsOptional()
  @Matches(HOST_PORTS, {
    message:
      'REDIS_CLUSTER_NODES must be comma-separated host:port seed nodes, e.g. 10.0.0.1:6379,10.0.0.2:6379.',
  })
  REDIS_CLUSTER_NODES?: string;

  @IsOptional()
  @Matches(HOST_PORTS, {
    message:
      'REDIS_SENTINELS must be comma-separated host:port sentinels, e.g. 10.0.0.1:26379,10.0.0.2:26379.',
  })
  REDIS_SENTINELS?: string;

  @IsOptional()
  @IsString()
  REDIS_SENTINEL_NAME?: string;

  @IsOptional()
  @IsString()
  REDIS_SENTINEL_PASSWORD?: string;

  @IsOptional()
  @IsString()
  REDIS_USERNAME?: string;

  @IsOptional()
  @IsString()
  REDIS_PASSWORD?: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'REDIS_TLS must be true or false.' })
  REDIS_TLS?: 'true' | 'false';

  @IsOptional()
  @IsString()
  REDIS_TLS_CA_FILE?: string;

  @IsOptional()
  @IsString()
  REDIS_TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  REDIS_TLS_KEY_FILE?: string;

  @IsWholeNumber(1, 60_000, 'milliseconds')
  REDIS_TIMEOUT_MS?: number;
}

/** Where the state shared by the instances lives (src/store/). */
export interface StoreConfig {
  /** Redis, shared by every instance; undefined: this process's memory. */
  redis: RedisTarget | undefined;
  /** Longest wait for one Redis call. */
  redisTimeoutMs: number;
}

function hostPorts(list: string): HostPort[] {
  return list.split(',').map((item) => {
    const [host, port] = item.trim().split(':');
    return { host, port: Number(port) };
  });
}

/** The topology variables set, by name. */
function topologies(env: StoreVariables): string[] {
  return (
    ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const
  ).filter((name) => env[name] !== undefined);
}

function readable(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

export const storeNamespace: ConfigNamespace<StoreVariables, StoreConfig> = {
  variables: StoreVariables,
  check: (env) => {
    const faults: string[] = [];
    const set = topologies(env);
    if (set.length > 1) {
      faults.push(
        `${set.join(' and ')} exclude each other: set one of REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS.`,
      );
    }
    for (const name of TLS_FILES) {
      const path = env[name];
      if (path !== undefined && !readable(path)) {
        faults.push(`${name} names a file that cannot be read: ${path}.`);
      }
    }
    if (
      (env.REDIS_TLS_CERT_FILE === undefined) !==
      (env.REDIS_TLS_KEY_FILE === undefined)
    ) {
      faults.push(
        'REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together: set both for mutual TLS, or neither.',
      );
    }
    return faults;
  },
  parse: (env) => {
    const pem = (path: string | undefined): string | undefined =>
      path === undefined ? undefined : readFileSync(path, 'utf8');
    const tlsFiles: RedisTlsFiles = {};
    if (env.REDIS_TLS_CA_FILE) tlsFiles.ca = pem(env.REDIS_TLS_CA_FILE);
    if (env.REDIS_TLS_CERT_FILE) tlsFiles.cert = pem(env.REDIS_TLS_CERT_FILE);
    if (env.REDIS_TLS_KEY_FILE) tlsFiles.key = pem(env.REDIS_TLS_KEY_FILE);
    const common: RedisTarget = {
      username: env.REDIS_USERNAME,
      password: env.REDIS_PASSWORD,
      tls: env.REDIS_TLS === 'true',
      tlsFiles,
    };
    let redis: RedisTarget | undefined;
    if (env.REDIS_URL) redis = { ...common, url: env.REDIS_URL };
    else if (env.REDIS_CLUSTER_NODES) {
      redis = { ...common, clusterNodes: hostPorts(env.REDIS_CLUSTER_NODES) };
    } else if (env.REDIS_SENTINELS) {
      redis = {
        ...common,
        sentinels: hostPorts(env.REDIS_SENTINELS),
        sentinelName: env.REDIS_SENTINEL_NAME ?? 'mymaster',
        sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
      };
    }
    return { redis, redisTimeoutMs: env.REDIS_TIMEOUT_MS ?? 500 };
  },
};

export const storeConfig = registerAs('store', (): StoreConfig =>
  readNamespace(storeNamespace, readEnvironment()),
);
