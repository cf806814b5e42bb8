import type { LoggerService } from '@nestjs/common';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { HttpConfig } from '../../config/http.config.js';

/**
 * Never logged, whatever a line carries: credentials, codes, tokens, the
 * Authorization header. (No body or header is logged in the first place;
 * this is the second line of defence.)
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.code',
  '*.confirmationCode',
  '*.session',
  '*.refreshToken',
  '*.accessToken',
  '*.idToken',
  '*.secretCode',
];

/** The one pino logger of the process: Fastify's, and Nest's through PinoNestLogger. */
export function createLogger(
  config: Pick<HttpConfig, 'logLevel' | 'logFormat'>,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logLevel,
    base: undefined,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  if (config.logFormat === 'pretty') {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: {
          singleLine: true,
          ignore: 'pid,hostname',
          translateTime: 'SYS:HH:MM:ss.l',
        },
      },
    });
  }
  return pino(options);
}

/**
 * Fastify's request log lines, as one access line per request when the
 * answer is sent: method, path (no query string: it may hold an email),
 * status, duration, and the request id (`requestId`, bound by Fastify).
 */
export class AccessLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {
    // One line per request, written when it completes.
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) {
      request.log.error(
        { ...line, err: { name: error.name, message: error.message } },
        'request',
      );
    } else {
      request.log.info(line, 'request');
    }
  }
}

/** Nest's LoggerService over pino: bootstrap and class loggers share the request log's format. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack?, context?).
    const [stack, context] = rest as [string | undefined, string | undefined];
    const bindings: Record<string, unknown> = {};
    if (typeof context === 'string') bindings.context = context;
    if (typeof stack === 'string') bindings.stack = stack;
    this.logger.error(bindings, stringify(message));
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(
    level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    rest: unknown[],
  ): void {
    const context = rest.at(-1);
    this.logger[level](
      typeof context === 'string' ? { context } : {},
      stringify(message),
    );
  }
}

function stringify(message: unknown): string {
  return typeof message === 'string' ? message : JSON.stringify(message);
}
