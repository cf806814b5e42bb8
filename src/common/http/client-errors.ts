import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import {
  codeFor,
  SENTENCE_BY_CODE,
  type ErrorBody,
} from '../filters/api-exception.filter.js';

/** The 400 of a request the parser cannot read. */
const NOT_HTTP = 'The request is not valid HTTP.';

/** Statuses of the refusals that are not a plain 400, by their error's code. */
const STATUS_BY_CAUSE: ReadonlyMap<string | undefined, number> = new Map([
  ['HPE_HEADER_OVERFLOW', 431],
  ['ERR_HTTP_REQUEST_TIMEOUT', 408],
]);

/** An error of Node's HTTP parser or request timers, as the server reports it. */
export interface ClientError extends Error {
  code?: string;
}

/**
 * What a request the HTTP server refuses before the app sees it is
 * answered: a head over MAX_HEADER_BYTES (431), a request that took longer
 * than Node's request or headers timeout to arrive (408), anything the
 * parser cannot read as HTTP (400).
 */
export function clientErrorBody(
  error: ClientError,
  requestId: string,
): ErrorBody {
  const statusCode = STATUS_BY_CAUSE.get(error.code) ?? 400;
  const code = codeFor(statusCode);
  const message = statusCode === 400 ? NOT_HTTP : SENTENCE_BY_CODE[code]!;
  return { statusCode, error: code, message, requestId };
}

/**
 * Fastify's clientErrorHandler: the refusals of the HTTP server in the
 * error shape of every other answer, with a request id (in the body and
 * X-Request-Id), the security headers, and `Connection: close` (the
 * connection cannot be read further). Fastify's own handler answers in its
 * shape, without either. A socket already reset gets no answer; one with
 * an answer in flight (pipelined requests) gets this one after it. The
 * socket is closed once the answer is written. One log line a refusal,
 * without anything the client sent.
 */
export function answerClientErrors(
  headers: Readonly<Record<string, string>>,
  logger: Logger,
): (error: ClientError, socket: Socket) => void {
  const fixed = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const answer = (): void => {
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      const body = clientErrorBody(error, randomUUID());
      const json = JSON.stringify(body);
      logger.info(
        {
          requestId: body.requestId,
          status: body.statusCode,
          error: body.error,
          cause: error.code,
        },
        'request refused by the HTTP server',
      );
      socket.end(
        `HTTP/1.1 ${body.statusCode} ${STATUS_CODES[body.statusCode]}\r\n` +
          `content-type: application/json; charset=utf-8\r\n` +
          `content-length: ${Buffer.byteLength(json)}\r\n` +
          `x-request-id: ${body.requestId}\r\n` +
          fixed +
          `connection: close\r\n\r\n${json}`,
      );
      socket.destroySoon();
    };
    // Pipelined: the parser read past a request still being answered. That
    // answer goes first, whole; then this one (else the client would take
    // this one for it).
    const inFlight = (socket as { _httpMessage?: ServerResponse | null })
      ._httpMessage;
    if (inFlight && !inFlight.writableFinished) {
      inFlight.once('finish', answer);
      return;
    }
    answer();
  };
}
