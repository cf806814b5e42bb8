import type { LoggerService } from '@nestjs/common';
import {
  LogController,
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { pino, type Bindings, type DestinationStream, type Logger } from 'pino';
import type { HttpConfig } from '../../config/http.config.js';

/** Fields that would hold a secret: credentials, codes, tokens, the Authorization header. */
const SECRET_FIELDS = [
  'authorization',
  'password',
  'currentPassword',
  'newPassword',
  'code',
  'confirmationCode',
  'session',
  'refreshToken',
  'accessToken',
  'idToken',
  'secretCode',
];

/**
 * Never logged, whatever a line carries: secret fields at the top of a line
 * and one level down (`body.password`, `headers.authorization`, ...). No
 * body or header is logged in the first place; this is the second line of
 * defence. Fixed paths, not `*` wildcards: pino redacts those on every
 * line, at a third of the cost of an access line.
 */
export const REDACTED_PATHS = [
  ...SECRET_FIELDS,
  ...['body', 'headers', 'query', 'params', 'req.headers'].flatMap((parent) =>
    SECRET_FIELDS.map((field) => `${parent}.${field}`),
  ),
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
 * status, duration, and the request id. Written on the root logger with
 * the id as a field: a pino child per request costs more than the line.
 */
export class AccessLogController extends LogController {
  constructor(private readonly logger: Logger) {
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
      requestId: request.id,
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) {
      this.logger.error(
        { ...line, err: { name: error.name, message: error.message } },
        'request',
      );
    } else if (this.logger.isLevelEnabled('info')) {
      this.logger.info(line, 'request');
    }
  }
}

/**
 * `request.log` for Fastify: the pino child (bound to the request id) is
 * made only when something logs through it, which few requests do.
 */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
): FastifyBaseLogger {
  let child: FastifyBaseLogger | undefined;
  const real = (): FastifyBaseLogger => (child ??= logger.child(bindings));
  return new Proxy({} as FastifyBaseLogger, {
    get: (_target, property) => {
      const value = Reflect.get(real(), property) as unknown;
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(real())
        : value;
    },
  });
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
