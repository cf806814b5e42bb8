import fc from 'fast-check';
import { useFastApp } from '../support/fast-app.js';
import { bodies, type Body } from '../support/fuzz/bodies.js';
import { fastContext } from '../support/fuzz/context.js';
import {
  PROPERTY_TIMEOUT_MS,
  headersOf,
  property,
  type FuzzRequest,
} from '../support/fuzz/exchange.js';
import { requestIds } from '../support/fuzz/headers.js';
import {
  examplePath,
  fieldsOf,
  routeTable,
  type Route,
} from '../support/fuzz/routes.js';
import { authorizations } from '../support/fuzz/tokens.js';

/**
 * Fuzz of BEARER values on the fast layer: every guarded route of the
 * OpenAPI document with random values, forged tokens (the trusted key,
 * fuzzed claims and headers), tampered and real tokens. Properties, seed and
 * replay: see test/http/fuzz-bodies.spec.ts.
 */

const context = fastContext();

describe('fuzz: bearer tokens (fast layer)', () => {
  const app = useFastApp({ RATE_LIMIT_IP_PER_MINUTE: '1000000' });
  let guarded: Route[];

  beforeAll(async () => {
    guarded = (await routeTable(app.url)).filter((r) => r.guarded);
  });

  it('finds the guarded routes in the OpenAPI document', () => {
    expect(guarded.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'GET /api/v1/auth/me',
        'GET /api/v1/pokemons',
        'GET /api/v1/pokemons/{idOrName}',
        'POST /api/v1/auth/logout',
      ]),
    );
  });

  it('accepts the fuzz user’s own access token (else the fuzz would test nothing past the guard)', async () => {
    const answer = await app.http.get(
      '/api/v1/pokemons?limit=1',
      context.tokens.accessToken,
    );
    expect(answer.status).toBe(200);
  });

  it(
    'guarded routes: any bearer value (random, forged and signed with fuzzed claims, tampered) answers < 500, errors in the one shape',
    async () => {
      const requests = fc
        .constantFrom(...guarded)
        .chain((route) =>
          fc.record({
            route: fc.constant(route),
            body:
              route.method === 'GET'
                ? fc.constant<Body | undefined>(undefined)
                : bodies(fieldsOf(route, context)),
            requestId: requestIds,
            authorization: authorizations(context, {
              real: !route.path.endsWith('/logout'),
            }),
          }),
        )
        .map(({ route, body, requestId, authorization }): FuzzRequest => ({
          method: route.method,
          path: examplePath(route),
          headers: headersOf({
            'content-type': body === undefined ? undefined : 'application/json',
            'x-request-id': requestId,
            authorization,
          }),
          body,
        }));
      await property(app.url, requests);
    },
    PROPERTY_TIMEOUT_MS,
  );
});
