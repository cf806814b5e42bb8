import { useFastApp } from '../support/fast-app.js';
import { exchangeRaw, parseAnswer } from '../support/raw-http.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

/** Headers, CORS and head limits: the app's own, on the fast layer. */
describe('HTTP hardening', () => {
  describe('with the defaults', () => {
    const server = useFastApp();

    it.each([
      ['a 200', '/docs-json'],
      ['a 503 (readiness, the provider faked away)', '/health'],
      ['a 401', '/api/v1/pokemons'],
      ['a 404', '/api/v1/nothing-here'],
      ['the Swagger UI', '/docs'],
    ])('sends the security headers on %s (%s)', async (_label, path) => {
      const response = await fetch(server.url + path);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        expect(response.headers.get(name), name).toBe(value);
      }
      expect(response.headers.get('content-security-policy')).toContain(
        "default-src 'self'",
      );
      expect(response.headers.get('x-powered-by')).toBeNull();
      expect(response.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
    });

    it('keeps CORS closed: no Access-Control-Allow-Origin, even for a preflight', async () => {
      const preflight = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': 'POST',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      const answer = await server.http.get('/docs-json', undefined, {
        origin: 'https://evil.example',
      });
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('refuses a request head over MAX_HEADER_BYTES (16 KB) with 431, in the error shape', async () => {
      const response = await fetch(`${server.url}/health`, {
        headers: { 'x-padding': 'a'.repeat(20 * 1024) },
      });
      expect(response.status).toBe(431);
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toMatch(UUID);
      expect(await response.json()).toEqual({
        statusCode: 431,
        error: 'HEADERS_TOO_LARGE',
        message: 'The request head (request line and headers) is too large.',
        requestId,
      });
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        expect(response.headers.get(name), name).toBe(value);
      }
      expect(response.headers.get('content-type')).toBe(
        'application/json; charset=utf-8',
      );
      expect(response.headers.get('connection')).toBe('close');
    });

    it('answers bytes that are not HTTP with 400 in the error shape, then closes the connection', async () => {
      // exchangeRaw() returns once the server closed the connection (else fails in 5 s).
      const { status, headers, body } = parseAnswer(
        await exchangeRaw(server.url, 'HELLO THERE\r\n\r\n'),
      );
      expect(status).toBe(400);
      expect(JSON.parse(body)).toEqual({
        statusCode: 400,
        error: 'VALIDATION_FAILED',
        message: 'The request is not valid HTTP.',
        requestId: headers['x-request-id'],
      });
      expect(headers['x-request-id']).toMatch(UUID);
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(Number(headers['content-length'])).toBe(Buffer.byteLength(body));
    });

    it('answers a too-large head after a kept-alive answer: the first answer whole, then the 431', async () => {
      const head = (extra: string): string =>
        `GET /health/live HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`;
      const raw = await exchangeRaw(
        server.url,
        head('') + head(`X-Padding: ${'a'.repeat(20 * 1024)}\r\n`),
      );
      const answers = raw.split(/(?=HTTP\/1\.1 )/);
      expect(answers.map((answer) => answer.slice(0, 12))).toEqual([
        'HTTP/1.1 200',
        'HTTP/1.1 431',
      ]);
      expect(answers[1]).toContain('"error":"HEADERS_TOO_LARGE"');
    });
  });

  describe('with CORS_ORIGINS set', () => {
    const server = useFastApp({
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
    });

    it('answers a preflight from a listed origin, exposing the headers clients read', async () => {
      const preflight = await fetch(`${server.url}/api/v1/pokemons`, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:5173',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(
        'http://localhost:5173',
      );
      const answer = await fetch(`${server.url}/health`, {
        headers: { origin: 'https://app.example.com' },
      });
      expect(answer.headers.get('access-control-allow-origin')).toBe(
        'https://app.example.com',
      );
      expect(answer.headers.get('access-control-expose-headers')).toBe(
        'X-Request-Id, X-Total-Count, Retry-After',
      );
    });

    it('does not answer another origin', async () => {
      const answer = await fetch(`${server.url}/health`, {
        headers: { origin: 'https://evil.example' },
      });
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});
