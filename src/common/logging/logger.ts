import type { LoggerService } from '@nestjs/common';
import type { FastifyBaseLogger } from 'fastify';
import { pino, type Bindings, type DestinationStream, type Logger } from 'pino';
import type { HttpConfig } from '../../config/http.config.js';
import { TurnBatchedStream } from './turn-batched-stream.js';

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
  // pino's own default (an asynchronous sonic-boom on stdout, flushed at
  // exit), written a turn of the event loop at a time.
  return pino(
    options,
    new TurnBatchedStream(pino.destination({ dest: 1, sync: false }), 1),
  );
}

/**
 * `request.log` for Fastify: the pino child (bound to the request id) is
 * made only when something logs through it, which few requests do. Its
 * methods are on the prototype, so that Fastify's check of a logger's
 * methods (at every request) does not make the child.
 */
class LazyChildLogger {
  private made?: FastifyBaseLogger;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
  ) {}

  private real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings));
  }

  get level(): string {
    return this.real().level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  fatal(...args: unknown[]): void {
    call(this.real(), 'fatal', args);
  }

  error(...args: unknown[]): void {
    call(this.real(), 'error', args);
  }

  warn(...args: unknown[]): void {
    call(this.real(), 'warn', args);
  }

  info(...args: unknown[]): void {
    call(this.real(), 'info', args);
  }

  debug(...args: unknown[]): void {
    call(this.real(), 'debug', args);
  }

  trace(...args: unknown[]): void {
    call(this.real(), 'trace', args);
  }

  silent(...args: unknown[]): void {
    call(this.real(), 'silent', args);
  }

  child(...args: Parameters<FastifyBaseLogger['child']>): FastifyBaseLogger {
    return this.real().child(...args);
  }
}

type LevelMethod =
  'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

function call(
  logger: FastifyBaseLogger,
  method: LevelMethod,
  args: unknown[],
): void {
  (logger[method] as (...a: unknown[]) => void).apply(logger, args);
}

export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings) as unknown as FastifyBaseLogger;
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
