import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { isIP } from 'node:net';
import {
  IsWholeNumber,
  readEnvironment,
  readNamespace,
  type ConfigNamespace,
} from './variables.js';

const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

export class HttpVariables {
  @IsWholeNumber(1_024, 10 * 1024 * 1024, 'bytes')
  BODY_LIMIT_BYTES?: number;

  @IsWholeNumber(1_024, 1024 * 1024, 'bytes')
  MAX_HEADER_BYTES?: number;

  @IsWholeNumber(0, 600_000, 'milliseconds')
  SHUTDOWN_TIMEOUT_MS?: number;

  @IsOptional()
  @Matches(/^(https?:\/\/[^\s,]+)(\s*,\s*https?:\/\/[^\s,]+)*$/, {
    message:
      'CORS_ORIGINS must be a comma-separated list of origins, e.g. https://app.example.com,http://localhost:5173.',
  })
  CORS_ORIGINS?: string;

  /** Its values are checked in httpNamespace.check: `true` has a sentence of its own. */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  @IsWholeNumber(0, 60_000, 'milliseconds')
  HEALTH_CACHE_MS?: number;

  @IsOptional()
  @IsIn(LOG_LEVELS, {
    message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.`,
  })
  LOG_LEVEL?: string;

  @IsOptional()
  @IsIn(['json', 'pretty'], { message: 'LOG_FORMAT must be json or pretty.' })
  LOG_FORMAT?: 'json' | 'pretty';
}

/** The HTTP server: limits, CORS, logging, shutdown. */
export interface HttpConfig {
  /** Largest accepted request body (413 PAYLOAD_TOO_LARGE above). */
  bodyLimitBytes: number;
  /** Largest accepted request head (Node answers 431 above). */
  maxHeaderBytes: number;
  /** Origins allowed by CORS; none (CORS closed) by default. */
  corsOrigins: string[];
  /**
   * Which hops of X-Forwarded-For to trust (Fastify's trustProxy): none, the
   * last n, or those from these addresses/CIDRs. The client address
   * (request.ip, what per-IP limits key on) is the first untrusted one.
   */
  trustProxy: false | number | string[];
  /** How long GET /health reuses its last readiness check. */
  healthCacheMs: number;
  /** Longest wait for in-flight requests at shutdown. */
  shutdownTimeoutMs: number;
  logLevel: string;
  /** JSON lines in production; readable lines otherwise. */
  logFormat: 'json' | 'pretty';
}

/** Names proxy-addr (Fastify's trustProxy) knows besides addresses and CIDRs. */
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, a CIDR (address/prefix) or one of PROXY_NAMES. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= max;
}

const TRUST_PROXY_TRUE =
  'TRUST_PROXY=true would trust every X-Forwarded-For entry, including those a client writes itself: set the number of proxies in front of the app (e.g. 1) or their addresses (e.g. 10.0.0.0/8) instead.';

/** The TRUST_PROXY value as Fastify takes it; undefined when it is not valid. */
function parseTrustProxy(
  value: string | undefined,
): HttpConfig['trustProxy'] | undefined {
  const text = (value ?? 'false').trim();
  if (text === 'false' || text === '0') return false;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  return entries.every(isProxyAddress) ? entries : undefined;
}

export const httpNamespace: ConfigNamespace<HttpVariables, HttpConfig> = {
  variables: HttpVariables,
  check: (env) => {
    if (env.TRUST_PROXY?.trim().toLowerCase() === 'true')
      return [TRUST_PROXY_TRUE];
    if (parseTrustProxy(env.TRUST_PROXY) === undefined) {
      return [
        'TRUST_PROXY must be false, a number of proxy hops (e.g. 1) or a comma-separated list of proxy addresses or CIDRs (e.g. 10.0.0.0/8,192.168.1.7).',
      ];
    }
    return [];
  },
  parse: (env, nodeEnv) => ({
    bodyLimitBytes: env.BODY_LIMIT_BYTES ?? 64 * 1024,
    maxHeaderBytes: env.MAX_HEADER_BYTES ?? 16 * 1024,
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    trustProxy: parseTrustProxy(env.TRUST_PROXY) ?? false,
    healthCacheMs: env.HEALTH_CACHE_MS ?? 2000,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    logFormat: env.LOG_FORMAT ?? (nodeEnv === 'production' ? 'json' : 'pretty'),
  }),
};

export const httpConfig = registerAs('http', (): HttpConfig =>
  readNamespace(httpNamespace, readEnvironment()),
);
