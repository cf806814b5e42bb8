import { randomUUID } from 'node:crypto';
import { FAST_POOL } from '../fast-app.js';
import { forge, rs256Header } from '../forge.js';
import type { Context } from './tokens.js';

/**
 * The fuzz user of the fast layer: no pool holds it, but its tokens are
 * signed with the key the fast app trusts, so they pass the guard.
 */
export function fastContext(): Context {
  const sub = randomUUID();
  const now = Math.floor(Date.now() / 1000);
  const common = {
    iss: FAST_POOL.issuer,
    sub,
    event_id: randomUUID(),
    auth_time: now,
    iat: now,
    exp: now + 3600,
  };
  return {
    email: 'fuzz-user@example.com',
    issuer: FAST_POOL.issuer,
    clientId: FAST_POOL.clientId,
    sub,
    tokens: {
      accessToken: forge(rs256Header(), {
        ...common,
        token_use: 'access',
        client_id: FAST_POOL.clientId,
        username: sub,
        jti: randomUUID(),
      }),
      idToken: forge(rs256Header(), {
        ...common,
        token_use: 'id',
        aud: FAST_POOL.clientId,
        'cognito:username': sub,
        email: 'fuzz-user@example.com',
        jti: randomUUID(),
      }),
      refreshToken: `fake-refresh-${randomUUID()}`,
    },
  };
}
