import { HttpStatus } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { isLoopbackHost } from '../../config/app.config.js';
import { ApiException } from '../errors/api-exception.js';
import { toErrorBody } from '../filters/api-exception.filter.js';

/** `name`, `name:port`, `[v6]` or `[v6]:port`, as a Host header carries them. */
const HOST_HEADER = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::\d{1,5})?$/;

/**
 * Whether a Host header names this machine: `localhost`, `127.x.x.x` or
 * `[::1]`, with any port. Anything else (another name, an address of the
 * network, no header) is not.
 */
export function isLoopbackHostHeader(value: string | undefined): boolean {
  const match = value === undefined ? null : HOST_HEADER.exec(value);
  if (!match) return false;
  const [, ipv6, name] = match;
  return ipv6 !== undefined
    ? isLoopbackHost(ipv6) && ipv6.includes(':')
    : isLoopbackHost(name!);
}

export const FOREIGN_HOST_SENTENCE =
  'This API serves this machine only (it trusts an emulator whose signing key is published): open it at localhost, 127.0.0.1 or [::1].';

/**
 * While the app may trust the emulator's published key, a request whose
 * Host is not a loopback name or address is refused (403 FORBIDDEN) before
 * routing, the demo page, the dev outbox and 404s included: no other
 * machine, and no DNS-rebinding page (whose requests name its own host),
 * reaches it.
 */
export function refuseForeignHosts(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (isLoopbackHostHeader(request.headers.host)) {
      done();
      return;
    }
    const body = toErrorBody(
      new ApiException(
        HttpStatus.FORBIDDEN,
        'FORBIDDEN',
        FOREIGN_HOST_SENTENCE,
      ),
      String(request.id),
    );
    void reply.code(body.statusCode).send(body);
  });
}
