import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The headers helmet sets, computed once by helmet itself. With no CSP
 * nonces they are the same for every answer, so the app adds this object to
 * each reply in one call instead of running helmet's middleware (13
 * validated setHeader calls) per request; @fastify/helmet even rebuilds the
 * middleware per request, which halved the throughput of a small route.
 */
export function securityHeaders(
  options: HelmetOptions,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value)
        ? value.join(', ')
        : String(value);
      return response;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error;
    },
  );
  return headers;
}
