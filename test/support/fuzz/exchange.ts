import fc from 'fast-check';
import { REQUEST_ID } from '../../../src/app.factory.js';
import { ERROR_CODES } from '../../../src/common/errors/api-exception.js';
import type { Body } from './bodies.js';

/**
 * One generated request, its answer, and the properties every answer holds.
 * Whatever a client sends:
 *  1. the answer is never a 5xx (no client mistake ever produces a 500);
 *  2. every error answer (4xx, 404 for unknown routes included) is JSON
 *     `{statusCode, error, message, requestId}`, with nothing else, a code
 *     of the contract (ERROR_CODES) and the request id of the header;
 *  3. the x-request-id header is set, to a safe value (REQUEST_ID): the one
 *     sent if it was safe, else a fresh one.
 */

/** An answer slower than this is a hang. */
const REQUEST_TIMEOUT_MS = 10_000;

/** One generated request, as fast-check prints it in a counterexample. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body?: Body;
}

export interface FuzzAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export function headersOf(
  entries: Record<string, string | undefined>,
): [string, string][] {
  return Object.entries(entries).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
}

export async function send(
  baseUrl: string,
  request: FuzzRequest,
): Promise<FuzzAnswer> {
  const response = await fetch(baseUrl + request.path, {
    method: request.method,
    headers: request.headers,
    // Bytes, so that fetch adds no content-type of its own.
    body:
      request.body === undefined
        ? undefined
        : typeof request.body === 'string'
          ? Buffer.from(request.body, 'utf8')
          : Buffer.from(request.body),
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return {
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  };
}

/** A short account of the exchange, for assertion messages. */
export function describeExchange(
  request: FuzzRequest,
  answer: FuzzAnswer,
): string {
  const cut = (text: string, max = 300): string =>
    text.length > max
      ? `${text.slice(0, max)}... (${text.length} chars)`
      : text;
  const body =
    request.body === undefined
      ? '(none)'
      : typeof request.body === 'string'
        ? JSON.stringify(cut(request.body))
        : `bytes ${Buffer.from(request.body).toString('hex').slice(0, 200)}`;
  const headers = request.headers
    .map(([name, value]) => `${name}: ${JSON.stringify(cut(value, 120))}`)
    .join('; ');
  return (
    `${request.method} ${cut(request.path, 400)} [${headers}] body ${body}` +
    ` -> ${answer.status} ${cut(answer.text, 500)}`
  );
}

/** The value the server receives for a header fetch sent (fetch trims it). */
export function sentHeader(
  request: FuzzRequest,
  name: string,
): string | undefined {
  const values = request.headers
    .filter(([key]) => key.toLowerCase() === name)
    .map(([, value]) => value.replace(/^[\t ]+|[\t ]+$/g, ''));
  return values.length === 0 ? undefined : values.join(', ');
}

const SESSION_ROUTES =
  /^\/api\/v1\/auth\/(sessions(\/|$|\?)|logout\/others($|\?))/;

/** The 501 the session routes answer a token without origin_jti, and nothing else. */
function sessionRouteWithoutOrigin(
  request: FuzzRequest,
  answer: FuzzAnswer,
): boolean {
  if (answer.status !== 501 || !SESSION_ROUTES.test(request.path)) {
    return false;
  }
  const token = sentHeader(request, 'authorization')?.replace(
    /^Bearer\s+/i,
    '',
  );
  const [, payload] = (token ?? '').split('.');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
  } catch {
    return false;
  }
  const origin = (claims as Record<string, unknown> | null)?.origin_jti;
  return (
    typeof origin !== 'string' &&
    (JSON.parse(answer.text) as { error?: unknown }).error === 'NOT_IMPLEMENTED'
  );
}

/** Properties (1), (2) and (3) for one exchange. */
export function checkAnswer(request: FuzzRequest, answer: FuzzAnswer): void {
  const what = describeExchange(request, answer);
  // (1) never a 5xx (503 IDP_UNAVAILABLE cannot happen: the provider is
  // up), but for the session routes' documented 501 NOT_IMPLEMENTED: a
  // token without origin_jti (an app client with token revocation off)
  // names no session to list or end.
  if (!sessionRouteWithoutOrigin(request, answer)) {
    expect(answer.status, what).toBeLessThan(500);
  }
  // (3) a request id, safe to log and to reflect
  const id = answer.headers.get('x-request-id');
  expect(id, `x-request-id missing: ${what}`).toBeTruthy();
  expect(id, what).toMatch(REQUEST_ID);
  const sent = sentHeader(request, 'x-request-id');
  if (sent !== undefined && REQUEST_ID.test(sent)) {
    expect(id, `the safe x-request-id sent is kept: ${what}`).toBe(sent);
  }
  // (2) every error in the one shape
  if (answer.status < 400 || request.method === 'HEAD') return;
  expect(answer.headers.get('content-type') ?? '', what).toMatch(
    /^application\/json/,
  );
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new Error(`error answer is not JSON: ${what}`);
  }
  expect(body, what).toBeTypeOf('object');
  expect(body, what).not.toBeNull();
  const error = body as Record<string, unknown>;
  expect(Object.keys(error).sort(), what).toEqual([
    'error',
    'message',
    'requestId',
    'statusCode',
  ]);
  expect(error.statusCode, what).toBe(answer.status);
  expect(ERROR_CODES, what).toContain(error.error);
  const message = error.message;
  const sentences = Array.isArray(message) ? message : [message];
  expect(sentences.length, what).toBeGreaterThan(0);
  for (const sentence of sentences) {
    expect(sentence, what).toBeTypeOf('string');
    expect((sentence as string).length, what).toBeGreaterThan(0);
  }
  expect(error.requestId, what).toBe(id);
}

/**
 * Runs per property: FUZZ_RUNS=<n> for a longer local hunt. A property may
 * run a fraction of it (`share`).
 */
export function numRuns(share = 1): number {
  return Math.ceil(Number(process.env.FUZZ_RUNS || 300) * share);
}

/**
 * The seed of every property: fixed, so that a run is the same run every
 * time; FUZZ_SEED=<n> picks another. Logged once per spec file.
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED || 20_261_105);

/** Room for fast-check to shrink a counterexample (HTTP per step). */
export const PROPERTY_TIMEOUT_MS = 240_000;

let seedLogged = false;
function logSeed(): void {
  if (seedLogged) return;
  seedLogged = true;
  console.log(
    `[fuzz] seed ${FUZZ_SEED} (FUZZ_SEED=<n> for another), ${numRuns()} runs per property (FUZZ_RUNS)`,
  );
}

/**
 * Sends every generated request to `baseUrl()` and checks its answer. With
 * FUZZ_STATS=1, prints how the answers were spread (status and error code),
 * to see what the fuzz reached. FUZZ_SEED and FUZZ_PATH replay a reported
 * failure.
 */
export async function property(
  baseUrl: string,
  requests: fc.Arbitrary<FuzzRequest>,
  runs = numRuns(),
): Promise<void> {
  logSeed();
  const tally = new Map<string, number>();
  try {
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const answer = await send(baseUrl, request);
        const key = `${answer.status} ${answer.status >= 400 ? (/"error":"(\w+)"/.exec(answer.text)?.[1] ?? '?') : ''}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
        checkAnswer(request, answer);
      }),
      {
        numRuns: runs,
        seed: FUZZ_SEED,
        path: process.env.FUZZ_PATH || undefined,
      },
    );
  } finally {
    if (process.env.FUZZ_STATS) {
      const name = expect.getState().currentTestName ?? '';
      console.log(
        `${name.slice(0, 80)}\n${[...tally]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, n]) => `  ${key}: ${n}`)
          .join('\n')}`,
      );
    }
  }
}
