import { randomUUID } from 'node:crypto';
import { cookieHeader, setCookies } from '../support/cookies.js';
import { useFastApp, type UsedFastApp } from '../support/fast-app.js';
import { fastContext } from '../support/fuzz/context.js';
import type { Context } from '../support/fuzz/tokens.js';
import { expectError } from '../support/http.js';

/**
 * Cookie mode on the fast layer (AUTH_COOKIES=true on an AWS-mode app,
 * whose cookies are Secure): which cookies are set, with which
 * attributes, what the guard and the session routes take from them, and
 * the rule for state-changing requests. The same flow against the emulator
 * is test/cookie-mode.e2e-spec.ts.
 */
const THIRTY_DAYS = String(30 * 24 * 60 * 60);
const XRW = { 'x-requested-with': 'fetch' };
const LOGIN = { email: 'ash@example.com', password: 'Passw0rd!' };

/** The identity provider signs `user` in, and refreshes as `refreshed` (no rotation). */
function signsIn(app: UsedFastApp, user: Context, refreshed = user): void {
  app.provider.answer('InitiateAuth', (params) => {
    const tokens = params.AuthFlow === 'REFRESH_TOKEN_AUTH' ? refreshed : user;
    return {
      AuthenticationResult: {
        AccessToken: tokens.tokens.accessToken,
        IdToken: tokens.tokens.idToken,
        ExpiresIn: 3600,
        TokenType: 'Bearer',
        ...(params.AuthFlow === 'REFRESH_TOKEN_AUTH'
          ? {}
          : { RefreshToken: user.tokens.refreshToken }),
      },
    };
  });
}

function sessionCookies(user: Context): { cookie: string } {
  return cookieHeader({
    access_token: user.tokens.accessToken,
    refresh_token: user.tokens.refreshToken,
  });
}

function sentTo(app: UsedFastApp, operation: string): Record<string, any>[] {
  return app.provider.sent
    .filter((call) => call.operation === operation)
    .map((call) => call.params);
}

describe('cookie mode (AUTH_COOKIES=true)', () => {
  const app = useFastApp({ AUTH_COOKIES: 'true' });

  describe('POST /api/v1/auth/login', () => {
    it('sets access_token on / and refresh_token on /api/v1/auth, HttpOnly, SameSite=Strict, Secure, for the session’s lifetime', async () => {
      const user = fastContext();
      signsIn(app, user);
      const answer = await app.http.post('/api/v1/auth/login', LOGIN);
      expect(answer.status).toBe(200);
      const cookies = setCookies(answer);
      expect(Object.keys(cookies).sort()).toEqual([
        'access_token',
        'refresh_token',
      ]);
      expect(cookies.access_token).toEqual({
        value: user.tokens.accessToken,
        attributes: {
          'max-age': THIRTY_DAYS,
          path: '/',
          httponly: true,
          secure: true,
          samesite: 'Strict',
        },
      });
      expect(cookies.refresh_token).toEqual({
        value: user.tokens.refreshToken,
        attributes: {
          'max-age': THIRTY_DAYS,
          path: '/api/v1/auth',
          httponly: true,
          secure: true,
          samesite: 'Strict',
        },
      });
    });

    it('answers the same JSON body as for a bearer client, tokens included', async () => {
      const user = fastContext();
      signsIn(app, user);
      const answer = await app.http.post('/api/v1/auth/login', LOGIN);
      expect(answer.body).toEqual({
        accessToken: user.tokens.accessToken,
        idToken: user.tokens.idToken,
        refreshToken: user.tokens.refreshToken,
        expiresIn: 3600,
        tokenType: 'Bearer',
        username: user.sub,
      });
    });

    it('sets no cookie on a refused login', async () => {
      app.provider.answer('InitiateAuth', () => ({
        error: 'NotAuthorizedException',
      }));
      const answer = await app.http.post('/api/v1/auth/login', LOGIN);
      expectError(answer, 401, 'INVALID_CREDENTIALS');
      expect(answer.headers.getSetCookie()).toEqual([]);
    });
  });

  describe('POST /api/v1/auth/challenge', () => {
    it('sets both cookies when the answered challenge gives tokens', async () => {
      const user = fastContext();
      app.provider.answer('RespondToAuthChallenge', () => ({
        AuthenticationResult: {
          AccessToken: user.tokens.accessToken,
          IdToken: user.tokens.idToken,
          RefreshToken: user.tokens.refreshToken,
          ExpiresIn: 3600,
        },
      }));
      const answer = await app.http.post('/api/v1/auth/challenge', {
        email: 'ash@example.com',
        challenge: 'SOFTWARE_TOKEN_MFA',
        session: 'session-from-login',
        code: '123456',
      });
      expect(answer.status).toBe(200);
      const cookies = setCookies(answer);
      expect(cookies.access_token.value).toBe(user.tokens.accessToken);
      expect(cookies.refresh_token.value).toBe(user.tokens.refreshToken);
    });
  });

  describe('the guard', () => {
    it('takes the access token from its cookie when no Authorization header is sent', async () => {
      const user = fastContext();
      const answer = await app.http.get(
        '/api/v1/pokemons/pikachu',
        undefined,
        cookieHeader({ access_token: user.tokens.accessToken }),
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id: 25, name: 'Pikachu' });
    });

    it('lets the Authorization header win: a bad bearer token is 401 even beside a good cookie', async () => {
      const user = fastContext();
      const answer = await app.http.get(
        '/api/v1/pokemons/pikachu',
        'not-a-token',
        cookieHeader({ access_token: user.tokens.accessToken }),
      );
      expectError(answer, 401, 'UNAUTHORIZED');
    });

    it('lets a good bearer token through beside a bad cookie', async () => {
      const user = fastContext();
      const answer = await app.http.get(
        '/api/v1/pokemons/pikachu',
        user.tokens.accessToken,
        cookieHeader({ access_token: 'junk' }),
      );
      expect(answer.status).toBe(200);
    });

    it('refuses a cookie that holds no valid token with 401', async () => {
      const answer = await app.http.get(
        '/api/v1/pokemons/pikachu',
        undefined,
        cookieHeader({ access_token: fastContext().tokens.refreshToken }),
      );
      expectError(answer, 401, 'UNAUTHORIZED');
      expect(answer.body.message).toBe(
        'A valid Cognito access or ID token is required (Authorization: Bearer <token>, or the access_token cookie of a login).',
      );
    });

    it('ignores a refresh_token cookie: it is no access token', async () => {
      const answer = await app.http.get(
        '/api/v1/pokemons/pikachu',
        undefined,
        cookieHeader({ refresh_token: fastContext().tokens.accessToken }),
      );
      expectError(answer, 401, 'UNAUTHORIZED');
    });
  });

  describe('a state-changing request authenticated by cookie', () => {
    it('is refused with 403 FORBIDDEN without X-Requested-With or the API’s Origin, and ends nothing', async () => {
      const user = fastContext();
      const answer = await app.http.post(
        '/api/v1/auth/logout',
        undefined,
        undefined,
        sessionCookies(user),
      );
      expectError(answer, 403, 'FORBIDDEN');
      expect(answer.body.message).toContain('X-Requested-With');
      expect(answer.headers.getSetCookie()).toEqual([]);
      const still = await app.http.get(
        '/api/v1/pokemons/1',
        user.tokens.accessToken,
      );
      expect(still.status).toBe(200);
    });

    it('is refused with 403 when the Origin is another site’s', async () => {
      const answer = await app.http.post(
        '/api/v1/auth/logout',
        undefined,
        undefined,
        { ...sessionCookies(fastContext()), origin: 'https://evil.example' },
      );
      expectError(answer, 403, 'FORBIDDEN');
    });

    it('passes with X-Requested-With', async () => {
      const answer = await app.http.post(
        '/api/v1/auth/logout',
        undefined,
        undefined,
        { ...sessionCookies(fastContext()), ...XRW },
      );
      expect(answer.status).toBe(204);
    });

    it('passes with an Origin equal to the API’s own', async () => {
      const answer = await app.http.post(
        '/api/v1/auth/logout',
        undefined,
        undefined,
        { ...sessionCookies(fastContext()), origin: app.url },
      );
      expect(answer.status).toBe(204);
    });

    it('does not apply to a request with an Authorization header, whatever cookies it carries', async () => {
      const user = fastContext();
      const answer = await app.http.post(
        '/api/v1/auth/logout',
        { refreshToken: user.tokens.refreshToken },
        user.tokens.accessToken,
        sessionCookies(fastContext()),
      );
      expect(answer.status).toBe(204);
    });

    it('does not apply to a GET', async () => {
      const answer = await app.http.get(
        '/api/v1/pokemons?limit=1',
        undefined,
        cookieHeader({ access_token: fastContext().tokens.accessToken }),
      );
      expect(answer.status).toBe(200);
    });
  });

  describe('POST /api/v1/auth/logout with only the cookies', () => {
    it('revokes the refresh token of the cookie, clears both cookies (Max-Age=0, each on its path), and refuses the session', async () => {
      const user = fastContext();
      const answer = await app.http.post(
        '/api/v1/auth/logout',
        undefined,
        undefined,
        { ...sessionCookies(user), ...XRW },
      );
      expect(answer.status).toBe(204);
      expect(sentTo(app, 'RevokeToken').at(-1)).toMatchObject({
        Token: user.tokens.refreshToken,
      });
      const cookies = setCookies(answer);
      expect(cookies.access_token).toMatchObject({
        value: '',
        attributes: { 'max-age': '0', path: '/' },
      });
      expect(cookies.refresh_token).toMatchObject({
        value: '',
        attributes: { 'max-age': '0', path: '/api/v1/auth' },
      });
      const after = await app.http.get(
        '/api/v1/pokemons/1',
        undefined,
        cookieHeader({ access_token: user.tokens.accessToken }),
      );
      expectError(after, 401, 'UNAUTHORIZED');
    });

    it('revokes the body’s refresh token when the body names one', async () => {
      const user = fastContext();
      const answer = await app.http.post(
        '/api/v1/auth/logout',
        { refreshToken: 'from-the-body' },
        undefined,
        { ...sessionCookies(user), ...XRW },
      );
      expect(answer.status).toBe(204);
      expect(sentTo(app, 'RevokeToken').at(-1)).toMatchObject({
        Token: 'from-the-body',
      });
    });
  });

  describe('POST /api/v1/auth/logout/all', () => {
    it('clears the cookies the request carried', async () => {
      const answer = await app.http.post(
        '/api/v1/auth/logout/all',
        undefined,
        undefined,
        { ...sessionCookies(fastContext()), ...XRW },
      );
      expect(answer.status).toBe(204);
      expect(setCookies(answer).access_token.attributes['max-age']).toBe('0');
      expect(setCookies(answer).refresh_token.attributes['max-age']).toBe('0');
    });

    it('sets no cookie for a bearer client that sent none', async () => {
      const answer = await app.http.post(
        '/api/v1/auth/logout/all',
        undefined,
        fastContext().tokens.accessToken,
      );
      expect(answer.status).toBe(204);
      expect(answer.headers.getSetCookie()).toEqual([]);
    });
  });

  describe('POST /api/v1/auth/refresh with only the cookies', () => {
    it('is refused with 403 without X-Requested-With, before Cognito is asked', async () => {
      const before = sentTo(app, 'InitiateAuth').length;
      const answer = await app.http.post(
        '/api/v1/auth/refresh',
        undefined,
        undefined,
        sessionCookies(fastContext()),
      );
      expectError(answer, 403, 'FORBIDDEN');
      expect(sentTo(app, 'InitiateAuth')).toHaveLength(before);
    });

    it('refreshes with the refresh token of the cookie and sets the new access token cookie only (no rotation), with no token in the body', async () => {
      const user = fastContext();
      const refreshed = fastContext();
      signsIn(app, user, refreshed);
      const answer = await app.http.post(
        '/api/v1/auth/refresh',
        undefined,
        undefined,
        { ...sessionCookies(user), ...XRW },
      );
      expect(answer.status).toBe(200);
      // Authenticated by the cookie: no script on the page reads a token.
      expect(answer.body).toEqual({ expiresIn: 3600, tokenType: 'Bearer' });
      expect(sentTo(app, 'InitiateAuth').at(-1)).toMatchObject({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: user.tokens.refreshToken },
      });
      const cookies = setCookies(answer);
      expect(Object.keys(cookies)).toEqual(['access_token']);
      expect(cookies.access_token).toMatchObject({
        value: refreshed.tokens.accessToken,
        attributes: { path: '/', httponly: true, samesite: 'Strict' },
      });
    });

    it('clears the cookies when the refresh token of the cookie is refused (401)', async () => {
      app.provider.answer('InitiateAuth', () => ({
        error: 'NotAuthorizedException',
      }));
      const answer = await app.http.post(
        '/api/v1/auth/refresh',
        undefined,
        undefined,
        { ...sessionCookies(fastContext()), ...XRW },
      );
      expectError(answer, 401, 'UNAUTHORIZED');
      expect(setCookies(answer).refresh_token.attributes['max-age']).toBe('0');
      expect(setCookies(answer).access_token.attributes['max-age']).toBe('0');
    });

    it('answers 400 VALIDATION_FAILED naming refreshToken with neither a body token nor a cookie', async () => {
      const answer = await app.http.post(
        '/api/v1/auth/refresh',
        {},
        undefined,
        XRW,
      );
      expectError(answer, 400, 'VALIDATION_FAILED');
      expect(answer.body.message).toEqual(['refreshToken must be a string']);
    });
  });
});

describe('the OpenAPI document in cookie mode', () => {
  const app = useFastApp({ AUTH_COOKIES: 'true' });

  it('has the access token cookie as an apiKey scheme, beside bearer on every guarded route', async () => {
    const { body: doc } = await app.http.get('/docs-json');
    expect(doc.components.securitySchemes.cookie).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'access_token',
    });
    expect(doc.paths['/api/v1/auth/me'].get.security).toEqual([
      { bearer: [] },
      { cookie: [] },
    ]);
    expect(doc.paths['/api/v1/pokemons'].get.security).toEqual([
      { bearer: [] },
      { cookie: [] },
    ]);
  });

  it('names the Set-Cookie header of login, challenge and refresh, and of logout', async () => {
    const { body: doc } = await app.http.get('/docs-json');
    for (const path of ['login', 'challenge', 'refresh']) {
      const ok = doc.paths[`/api/v1/auth/${path}`].post.responses['200'];
      expect(ok.headers['Set-Cookie'].description).toContain('refresh_token');
    }
    const logout = doc.paths['/api/v1/auth/logout'].post.responses['204'];
    expect(logout.headers['Set-Cookie'].description).toContain('Max-Age=0');
  });
});

describe('cookie mode on an app client with a secret', () => {
  const app = useFastApp({
    AUTH_COOKIES: 'true',
    AWS_COGNITO_CLIENT_SECRET: `secret-${randomUUID()}`,
  });

  it('names the user for SECRET_HASH by the access token cookie, even an expired one', async () => {
    const user = fastContext();
    signsIn(app, user);
    const answer = await app.http.post(
      '/api/v1/auth/refresh',
      undefined,
      undefined,
      { ...sessionCookies(user), ...XRW },
    );
    expect(answer.status).toBe(200);
    expect(sentTo(app, 'InitiateAuth').at(-1)).toMatchObject({
      AuthParameters: {
        REFRESH_TOKEN: user.tokens.refreshToken,
        SECRET_HASH: `secret-hash-of:${user.sub}`,
      },
    });
  });

  it('answers 400 naming username with the refresh token cookie alone', async () => {
    const answer = await app.http.post(
      '/api/v1/auth/refresh',
      undefined,
      undefined,
      {
        ...cookieHeader({ refresh_token: fastContext().tokens.refreshToken }),
        ...XRW,
      },
    );
    expectError(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.message.join(' ')).toContain('username');
  });
});

describe('cookie mode off (AUTH_COOKIES=false)', () => {
  const app = useFastApp({ AUTH_COOKIES: 'false' });

  it('sets no cookie at login', async () => {
    signsIn(app, fastContext());
    const answer = await app.http.post('/api/v1/auth/login', LOGIN);
    expect(answer.status).toBe(200);
    expect(answer.headers.getSetCookie()).toEqual([]);
  });

  it('ignores the access token cookie: 401 without a bearer token', async () => {
    const answer = await app.http.get(
      '/api/v1/pokemons/pikachu',
      undefined,
      cookieHeader({ access_token: fastContext().tokens.accessToken }),
    );
    expectError(answer, 401, 'UNAUTHORIZED');
    expect(answer.body.message).toBe(
      'A valid Cognito access or ID token is required (Authorization: Bearer <token>).',
    );
  });

  it('ignores the refresh token cookie: 400 naming refreshToken', async () => {
    const answer = await app.http.post('/api/v1/auth/refresh', {}, undefined, {
      ...sessionCookies(fastContext()),
      ...XRW,
    });
    expectError(answer, 400, 'VALIDATION_FAILED');
  });

  it('has no cookie scheme in the OpenAPI document', async () => {
    const { body: doc } = await app.http.get('/docs-json');
    expect(doc.components.securitySchemes).not.toHaveProperty('cookie');
    expect(doc.paths['/api/v1/auth/me'].get.security).toEqual([{ bearer: [] }]);
  });

  it('clears nothing at logout', async () => {
    const user = fastContext();
    const answer = await app.http.post(
      '/api/v1/auth/logout',
      undefined,
      user.tokens.accessToken,
      sessionCookies(user),
    );
    expect(answer.status).toBe(204);
    expect(answer.headers.getSetCookie()).toEqual([]);
  });
});
