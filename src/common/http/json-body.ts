import { HttpStatus } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { ApiException } from '../errors/api-exception.js';

/** Deeper than any body of this API; deep enough for any honest client. */
export const MAX_JSON_DEPTH = 32;

/**
 * JSON only, and not too deep. Fastify's own JSON parser (which refuses
 * __proto__ and constructor poisoning) stays; a body nested deeper than
 * MAX_JSON_DEPTH is refused before anything walks it recursively
 * (class-transformer overflowed its stack at ~1,500 levels: a 500 from a
 * 3 KB body). text/plain, which Fastify also parses, is removed: 415.
 */
export function acceptJsonOnly(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (request, body, done) => {
      void parse(request, body as string, (error, value) => {
        if (error) {
          done(error, undefined);
        } else if (depthOf(value) > MAX_JSON_DEPTH) {
          done(
            new ApiException(
              HttpStatus.BAD_REQUEST,
              'VALIDATION_FAILED',
              `The request body is nested too deeply (more than ${MAX_JSON_DEPTH} levels).`,
            ),
            undefined,
          );
        } else {
          done(null, value);
        }
      });
    },
  );
}

/** Nesting depth of a parsed JSON value, walked without recursion. */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(node)) stack.push([child, level]);
  }
  return deepest;
}
