import type { ResponseObject } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { GATEWAY_ERRORS } from '../cognito/gateway-errors.js';
import { PASSWORDLESS_ERRORS } from '../cognito/passwordless.gateway-errors.js';
import { COMMON, type Answer } from '../cognito/cognito-errors.js';
import { ERROR_CODES, type ErrorCode } from '../common/errors/api-exception.js';
import {
  FASTIFY_SENTENCES,
  SENTENCE_BY_CODE,
} from '../common/filters/api-exception.filter.js';
import type { DocumentedAnswer } from '../openapi/api-errors.decorator.js';
import type { RouteFacts } from './route-facts.js';

export const ERROR_SCHEMA = '#/components/schemas/ErrorResponse';
export const HEADER_TOO_LARGE = '#/components/responses/HeadTooLarge';
const EXAMPLE_REQUEST_ID = '3f0c7a4e-8d1b-4b8e-9a55-0b2f6f1c9d21';

/** status -> code -> an example sentence of that answer. */
type Answers = Map<number, Map<ErrorCode, string>>;

function sentence(code: ErrorCode): string {
  return SENTENCE_BY_CODE[code] ?? code;
}

/**
 * Every error a route can answer, derived from what the app says about it:
 * a request body (any method but GET: Fastify reads it, so malformed JSON,
 * a body over BODY_LIMIT_BYTES or one that is not JSON are refused before
 * the handler), validated input, the auth guard (a JWKS that cannot be
 * fetched is 503), @Groups, @RecentSignIn, the rate limits, the error tables of the
 * gateway methods it calls (and the answers common to all of them, and 500
 * for any other Cognito error), and the answers its service gives itself.
 */
export function answersOf(route: RouteFacts, method: string): Answers {
  const answers: Answers = new Map();
  const add = ([status, code, message]: DocumentedAnswer): void => {
    const codes = answers.get(status) ?? new Map<ErrorCode, string>();
    if (!codes.has(code)) codes.set(code, message);
    answers.set(status, codes);
  };
  if (route.validatedInput)
    add([400, 'VALIDATION_FAILED', sentence('VALIDATION_FAILED')]);
  if (method !== 'get') {
    add([
      400,
      'VALIDATION_FAILED',
      FASTIFY_SENTENCES.FST_ERR_CTP_INVALID_JSON_BODY!,
    ]);
    add([413, 'PAYLOAD_TOO_LARGE', sentence('PAYLOAD_TOO_LARGE')]);
    add([415, 'UNSUPPORTED_MEDIA_TYPE', sentence('UNSUPPORTED_MEDIA_TYPE')]);
  }
  if (!route.isPublic) {
    add([401, 'UNAUTHORIZED', sentence('UNAUTHORIZED')]);
    add([503, 'IDP_UNAVAILABLE', sentence('IDP_UNAVAILABLE')]);
    add([503, 'STORE_UNAVAILABLE', sentence('STORE_UNAVAILABLE')]);
  }
  if (route.groups.length > 0) {
    add([
      403,
      'FORBIDDEN',
      `This route is only for members of: ${route.groups.join(', ')}.`,
    ]);
  }
  if (route.recentSignIn) {
    add([
      403,
      'REAUTHENTICATION_REQUIRED',
      sentence('REAUTHENTICATION_REQUIRED'),
    ]);
  }
  if (route.rateLimited)
    add([429, 'TOO_MANY_REQUESTS', sentence('TOO_MANY_REQUESTS')]);
  const tablesOf = [
    ...(route.errors.cognito ?? []).map((m) => GATEWAY_ERRORS[m]),
    ...(route.errors.passwordless ?? []).map((m) => PASSWORDLESS_ERRORS[m]),
  ];
  for (const table of tablesOf) {
    const tables = [table, COMMON];
    for (const answer of tables.flatMap((table) => Object.values(table))) {
      add(answer satisfies Answer);
    }
    add([500, 'INTERNAL', sentence('INTERNAL')]);
  }
  for (const answer of route.errors.answers ?? []) add(answer);
  return answers;
}

/** The error responses of an operation, keyed by status, in the error shape. */
export function errorResponses(
  answers: Answers,
): Record<string, ResponseObject> {
  const responses: Record<string, ResponseObject> = {};
  for (const status of [...answers.keys()].sort((a, b) => a - b)) {
    const codes = [...answers.get(status)!].sort(
      ([a], [b]) => ERROR_CODES.indexOf(a) - ERROR_CODES.indexOf(b),
    );
    responses[String(status)] = {
      description: `${STATUS_CODES[status]}: ${codes.map(([code]) => code).join(', ')}`,
      ...(status === 429 ? { headers: RETRY_AFTER } : {}),
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: ERROR_SCHEMA },
              {
                type: 'object',
                properties: {
                  statusCode: { type: 'integer', enum: [status] },
                  error: { type: 'string', enum: codes.map(([code]) => code) },
                },
              },
            ],
          },
          examples: Object.fromEntries(
            codes.map(([code, message]) => [
              code,
              {
                summary: message,
                value: {
                  statusCode: status,
                  error: code,
                  message,
                  requestId: EXAMPLE_REQUEST_ID,
                },
              },
            ]),
          ),
        },
      },
    };
  }
  return responses;
}

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', example: 60 },
  },
} as const;

/**
 * 431 on every route: a request head over MAX_HEADER_BYTES is refused by
 * the HTTP server before any route (src/common/http/client-errors.ts), in
 * the error shape, with a request id.
 */
export const HEAD_TOO_LARGE_RESPONSE: ResponseObject = {
  ...errorResponses(
    new Map([
      [431, new Map([['HEADERS_TOO_LARGE', sentence('HEADERS_TOO_LARGE')]])],
    ]),
  )['431']!,
  description:
    'Request Header Fields Too Large: HEADERS_TOO_LARGE, the request head is over MAX_HEADER_BYTES. Answered before any route; the connection is closed.',
};
