import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useFastApp } from '../support/fast-app.js';

const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** The API's own policy (helmet's defaults, with images from data: URLs). */
const API_CSP_START = "default-src 'self';base-uri 'self';";

/** The demo page and its assets, as served beside the API (aws mode here). */
describe('GET / (the demo page)', () => {
  const server = useFastApp();

  it('serves public/index.html with the page CSP, which allows no inline script', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'text/html; charset=utf-8',
    );
    expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    // No inline script or style for the CSP to refuse.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|\son\w+=/);
  });

  it('says nothing of a dev outbox outside embedded mode', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).toMatch(/<meta name="dev-outbox" content=""\s*\/?>/);
  });

  it('offers no passkeys or email codes while AUTH_PASSWORDLESS is off (its default with a pool)', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).toMatch(/<meta name="passwordless" content=""\s*\/?>/);
    // The page hides what it would offer until the server says it is on.
    expect(html).toMatch(/<form\s+id="passwordless"[^>]*\shidden\b/);
    expect(html).toMatch(/<section\s+id="passkeys-card"[^>]*\shidden\b/);
  });

  it.each([
    ['/app.js', 'application/javascript; charset=utf-8', 'app.js'],
    [
      '/session-timer.js',
      'application/javascript; charset=utf-8',
      'session-timer.js',
    ],
    ['/styles.css', 'text/css; charset=utf-8', 'styles.css'],
  ])('serves %s from public/ with the page CSP', async (path, type, file) => {
    const response = await fetch(server.url + path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(await response.text()).toBe(
      await readFile(join('public', file), 'utf8'),
    );
  });

  it('serves a sprite per dex number, the unknown sprite past the package (#1000)', async () => {
    const pikachu = await fetch(`${server.url}/sprites/25.png`);
    expect(pikachu.status).toBe(200);
    expect(pikachu.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await pikachu.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes).toEqual(
      await readFile(
        'node_modules/pokesprite-images/pokemon-gen8/regular/pikachu.png',
      ),
    );
    const unknown = await fetch(`${server.url}/sprites/1000.png`);
    expect(unknown.status).toBe(200);
    expect(Buffer.from(await unknown.arrayBuffer())).toEqual(
      await readFile('node_modules/pokesprite-images/pokemon-gen8/unknown.png'),
    );
  });

  it.each([
    ['GET', '/sprites/0.png'],
    ['GET', '/sprites/pikachu.png'],
    ['GET', '/index.html'],
    ['POST', '/'],
    ['GET', '/nothing.js'],
  ])('answers %s %s 404 in the one error shape', async (method, path) => {
    const response = await fetch(server.url + path, { method });
    expect(response.status).toBe(404);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: 404, error: 'NOT_FOUND' });
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
  });

  it.each([
    ['the Swagger UI', '/docs'],
    ['the OpenAPI document', '/docs-json'],
    ['an API route', '/api/v1/pokemons'],
    ['an unknown API path', '/api/v1/nothing-here'],
    ['readiness', '/health'],
  ])('leaves %s (%s) its own CSP', async (_label, path) => {
    const response = await fetch(server.url + path);
    expect(response.headers.get('content-security-policy')).toMatch(
      new RegExp(`^${API_CSP_START}`),
    );
  });
});
