import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST_POOL, useFastApp } from '../support/fast-app.js';
import { forge, rs256Header } from '../support/forge.js';
import type { Answer } from '../support/http.js';

interface ErrorContent {
  schema?: { allOf?: { properties?: { error?: { enum?: string[] } } }[] };
}
interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  requestBody?: unknown;
  responses: Record<
    string,
    { $ref?: string; content?: Record<string, ErrorContent> }
  >;
}
interface OpenApi {
  info: { license?: { name: string } };
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, unknown> };
}
interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: {
    ruleId: string;
    severity: string;
    message: string;
    location: { pointer: string }[];
  }[];
}

const ROOT = join(import.meta.dirname, '../..');

/** Redocly CLI (the local binary) on the document, with redocly.yaml. */
function redoclyLint(document: OpenApi): LintReport {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-spec-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const lint = spawnSync(
      join(ROOT, 'node_modules/.bin/redocly'),
      ['lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format=json'],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        },
      },
    );
    expect(lint.error).toBeUndefined();
    return JSON.parse(lint.stdout) as LintReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A token the fast app accepts, of a user of its own (so that a logout ends nobody else's session). */
function accessToken(groups: string[] = []): string {
  const sub = randomUUID();
  const now = Math.floor(Date.now() / 1000);
  return forge(rs256Header(), {
    iss: FAST_POOL.issuer,
    sub,
    token_use: 'access',
    client_id: FAST_POOL.clientId,
    username: sub,
    'cognito:groups': groups,
    event_id: randomUUID(),
    jti: randomUUID(),
    auth_time: now,
    iat: now,
    exp: now + 3600,
  });
}

/** Anonymous access allowed: `security: []`, or an empty requirement among them. */
function isPublic(operation: Operation): boolean {
  const security = operation.security ?? [];
  return (
    security.length === 0 ||
    security.some((each) => Object.keys(each).length === 0)
  );
}

describe('the OpenAPI document (/docs-json)', () => {
  // Passkeys and email codes on, so that their routes answer as documented.
  const app = useFastApp({
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    AUTH_PASSWORDLESS: 'true',
  });
  let document: OpenApi;
  let operations: { method: string; path: string; operation: Operation }[];

  beforeAll(async () => {
    document = (await app.http.get<OpenApi>('/docs-json')).body;
    operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path: path.replace(/\{[^}]+\}/g, 'missingno'),
        operation,
      })),
    );
  });

  function send(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    return app.http.raw(method, path, body, {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    });
  }

  it('passes Redocly lint (recommended rules, redocly.yaml) with 0 errors and 0 warnings', () => {
    const report = redoclyLint(document);
    const problems = report.problems.map(
      (problem) =>
        `${problem.severity} ${problem.ruleId} at ${problem.location
          .map((where) => where.pointer)
          .join(', ')}: ${problem.message}`,
    );
    // None hidden by an ignore file either.
    expect({ ...report.totals, problems }).toEqual({
      errors: 0,
      warnings: 0,
      ignored: 0,
      problems: [],
    });
  });

  it('names the license of LICENSE and package.json, and the origin that serves it', () => {
    const pkg = JSON.parse(
      readFileSync(join(ROOT, 'package.json'), 'utf8'),
    ) as { license: string };
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(
      /^MIT License\n\nCopyright \(c\) 2026 nest-cognito-auth contributors\n/,
    );
    expect(document.info.license?.name).toBe('MIT');
    expect(document.servers).toEqual([
      { url: '/', description: 'The origin that serves this document' },
    ]);
  });

  it('documents the passkey routes and the passwordless sign-in with their refusals', () => {
    const errorCodes = (path: string, method: string, status: number) =>
      document.paths[`/api/v1/auth${path}`]?.[method]?.responses[String(status)]
        ?.content?.['application/json']?.schema?.allOf?.[1]?.properties?.error
        ?.enum ?? [];
    for (const [path, method] of [
      ['/passkeys/options', 'post'],
      ['/passkeys', 'post'],
      ['/passkeys/{id}', 'delete'],
    ]) {
      expect(errorCodes(path!, method!, 403)).toContain(
        'REAUTHENTICATION_REQUIRED',
      );
      expect(errorCodes(path!, method!, 404)).toContain('NOT_FOUND');
    }
    expect(errorCodes('/passkeys', 'get', 404)).toContain('NOT_FOUND');
    expect(errorCodes('/login/passwordless', 'post', 429)).toContain(
      'TOO_MANY_REQUESTS',
    );
    expect(errorCodes('/challenge', 'post', 401)).toContain(
      'INVALID_CREDENTIALS',
    );
    expect(
      Object.keys(document.paths['/api/v1/auth/passkeys/{id}'] ?? {}),
    ).toEqual(['delete']);
    expect(
      isPublic(document.paths['/api/v1/auth/login/passwordless']!.post!),
    ).toBe(true);
    expect(isPublic(document.paths['/api/v1/auth/passkeys']!.get!)).toBe(false);
  });

  it('has a summary and a description on every operation', () => {
    const missing = operations
      .filter(({ operation }) => !operation.summary || !operation.description)
      .map(({ operation }) => operation.operationId);
    expect(missing).toEqual([]);
  });

  it('lets in without a token exactly the operations it documents as public', async () => {
    const wrong: string[] = [];
    for (const { method, path, operation } of operations) {
      const answer = await send(
        method,
        path,
        method === 'GET' ? undefined : '{}',
      );
      const refused =
        answer.status === 401 &&
        (answer.body as { error?: string }).error === 'UNAUTHORIZED';
      if (refused === isPublic(operation)) {
        wrong.push(
          `${method} ${path}: documented ${isPublic(operation) ? 'public' : 'guarded'}, answered ${answer.status}`,
        );
      }
    }
    expect(wrong).toEqual([]);
    // Both kinds exist, so the comparison above compared something.
    expect(operations.some(({ operation }) => isPublic(operation))).toBe(true);
    expect(operations.some(({ operation }) => !isPublic(operation))).toBe(true);
  });

  it('documents each error it answers, status and code, on the route that answers it', async () => {
    const undocumented: string[] = [];
    let errors = 0;
    const check = (
      method: string,
      path: string,
      operation: Operation,
      answer: Answer,
    ): void => {
      if (answer.status < 400) return;
      errors++;
      const code = (answer.body as { error?: string }).error;
      const content =
        operation.responses[String(answer.status)]?.content?.[
          'application/json'
        ];
      const codes = content?.schema?.allOf?.[1]?.properties?.error?.enum ?? [];
      if (!code || !codes.includes(code)) {
        undocumented.push(`${method} ${path}: ${answer.status} ${code}`);
      }
    };
    for (const { method, path, operation } of operations) {
      const json = method === 'GET' ? undefined : '{}';
      const token = `Bearer ${accessToken(['admin'])}`;
      check(method, path, operation, await send(method, path, json));
      check(
        method,
        path,
        operation,
        await send(method, path, json, { authorization: token }),
      );
      check(
        method,
        path,
        operation,
        await send(method, path, json, {
          authorization: `Bearer ${accessToken()}`,
        }),
      );
      if (method !== 'GET') {
        for (const [body, type] of [
          ['x', 'text/plain'],
          ['{"email":', 'application/json'],
          [JSON.stringify({ padding: 'x'.repeat(70_000) }), 'application/json'],
        ]) {
          check(
            method,
            path,
            operation,
            await send(method, path, body, {
              authorization: token,
              'content-type': type!,
            }),
          );
        }
      }
    }
    expect(undocumented).toEqual([]);
    expect(errors).toBeGreaterThan(operations.length);
  });

  it('documents the 431 of a request head over MAX_HEADER_BYTES, in the shape the server answers', async () => {
    const response = await fetch(`${app.url}/health/live`, {
      headers: { 'x-padding': 'a'.repeat(20 * 1024) },
    });
    expect(response.status).toBe(431);
    const body = (await response.json()) as Record<string, unknown>;
    const documented = document.components.responses.HeadTooLarge as {
      content: Record<
        string,
        { examples: Record<string, { value: Record<string, unknown> }> }
      >;
    };
    // The example's request id is an example; the rest is what the server says.
    expect(body).toEqual({
      ...documented.content['application/json']!.examples.HEADERS_TOO_LARGE!
        .value,
      requestId: response.headers.get('x-request-id'),
    });
    for (const { operation } of operations) {
      expect(operation.responses['431']).toEqual({
        $ref: '#/components/responses/HeadTooLarge',
      });
    }
  });
});
