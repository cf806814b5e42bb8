import fc from 'fast-check';
import { useFastApp } from '../support/fast-app.js';
import { bodies } from '../support/fuzz/bodies.js';
import { fastContext } from '../support/fuzz/context.js';
import {
  PROPERTY_TIMEOUT_MS,
  headersOf,
  numRuns,
  property,
  type FuzzRequest,
} from '../support/fuzz/exchange.js';
import { emails } from '../support/fuzz/fields.js';
import {
  contentTypes,
  extraHeaders,
  requestIds,
} from '../support/fuzz/headers.js';
import {
  MAX_PARAM_LENGTH,
  malformedSegments,
  pathSegments,
  queryStrings,
} from '../support/fuzz/paths.js';
import {
  examplePath,
  fill,
  routeTable,
  type Route,
} from '../support/fuzz/routes.js';
import { wellFormed } from '../support/fuzz/text.js';
import { authorizations } from '../support/fuzz/tokens.js';

/**
 * Fuzz of PATHS and QUERY STRINGS on the fast layer: the GET routes of the
 * OpenAPI document with any path parameter and query, unknown paths and
 * wrong methods, malformed percent-encoding, over-long path parameters.
 * Properties, seed and replay: see test/http/fuzz-bodies.spec.ts.
 *
 * GET /health is left out: readiness asks the identity provider, which the
 * fast layer fakes, so it answers 503 here by design (test/outage and
 * test/external-endpoint cover it against an emulator).
 */

const context = fastContext();
const READINESS = '/health';

describe('fuzz: paths and query strings (fast layer)', () => {
  const app = useFastApp({ RATE_LIMIT_IP_PER_MINUTE: '1000000' });
  let routes: Route[];

  beforeAll(async () => {
    routes = (await routeTable(app.url)).filter((r) => r.path !== READINESS);
  });

  it(
    'GET routes: any path parameter, query string, request id and Authorization answers < 500, errors in the one shape',
    async () => {
      const gets = routes.filter((r) => r.method === 'GET');
      const auth = authorizations(context, { real: true });
      const withReal = fc.oneof(
        { weight: 1, arbitrary: auth },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            `Bearer ${context.tokens.accessToken}`,
            `Bearer ${context.tokens.idToken}`,
          ),
        },
      );
      const email = emails(context.email);
      // A route without query keys gets those of the others (all ignored).
      const allKeys = [...new Set(gets.flatMap((r) => r.query))];
      const keysOf = (route: Route): string[] =>
        route.query.length > 0 ? route.query : allKeys;
      const pathOf = (route: Route): fc.Arbitrary<string> =>
        fc
          .tuple(
            fc.array(pathSegments, {
              minLength: route.params.length,
              maxLength: route.params.length,
            }),
            route.query.includes('email')
              ? fc.oneof(
                  queryStrings(keysOf(route)),
                  email.map(
                    (e) => `?email=${encodeURIComponent(wellFormed(e))}`,
                  ),
                )
              : queryStrings(keysOf(route)),
          )
          .map(([params, query]) => fill(route, params) + query);
      const paths = fc.oneof(
        fc.constantFrom(...gets).chain(pathOf),
        fc.constantFrom('/docs-json', '/docs', '/docs/'),
      );
      const requests = fc
        .record({
          path: paths,
          requestId: requestIds,
          authorization: withReal,
          contentType: fc.option(contentTypes, { nil: undefined }),
          extra: extraHeaders,
        })
        .map(
          ({
            path,
            requestId,
            authorization,
            contentType,
            extra,
          }): FuzzRequest => ({
            method: 'GET',
            path,
            headers: [
              ...headersOf({
                'x-request-id': requestId,
                authorization,
                'content-type': contentType,
              }),
              ...extra,
            ],
          }),
        );
      await property(app.url, requests);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'unknown paths and wrong methods answer < 500, errors (404 included) in the one shape',
    async () => {
      const known = [...new Set(routes.map(examplePath)), '/docs-json'];
      const paths = fc.oneof(
        fc.constantFrom(...known),
        fc.constantFrom(...known).map((path) => `${path}/`),
        fc.constantFrom(...known).map((path) => path.toUpperCase()),
        fc.constantFrom(
          '/',
          '/api',
          '/api/v1',
          '/api/v1/',
          '/api/v2/pokemons',
          '/api/v1/pokemons//25',
          '/api/v1/auth',
          '/api/v1//auth/login',
          '/favicon.ico',
          '/robots.txt',
          '/.env',
          '/docs/swagger-ui.css',
          '/docs/index.html',
          '/health/',
        ),
        fc
          .tuple(
            fc.constantFrom(
              '',
              '/api/v1',
              '/api/v1/auth',
              '/api/v1/pokemons/25',
              '/docs',
              '/health',
            ),
            fc.array(pathSegments, { minLength: 1, maxLength: 3 }),
          )
          .map(([prefix, segments]) => `${prefix}/${segments.join('/')}`),
      );
      const requests = fc
        .record({
          method: fc.constantFrom(
            'GET',
            'POST',
            'PUT',
            'DELETE',
            'PATCH',
            'OPTIONS',
            'HEAD',
          ),
          path: paths,
          body: fc.option(bodies({ email: emails(context.email) }), {
            nil: undefined,
          }),
          contentType: contentTypes,
          requestId: requestIds,
          authorization: authorizations(context, { real: false }),
          extra: extraHeaders,
        })
        .map(
          ({
            method,
            path,
            body,
            contentType,
            requestId,
            authorization,
            extra,
          }): FuzzRequest => ({
            method,
            path,
            headers: [
              ...headersOf({
                'content-type': contentType,
                'x-request-id': requestId,
                authorization,
              }),
              ...extra,
            ],
            body: method === 'GET' || method === 'HEAD' ? undefined : body,
          }),
        );
      await property(app.url, requests);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'malformed percent-encoding in the path answers 400 in the one shape, with an x-request-id',
    async () => {
      const prefixes = [
        '',
        '/api/v1',
        '/api/v1/pokemons',
        '/api/v1/auth',
        '/api/v1/dev',
        '/health',
        '/docs',
      ];
      const requests = fc
        .record({
          method: fc.constantFrom('GET', 'POST', 'DELETE'),
          prefix: fc.constantFrom(...prefixes),
          segments: fc.array(fc.oneof(pathSegments, malformedSegments), {
            maxLength: 2,
          }),
          malformed: malformedSegments,
          requestId: requestIds,
          authorization: fc.option(
            fc.constant(`Bearer ${context.tokens.accessToken}`),
            { nil: undefined },
          ),
        })
        .map(
          ({
            method,
            prefix,
            segments,
            malformed,
            requestId,
            authorization,
          }): FuzzRequest => ({
            method,
            path: `${prefix}/${[...segments, malformed].join('/')}`,
            headers: headersOf({
              'content-type': method === 'GET' ? undefined : 'application/json',
              'x-request-id': requestId,
              authorization,
            }),
            body: method === 'GET' ? undefined : '{}',
          }),
        );
      await property(app.url, requests, numRuns(1 / 5));
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'a path parameter over 100 characters (GET /api/v1/pokemons/:idOrName) answers 4xx in the one shape, with an x-request-id',
    async () => {
      const requests = fc
        .record({
          length: fc.integer({ min: MAX_PARAM_LENGTH + 1, max: 4_000 }),
          unit: fc.constantFrom('x', '9', '%C3%A9', '-'),
          requestId: requestIds,
        })
        .map(({ length, unit, requestId }): FuzzRequest => {
          const segment = unit.repeat(Math.ceil(length / unit.length));
          return {
            method: 'GET',
            path: `/api/v1/pokemons/${segment}`,
            headers: headersOf({
              'x-request-id': requestId,
              authorization: `Bearer ${context.tokens.accessToken}`,
            }),
            [fc.toStringMethod]: () =>
              `GET /api/v1/pokemons/<${JSON.stringify(unit)} x ${Math.ceil(length / unit.length)}, ${segment.length} chars> x-request-id ${JSON.stringify(requestId)}`,
          } as FuzzRequest;
        });
      await property(app.url, requests, numRuns(1 / 5));
    },
    PROPERTY_TIMEOUT_MS,
  );
});
