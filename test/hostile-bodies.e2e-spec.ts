import { connect } from 'node:net';
import { useApp } from './support/app.js';
import { parseAnswer } from './support/raw-http.js';

/**
 * Oversize bodies over real HTTP: the 413 reaches the client before the
 * connection closes (the app reads the rest of the body first), so a
 * client still sending sees the answer, not EPIPE or ECONNRESET.
 */

interface RawAnswer {
  status?: number;
  body?: Record<string, unknown>;
  connection?: string;
  /** The socket error the client got (EPIPE, ECONNRESET), if any. */
  error?: string;
}

/**
 * POSTs `body` on a connection of its own, in 64 KB writes a few
 * milliseconds apart (as over a real network, where the body is still
 * being sent when the server answers), and reads the answer.
 */
function post(url: string, path: string, body: Buffer): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    let error: string | undefined;
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
    });
    socket.on('close', () =>
      resolve({ ...parse(Buffer.concat(received)), error }),
    );
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    const next = (): void => {
      if (socket.destroyed) return;
      if (sent >= body.length) {
        socket.end();
        return;
      }
      socket.write(body.subarray(sent, sent + CHUNK));
      sent += CHUNK;
      setTimeout(next, 2);
    };
    next();
  });
}

const CHUNK = 64 * 1024;

/** Status, Connection header and JSON body of a raw HTTP/1.1 answer. */
function parse(raw: Buffer): Omit<RawAnswer, 'error'> {
  const { status, headers, body } = parseAnswer(raw);
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status, connection: headers.connection, body: json };
}

const TWO_MB = Buffer.alloc(2 * 1024 * 1024, '{"email":"');

describe('a 2 MB body (BODY_LIMIT_BYTES 64 KB)', () => {
  const app = useApp();

  it('is answered 413 PAYLOAD_TOO_LARGE 50 times in a row, with no EPIPE or ECONNRESET at the client', async () => {
    const answers: RawAnswer[] = [];
    for (let i = 0; i < 50; i++) {
      answers.push(await post(app.url, '/api/v1/auth/login', TWO_MB));
    }
    const errors = answers.filter((a) => a.error !== undefined);
    expect(errors).toEqual([]);
    for (const answer of answers) {
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({
        statusCode: 413,
        error: 'PAYLOAD_TOO_LARGE',
        message: 'The request body is too large.',
        requestId: expect.any(String),
      });
      expect(answer.connection).toBe('close');
    }
  });

  it('is answered 413 on every auth route and on an unknown route alike, 10 at once', async () => {
    const paths = [
      '/api/v1/auth/register',
      '/api/v1/auth/forgot-password',
      '/api/v1/auth/refresh',
      '/api/v1/nothing-here',
    ];
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(app.url, paths[i % paths.length], TWO_MB),
      ),
    );
    expect(answers.map((a) => a.error)).toEqual(answers.map(() => undefined));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 413));
  });

  it('still serves afterwards: GET /health/live is 200', async () => {
    const answer = await fetch(`${app.url}/health/live`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: 'ok' });
  });
});
