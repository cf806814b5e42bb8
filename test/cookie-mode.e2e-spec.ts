import { startApp, type TestApp } from './support/app.js';
import {
  CookieJar,
  cookieHeader,
  expectCookieOnlySignIn,
  setCookies,
} from './support/cookies.js';
import { Http, expectError } from './support/http.js';
import { useSecretClientApp } from './support/secret-client-app.js';
import { PASSWORD, confirmedUser, newEmail } from './support/users.js';

/**
 * Cookie mode end to end, as the demo page at `/` uses it: a browser's jar
 * (Path honoured), no Authorization header anywhere, `X-Requested-With` on
 * every POST. First on the embedded emulator (where AUTH_COOKIES is on by
 * default and the cookies are not Secure), then on an app client with a
 * secret behind the Cognito rules proxy.
 */
const XRW = { 'x-requested-with': 'fetch' };

describe('cookie mode on the embedded emulator (the default there)', () => {
  let server: TestApp;
  let http: Http;
  const jar = new CookieJar();
  const email = newEmail('cookies');
  let firstAccess: string;

  beforeAll(async () => {
    server = await startApp();
    http = new Http(server.url);
    await confirmedUser(http, email);
  });
  afterAll(() => server?.close());

  const get = (path: string) => http.get(path, undefined, jar.header(path));
  const post = (path: string, body?: unknown) =>
    http.post(path, body, undefined, { ...jar.header(path), ...XRW });

  it('login sets access_token (Path=/) and refresh_token (Path=/api/v1/auth), HttpOnly, SameSite=Strict, not Secure', async () => {
    const answer = await http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expect(answer.status).toBe(200);
    const cookies = setCookies(answer);
    expect(cookies.access_token.value).toBe(answer.body.accessToken);
    expect(cookies.refresh_token.value).toBe(answer.body.refreshToken);
    for (const [name, path] of [
      ['access_token', '/'],
      ['refresh_token', '/api/v1/auth'],
    ]) {
      expect(cookies[name].attributes).toEqual({
        'max-age': String(30 * 86_400),
        path,
        httponly: true,
        samesite: 'Strict',
      });
    }
    jar.store(answer);
    firstAccess = answer.body.accessToken;
  });

  it('GET /auth/me answers the profile with only the cookie', async () => {
    const answer = await get('/api/v1/auth/me');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ email, mfa: { totp: false } });
  });

  it('a guarded POST by cookie without X-Requested-With is 403 FORBIDDEN', async () => {
    const answer = await http.post(
      '/api/v1/auth/mfa/totp/setup',
      undefined,
      undefined,
      jar.header('/api/v1/auth/mfa/totp/setup'),
    );
    expectError(answer, 403, 'FORBIDDEN');
  });

  it('refresh with only the cookies replaces the access token cookie and answers no token in its body', async () => {
    const answer = await post('/api/v1/auth/refresh');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      expiresIn: expect.any(Number),
      tokenType: 'Bearer',
    });
    const access = setCookies(answer).access_token.value;
    expect(access).toMatch(/^ey/);
    expect(access).not.toBe(firstAccess);
    jar.store(answer);
    expect(jar.get('access_token')).toBe(access);
    expect((await get('/api/v1/pokemons?limit=1')).status).toBe(200);
  });

  it('login with X-Auth-Cookies: only sets the cookies and answers no token in its body; without the mark the body keeps them', async () => {
    const marked = await http.post(
      '/api/v1/auth/login',
      { email, password: PASSWORD },
      undefined,
      { 'x-auth-cookies': 'only' },
    );
    const cookies = expectCookieOnlySignIn(marked);
    const byCookie = await http.get(
      '/api/v1/auth/me',
      undefined,
      cookieHeader({ access_token: cookies.access_token.value }),
    );
    expect(byCookie.body).toMatchObject({ email });

    const plain = await http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expect(plain.status).toBe(200);
    expect(Object.keys(plain.body).sort()).toEqual([
      'accessToken',
      'expiresIn',
      'idToken',
      'refreshToken',
      'tokenType',
      'username',
    ]);
  });

  it('refresh with a refresh token in the body (a bearer client) keeps the tokens in its body', async () => {
    const login = await http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    const answer = await http.post('/api/v1/auth/refresh', {
      refreshToken: login.body.refreshToken,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.accessToken).toMatch(/^ey/);
    expect(answer.body.idToken).toMatch(/^ey/);
  });

  it('logout with only the cookies answers 204 and clears them', async () => {
    const before = jar.header('/api/v1/auth/refresh');
    const answer = await post('/api/v1/auth/logout');
    expect(answer.status).toBe(204);
    jar.store(answer);
    expect(jar.header('/api/v1/auth/me')).toEqual({});

    // The old cookies, sent again, are refused: the session has ended.
    const me = await http.get('/api/v1/auth/me', undefined, before);
    expectError(me, 401, 'UNAUTHORIZED');
    const refresh = await http.post(
      '/api/v1/auth/refresh',
      undefined,
      undefined,
      {
        ...before,
        ...XRW,
      },
    );
    expectError(refresh, 401, 'UNAUTHORIZED');
  });
});

describe('cookie mode on an app client with a secret, through the Cognito rules proxy', () => {
  const rules = useSecretClientApp('cookies', { AUTH_COOKIES: 'true' });
  const { external, app } = rules;

  afterEach(() => {
    expect(rules.proxy.violations).toEqual([]);
  });

  it('logs in, refreshes and logs out with only the cookies, every call as Cognito wants it', async () => {
    const email = newEmail('cookie-secret');
    await confirmedUser(app.http, email, PASSWORD, {
      codeOf: (address) => external.codeFor(address),
    });
    const jar = new CookieJar();
    const login = await app.http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
    // Outside embedded mode the cookies are Secure.
    expect(setCookies(login).access_token.attributes.secure).toBe(true);
    jar.store(login);

    const refresh = await app.http.post(
      '/api/v1/auth/refresh',
      undefined,
      undefined,
      {
        ...jar.header('/api/v1/auth/refresh'),
        ...XRW,
      },
    );
    expect(refresh.status).toBe(200);
    const hashed = rules.proxy.calls.filter(
      (call) => call.body.AuthFlow === 'REFRESH_TOKEN_AUTH',
    );
    expect(hashed.at(-1)?.body.AuthParameters.SECRET_HASH).toEqual(
      expect.any(String),
    );
    jar.store(refresh);

    const logout = await app.http.post(
      '/api/v1/auth/logout',
      undefined,
      undefined,
      {
        ...jar.header('/api/v1/auth/logout'),
        ...XRW,
      },
    );
    expect(logout.status).toBe(204);
    expect(rules.proxy.calls.at(-1)).toMatchObject({
      operation: 'RevokeToken',
      body: { Token: login.body.refreshToken },
    });
  });
});
