import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { pino } from 'pino';
import { answerClientErrors, type ClientError } from './client-errors.js';

/** The part of a socket the handler uses, recording what it was told. */
class FakeSocket extends EventEmitter {
  writable = true;
  destroyed = false;
  written = '';
  destroyedSoon = false;
  _httpMessage?: EventEmitter & { writableFinished: boolean };

  end(text: string): void {
    this.written += text;
    this.writable = false;
  }

  destroySoon(): void {
    this.destroyedSoon = true;
  }

  destroy(): void {
    this.destroyed = true;
  }
}

function clientError(code: string): ClientError {
  return Object.assign(new Error(code), { code });
}

function setup() {
  const lines: string[] = [];
  const logger = pino(
    { base: null },
    { write: (line: string) => lines.push(line) },
  );
  const handle = answerClientErrors(
    { 'x-frame-options': 'SAMEORIGIN' },
    logger,
  );
  const socket = new FakeSocket();
  const answer = (code: string): void =>
    handle(clientError(code), socket as unknown as Socket);
  return { lines, socket, answer };
}

function parsed(written: string): {
  status: string;
  headers: string[];
  body: Record<string, unknown>;
} {
  const [head, body] = written.split('\r\n\r\n');
  const [status, ...headers] = head.split('\r\n');
  return { status, headers, body: JSON.parse(body) as Record<string, unknown> };
}

describe('answerClientErrors', () => {
  it.each([
    [
      'HPE_HEADER_OVERFLOW',
      'HTTP/1.1 431 Request Header Fields Too Large',
      'HEADERS_TOO_LARGE',
      'The request head (request line and headers) is too large.',
    ],
    [
      'ERR_HTTP_REQUEST_TIMEOUT',
      'HTTP/1.1 408 Request Timeout',
      'REQUEST_TIMEOUT',
      'The request took too long to arrive.',
    ],
    [
      'HPE_INVALID_METHOD',
      'HTTP/1.1 400 Bad Request',
      'VALIDATION_FAILED',
      'The request is not valid HTTP.',
    ],
  ])(
    'answers %s with %s in the error shape and closes once written',
    (code, status, error, message) => {
      const { socket, answer } = setup();
      answer(code);
      const sent = parsed(socket.written);
      expect(sent.status).toBe(status);
      expect(sent.body).toEqual({
        statusCode: Number(status.split(' ')[1]),
        error,
        message,
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(sent.headers).toEqual([
        'content-type: application/json; charset=utf-8',
        `content-length: ${Buffer.byteLength(JSON.stringify(sent.body))}`,
        `x-request-id: ${String(sent.body.requestId)}`,
        'x-frame-options: SAMEORIGIN',
        'connection: close',
      ]);
      expect(socket.destroyedSoon).toBe(true);
    },
  );

  it('logs one line per refusal with the request id, and nothing the client sent', () => {
    const { lines, socket, answer } = setup();
    answer('HPE_HEADER_OVERFLOW');
    const { body } = parsed(socket.written);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        level: 30,
        time: expect.any(Number),
        requestId: body.requestId,
        status: 431,
        error: 'HEADERS_TOO_LARGE',
        cause: 'HPE_HEADER_OVERFLOW',
        msg: 'request refused by the HTTP server',
      },
    ]);
  });

  it('writes nothing to a reset or destroyed socket', () => {
    const reset = setup();
    reset.answer('ECONNRESET');
    expect(reset.socket.written).toBe('');
    expect(reset.lines).toEqual([]);
    const gone = setup();
    gone.socket.destroyed = true;
    gone.answer('HPE_HEADER_OVERFLOW');
    expect(gone.socket.written).toBe('');
  });

  it('destroys a socket that can no longer be written, without an answer', () => {
    const { socket, answer } = setup();
    socket.writable = false;
    answer('HPE_INVALID_METHOD');
    expect(socket.written).toBe('');
    expect(socket.destroyed).toBe(true);
  });

  it('answers after the answer in flight has finished (pipelined requests), not before', () => {
    const { socket, answer } = setup();
    const inFlight = Object.assign(new EventEmitter(), {
      writableFinished: false,
    });
    socket._httpMessage = inFlight;
    answer('HPE_HEADER_OVERFLOW');
    expect(socket.written).toBe('');
    inFlight.writableFinished = true;
    inFlight.emit('finish');
    expect(parsed(socket.written).status).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large',
    );
  });
});
