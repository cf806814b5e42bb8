import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { securityHeaders } from '../common/http/security-headers.js';
import { spriteFiles } from './sprites.js';

/**
 * The page's folder: `public/` at the project root when running from src/
 * (tests) or dist-bench/, the copy `npm run build` puts in dist/public (see
 * nest-cli.json) when running the build, which a production install may
 * ship without the rest of the tree. Undefined when there is none.
 */
export const PUBLIC_DIR: string | undefined = ['..', '../..', '../../..']
  .map((up) => join(dirname(fileURLToPath(import.meta.url)), up, 'public'))
  .find((dir) => existsSync(join(dir, 'index.html')));

/** Where the page finds the dev outbox; filled in only in embedded mode. */
const OUTBOX_META = /<meta name="dev-outbox" content="[^"]*"\s*\/?>/;
/** `on` when passkeys and email codes are (AUTH_PASSWORDLESS); empty otherwise. */
const PASSWORDLESS_META = /<meta name="passwordless" content="[^"]*"\s*\/?>/;

/**
 * The page's policy: its own scripts, styles and images only (sprites and
 * data: URLs), no inline script or style, no plugin, no <base>, no framing,
 * forms posting nowhere else.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export interface DemoPageOptions {
  /** Embedded emulator: the page says where confirmation codes go. */
  devOutbox?: string;
  /** AUTH_PASSWORDLESS: the page offers passkeys and email codes. */
  passwordless?: boolean;
}

/**
 * The demo page (README "Demo page"): `public/` at `/`, one route per file
 * (no wildcard, so nothing under /api/v1, /docs or /health is shadowed),
 * and the Pokemon sprites at `/sprites/<dex number>.png`. Its answers carry
 * the page's strict CSP instead of the API's (a child context's onSend
 * runs after the app's own).
 */
export function serveDemoPage(
  fastify: FastifyInstance,
  options: DemoPageOptions = {},
): void {
  const root = PUBLIC_DIR;
  if (root === undefined) {
    new Logger('DemoPage').warn(
      'No public/ folder beside the build: the demo page is not served',
    );
    return;
  }
  const html = readFileSync(join(root, 'index.html'), 'utf8')
    .replace(
      OUTBOX_META,
      `<meta name="dev-outbox" content="${options.devOutbox ?? ''}">`,
    )
    .replace(
      PASSWORDLESS_META,
      `<meta name="passwordless" content="${options.passwordless ? 'on' : ''}">`,
    );
  const headers = securityHeaders({ contentSecurityPolicy: false });
  headers['content-security-policy'] = PAGE_CSP;
  const sprites = spriteFiles();

  void fastify.register(async (page) => {
    page.addHook('onSend', async (_request, reply) => {
      void reply.headers(headers);
    });
    await page.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      index: false,
      globIgnore: ['index.html'],
      decorateReply: false,
    });
    page.get('/', async (_request, reply) => {
      void reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache');
      return html;
    });
    page.get<{ Params: { number: string } }>(
      '/sprites/:number.png',
      async (request, reply) => {
        if (!/^[1-9]\d{0,3}$/.test(request.params.number)) {
          return reply.callNotFound();
        }
        const file = sprites.byNumber.get(Number(request.params.number));
        const body = await readFile(
          file ? join(sprites.root, file) : sprites.unknown,
        );
        void reply
          .type('image/png')
          .header('cache-control', 'public, max-age=86400');
        return body;
      },
    );
  });
}
