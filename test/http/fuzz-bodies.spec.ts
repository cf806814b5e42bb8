import fc from 'fast-check';
import { useFastApp } from '../support/fast-app.js';
import type { Body } from '../support/fuzz/bodies.js';
import { postRequests } from '../support/fuzz/post-requests.js';
import { fastContext } from '../support/fuzz/context.js';
import {
  PROPERTY_TIMEOUT_MS,
  numRuns,
  property,
  type FuzzRequest,
} from '../support/fuzz/exchange.js';
import { STRONG_PASSWORD } from '../support/fuzz/fields.js';
import { routeTable, type Route } from '../support/fuzz/routes.js';
import { loneSurrogates, json, nested } from '../support/fuzz/text.js';
import { nobodyToken } from '../support/fuzz/tokens.js';

/**
 * Fuzz of request BODIES on the fast layer (the real app, identity provider
 * faked): every POST route of the OpenAPI document with generated bodies,
 * content types, request ids and bearer values; then deep nesting and lone
 * surrogates, which each found a bug of their own. Every answer holds the
 * properties of test/support/fuzz/exchange.ts (< 500, one error shape, a
 * safe x-request-id).
 *
 * The seed is fixed and logged at the start ("[fuzz] seed ..."): a failure
 * replays with the same command. FUZZ_SEED=<n> runs another seed, FUZZ_RUNS=<n>
 * longer; FUZZ_PATH=<path> with `-t '<name>'` replays a reported
 * counterexample; FUZZ_STATS=1 prints how the answers were spread.
 */

const context = fastContext();

describe('fuzz: request bodies (fast layer)', () => {
  // No throttling of the fuzz itself.
  const app = useFastApp({
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_REQUESTS_PER_EMAIL: '1000000',
    RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL: '1000000',
    RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: '1000000',
  });
  let posts: Route[];

  beforeAll(async () => {
    posts = (await routeTable(app.url)).filter((r) => r.method === 'POST');
  });

  it('finds the POST routes in the OpenAPI document', () => {
    expect(posts.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/register',
        '/api/v1/auth/login',
        '/api/v1/auth/mfa/totp/verify',
      ]),
    );
  });

  it(
    'POST routes: any body, content type, request id and Authorization answers < 500, errors in the one shape',
    async () => {
      const requests = postRequests(posts, context);
      await property(app.url, requests);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'deeply nested JSON bodies (still under the 64 KB limit) answer < 500, errors in the one shape',
    async () => {
      const forged = `Bearer ${nobodyToken(context)}`;
      const requests = fc
        .record({
          route: fc.constantFrom(...posts),
          kind: fc.constantFrom('array' as const, 'object' as const),
          depth: fc.integer({ min: 65, max: 10_000 }),
          at: fc.constantFrom(
            'top' as const,
            'field' as const,
            'extra' as const,
          ),
        })
        .map(({ route, kind, depth, at }): FuzzRequest => {
          const deep = nested(kind, depth);
          const field = route.fields[0] ?? 'x';
          const body: Body =
            at === 'top'
              ? deep
              : at === 'field'
                ? `{${json(field)}:${deep}}`
                : `{"email":"ash@example.com","x":${deep}}`;
          const where =
            at === 'top'
              ? 'as the body'
              : at === 'field'
                ? `as "${field}"`
                : 'as an extra field "x"';
          return {
            method: 'POST',
            path: route.path,
            headers: [
              ['content-type', 'application/json'],
              ['authorization', forged],
            ],
            body,
            [fc.toStringMethod]: () =>
              `POST ${route.path} with ${depth} nested ${kind}s ${where} (${body.length} bytes)`,
          } as FuzzRequest;
        });
      await property(app.url, requests, numRuns(1 / 5));
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'a lone surrogate (\\ud800..\\udfff) in any string field answers < 500, errors in the one shape',
    async () => {
      const email = 'fuzz-lone@example.com';
      /** A valid value per field name; fields not listed get 'x'. */
      const valid: Record<string, string> = {
        name: 'Ash',
        email,
        password: 'Passw0rd?',
        code: '123456',
        confirmationCode: '123456',
        challenge: 'NEW_PASSWORD_REQUIRED',
        session: 'session',
        newPassword: STRONG_PASSWORD,
        currentPassword: 'Passw0rd?',
        refreshToken: 'refresh',
      };
      const withFields = posts.filter((route) => route.fields.length > 0);
      const forged = `Bearer ${nobodyToken(context)}`;
      const requests = fc
        .constantFrom(...withFields)
        .chain((route) =>
          fc.record({
            route: fc.constant(route),
            field: fc.constantFrom(...route.fields),
            at: fc.nat(),
            surrogates: loneSurrogates,
          }),
        )
        .map(({ route, field, at, surrogates }): FuzzRequest => {
          const body: Record<string, string> = Object.fromEntries(
            route.fields.map((name) => [name, valid[name] ?? 'x']),
          );
          const good = body[field];
          const i = at % (good.length + 1);
          body[field] = good.slice(0, i) + surrogates + good.slice(i);
          const text = json(body);
          return {
            method: 'POST',
            path: route.path,
            headers: [
              ['content-type', 'application/json'],
              ['authorization', forged],
            ],
            body: text,
            [fc.toStringMethod]: () => `POST ${route.path} ${text}`,
          } as FuzzRequest;
        });
      await property(app.url, requests, numRuns(1 / 5));
    },
    PROPERTY_TIMEOUT_MS,
  );
});
