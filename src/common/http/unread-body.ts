import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Most bytes of a refused body read (and thrown away) before the answer. */
export const DRAIN_MAX_BYTES = 8 * 1024 * 1024;
/** Longest wait for the rest of a refused body. */
export const DRAIN_MAX_MS = 10_000;

/**
 * An answer sent before its request body was read (413 over the body
 * limit, 415, a parse error) closes the connection (Fastify says
 * `Connection: close`). Closed at once, the socket still has unread bytes
 * coming, so the kernel resets it: a client still sending gets EPIPE or
 * ECONNRESET instead of the answer. So the rest of the body is read and
 * thrown away first, up to DRAIN_MAX_BYTES and DRAIN_MAX_MS; past either,
 * the connection is dropped (whoever sends more is not a client to
 * answer).
 */
export function answerAfterUnreadBody(fastify: FastifyInstance): void {
  // A callback hook: a body read whole (nearly every request) is answered
  // at once, with no promise (see the onSend hook of createApp).
  fastify.addHook('onSend', (request, _reply, payload, done) => {
    if (request.raw.complete || request.raw.destroyed) {
      done(null, payload);
      return;
    }
    void drain(request).then(() => done(null, payload));
  });
}

function drain(request: FastifyRequest): Promise<void> {
  const raw = request.raw;
  return new Promise((resolve) => {
    let bytes = 0;
    const finish = (): void => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', finish);
      raw.off('close', finish);
      resolve();
    };
    const drop = (): void => {
      raw.socket.destroy();
      finish();
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > DRAIN_MAX_BYTES) drop();
    };
    const timer = setTimeout(drop, DRAIN_MAX_MS);
    raw.on('data', onData);
    raw.once('end', finish);
    raw.once('close', finish);
    raw.resume();
  });
}
