import { cookieHeader } from '../support/cookies.js';
import { useFastApp } from '../support/fast-app.js';
import { fastContext } from '../support/fuzz/context.js';
import { expectError } from '../support/http.js';

/**
 * How cookie mode knows the API's own origin for the rule on
 * state-changing requests: the protocol and Host the request came with,
 * and behind a proxy trusted by TRUST_PROXY, X-Forwarded-Proto and
 * X-Forwarded-Host. Nothing else the client writes counts.
 */
const PUBLIC_ORIGIN = 'https://api.example.com';
const FORWARDED = {
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'api.example.com',
};

function cookies(): { cookie: string } {
  return cookieHeader({ access_token: fastContext().tokens.accessToken });
}

describe('the API’s own origin, behind a trusted proxy (TRUST_PROXY=1)', () => {
  const app = useFastApp({ AUTH_COOKIES: 'true', TRUST_PROXY: '1' });

  it('is the forwarded protocol and host: that Origin passes', async () => {
    const answer = await app.http.post(
      '/api/v1/auth/logout',
      undefined,
      undefined,
      { ...cookies(), ...FORWARDED, origin: PUBLIC_ORIGIN },
    );
    expect(answer.status).toBe(204);
  });

  it('is no longer the address the proxy called: that Origin is 403', async () => {
    const answer = await app.http.post(
      '/api/v1/auth/logout',
      undefined,
      undefined,
      { ...cookies(), ...FORWARDED, origin: app.url },
    );
    expectError(answer, 403, 'FORBIDDEN');
  });
});

describe('the API’s own origin, with no proxy trusted (the default)', () => {
  const app = useFastApp({ AUTH_COOKIES: 'true' });

  it('ignores X-Forwarded-Host and X-Forwarded-Proto a client writes itself', async () => {
    const answer = await app.http.post(
      '/api/v1/auth/logout',
      undefined,
      undefined,
      { ...cookies(), ...FORWARDED, origin: PUBLIC_ORIGIN },
    );
    expectError(answer, 403, 'FORBIDDEN');
  });

  it('compares the whole origin: another port of the same host is 403', async () => {
    const other = app.url.replace(
      /:(\d+)$/,
      (_m, port: string) => `:${Number(port) + 1}`,
    );
    const answer = await app.http.post(
      '/api/v1/auth/logout',
      undefined,
      undefined,
      { ...cookies(), origin: other },
    );
    expectError(answer, 403, 'FORBIDDEN');
  });

  it('refuses an empty X-Requested-With', async () => {
    const answer = await app.http.post(
      '/api/v1/auth/logout',
      undefined,
      undefined,
      { ...cookies(), 'x-requested-with': '' },
    );
    expectError(answer, 403, 'FORBIDDEN');
  });
});
