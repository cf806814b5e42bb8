import { connect } from 'node:net';

/** An HTTP/1.1 answer as read off the socket. */
export interface RawHttpAnswer {
  /** Undefined when no status line came. */
  status?: number;
  /** By lower-cased name. */
  headers: Record<string, string>;
  /** Everything after the head, as text. */
  body: string;
}

/** The first answer in `raw`: status line, headers, and the rest as its body. */
export function parseAnswer(raw: Buffer | string): RawHttpAnswer {
  const text = raw.toString();
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const body = end === -1 ? '' : text.slice(end + 4);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1];
  const headers = Object.fromEntries(
    lines
      .filter((line) => line.includes(':'))
      .map((line) => {
        const colon = line.indexOf(':');
        return [
          line.slice(0, colon).toLowerCase(),
          line.slice(colon + 1).trim(),
        ];
      }),
  );
  return { status: status ? Number(status) : undefined, headers, body };
}

/**
 * Writes `text` on a connection of its own and reads until the server
 * closes it; fails if it has not within 5 s.
 */
export function exchangeRaw(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('the server did not close the connection within 5 s'));
    }, 5000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.write(text);
  });
}
