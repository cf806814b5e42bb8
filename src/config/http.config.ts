import { registerAs } from '@nestjs/config';

/** The HTTP server: limits, CORS, logging, shutdown. */
export const httpConfig = registerAs('http', () => ({
  /** Largest accepted request body (413 PAYLOAD_TOO_LARGE above). */
  bodyLimitBytes: Number(process.env.BODY_LIMIT_BYTES || 64 * 1024),
  /** Largest accepted request head (Node answers 431 above). */
  maxHeaderBytes: Number(process.env.MAX_HEADER_BYTES || 16 * 1024),
  /** Origins allowed by CORS; none (CORS closed) by default. */
  corsOrigins: (process.env.CORS_ORIGINS || '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean),
  /** Trust X-Forwarded-For (behind a proxy or load balancer), for per-IP limits. */
  trustProxy: process.env.TRUST_PROXY === 'true',
  /** Longest wait for in-flight requests at shutdown. */
  shutdownTimeoutMs: Number(process.env.SHUTDOWN_TIMEOUT_MS || 10_000),
  logLevel:
    process.env.LOG_LEVEL ||
    (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  /** JSON lines in production; readable lines otherwise. */
  logFormat: (process.env.LOG_FORMAT ||
    (process.env.NODE_ENV === 'production' ? 'json' : 'pretty')) as
    'json' | 'pretty',
}));

export type HttpConfig = ReturnType<typeof httpConfig>;
