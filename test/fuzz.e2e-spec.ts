import { useApp } from './support/app.js';
import { decodeJwt } from './support/forge.js';
import { postRequests } from './support/fuzz/post-requests.js';
import {
  PROPERTY_TIMEOUT_MS,
  numRuns,
  property,
} from './support/fuzz/exchange.js';
import { routeTable } from './support/fuzz/routes.js';
import type { Context } from './support/fuzz/tokens.js';
import { confirmedUser, login, newEmail } from './support/users.js';

/**
 * The fuzz against the REAL identity provider (the embedded emulator): the
 * POST routes of the OpenAPI document with generated bodies, headers and
 * bearer values (the fuzz user's real tokens among them), so that requests
 * which pass validation reach cognito-local and its answers are mapped.
 * Then the server must still be healthy: /health, and a full sign-up, login
 * and Pokemon list. The rest of the fuzz (every route, paths, tokens, deep
 * nesting, lone surrogates) runs on the fast layer, test/http/fuzz-*.spec.ts;
 * properties, seed and replay are described in test/http/fuzz-bodies.spec.ts.
 */

describe('fuzz: POST routes against the embedded Cognito emulator', () => {
  const app = useApp({
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_REQUESTS_PER_EMAIL: '1000000',
    RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL: '1000000',
    RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: '1000000',
    AUTH_FAILURE_MIN_MS: '0',
  });
  let context: Context;

  beforeAll(async () => {
    const email = await confirmedUser(app.http, newEmail('fuzz'));
    const tokens = await login(app.http, email);
    context = {
      email,
      issuer: app.server.connection.issuer,
      clientId: app.server.connection.clientId,
      tokens,
      sub: String(decodeJwt(tokens.accessToken).payload.sub),
    };
  });

  it(
    'POST routes: any body, content type, request id and Authorization answers < 500, errors in the one shape',
    async () => {
      const posts = (await routeTable(app.url)).filter(
        (r) => r.method === 'POST',
      );
      const requests = postRequests(posts, context);
      await property(app.url, requests, numRuns(1 / 2));
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('is still healthy afterwards: /health, then register -> confirm -> login -> GET /api/v1/pokemons', async () => {
    const health = await app.http.get('/health');
    expect(health.status).toBe(200);

    const email = await confirmedUser(app.http, newEmail('after-fuzz'));
    const { accessToken } = await login(app.http, email);
    const list = await app.http.get('/api/v1/pokemons', accessToken);
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(20);
    expect(list.headers.get('x-total-count')).toBe('1025');
    // The fuzz user's own session survived the fuzz too.
    const me = await app.http.get(
      '/api/v1/auth/me',
      context.tokens.accessToken,
    );
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(context.email);
  });
});
