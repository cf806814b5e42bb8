import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { loadedConfig } from './loaded-config.js';
import { IsWholeNumber, type ConfigNamespace } from './variables.js';

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

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'TRUST_PROXY must be true or false.' })
  TRUST_PROXY?: string;

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
  /** Trust X-Forwarded-For (behind a proxy or load balancer), for per-IP limits. */
  trustProxy: boolean;
  /** Longest wait for in-flight requests at shutdown. */
  shutdownTimeoutMs: number;
  logLevel: string;
  /** JSON lines in production; readable lines otherwise. */
  logFormat: 'json' | 'pretty';
}

export const httpNamespace: ConfigNamespace<HttpVariables, HttpConfig> = {
  variables: HttpVariables,
  parse: (env, nodeEnv) => ({
    bodyLimitBytes: env.BODY_LIMIT_BYTES ?? 64 * 1024,
    maxHeaderBytes: env.MAX_HEADER_BYTES ?? 16 * 1024,
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    trustProxy: env.TRUST_PROXY === 'true',
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    logFormat: env.LOG_FORMAT ?? (nodeEnv === 'production' ? 'json' : 'pretty'),
  }),
};

export const httpConfig = registerAs(
  'http',
  (): HttpConfig => loadedConfig().http,
);
