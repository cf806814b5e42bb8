import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino, type DestinationStream, type Logger } from 'pino';

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
    const line: AccessLine = {
      requestId: String(request.id),
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
      writeAccessLine(this.logger, line);
    }
  }
}

/** The fields of an access line, in their order. */
export interface AccessLine {
  requestId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
}

const INFO = 30;

/**
 * `logger.info(line, 'request')`, written as pino writes it (same fields,
 * order, time format and escaping: the spec compares the two byte for
 * byte) without pino's per-line work: the redaction pass over 66 paths,
 * the generic serializer. None of these fields is a secret. A stream that
 * wants pino's metadata (a multistream) gets the line through pino.
 */
export function writeAccessLine(logger: Logger, line: AccessLine): void {
  const stream = (logger as unknown as Record<symbol, DestinationStream>)[
    pino.symbols.streamSym
  ] as DestinationStream & Record<symbol, unknown>;
  if (stream[pino.symbols.needsMetadataGsym] === true) {
    logger.info(line, 'request');
    return;
  }
  stream.write(
    `{"level":${INFO},"time":"${isoTime(Date.now())}","requestId":${quote(line.requestId)},"method":${quote(line.method)},"path":${quote(line.path)},"status":${finite(line.status)},"durationMs":${finite(line.durationMs)},"msg":"request"}\n`,
  );
}

let isoAt = Number.NaN;
let iso = '';

/** pino's isoTime, made once per millisecond (toISOString is a microsecond). */
function isoTime(now: number): string {
  if (now !== isoAt) {
    isoAt = now;
    iso = new Date(now).toISOString();
  }
  return iso;
}

/**
 * A string as JSON.stringify writes it: a short one with nothing to escape
 * (no control character, quote, backslash or surrogate) is only put
 * between quotes. pino writes the same (its own escaping differs from
 * JSON.stringify only for lone surrogates, which a request line, read as
 * latin1, cannot carry).
 */
function quote(text: string): string {
  if (text.length <= 100) {
    let i = 0;
    for (; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x20 || code === 0x22 || code === 0x5c) break;
      if (code >= 0xd800 && code <= 0xdfff) break;
    }
    if (i === text.length) return `"${text}"`;
  }
  return JSON.stringify(text);
}

/** A number as pino writes one (not finite: null). */
function finite(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
