import type { FastifyInstance } from 'fastify';
import { Metrics, UNMATCHED_ROUTE } from './metrics.js';

/**
 * Counts and times every answer of the API's port in an onResponse hook
 * (after the answer is sent, so it adds nothing to its latency), labelled
 * with the route as declared (`/api/v1/pokemons/:id`), never the path
 * asked for: a request no route matched is UNMATCHED_ROUTE, so that 404
 * noise adds no label values. Not added at all when metrics are off.
 */
export function recordRequests(
  fastify: FastifyInstance,
  metrics: Metrics,
): void {
  if (!metrics.enabled) return;
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.is404
      ? UNMATCHED_ROUTE
      : (request.routeOptions.url ?? UNMATCHED_ROUTE);
    metrics.request(
      request.method,
      route,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
}
