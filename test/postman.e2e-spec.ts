import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, type TestApp } from './support/app.js';

interface PostmanRequest {
  name: string;
  event?: { listen: string; script: { exec: string[] } }[];
  request: {
    method: string;
    url: { path: string[] };
    body?: { raw: string };
  };
}

interface Schema {
  properties?: Record<string, unknown>;
  required?: string[];
  $ref?: string;
}

interface Operation {
  requestBody?: { content: { 'application/json': { schema: Schema } } };
}

const collection = JSON.parse(
  readFileSync(
    join(
      import.meta.dirname,
      '..',
      'postman',
      'nest-cognito-auth.postman_collection.json',
    ),
    'utf8',
  ),
) as { item: { item: PostmanRequest[] }[] };
const requests = collection.item.flatMap((folder) => folder.item);

/** `/api/v1/pokemons/{idOrName}` -> a pattern that takes any one segment for the parameter. */
function pathPattern(path: string): RegExp {
  const escaped = path
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{[^/]+\}/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

const pathOf = (request: PostmanRequest): string =>
  `/${request.request.url.path.join('/')}`;

/**
 * The Postman collection users import, kept in step with the OpenAPI
 * document (test/newman.e2e-spec.ts runs it).
 */
describe('the Postman collection (postman/)', () => {
  let server: TestApp;
  let operations: { method: string; path: string; operation: Operation }[];
  let schemas: Record<string, Schema>;

  beforeAll(async () => {
    server = await startApp();
    const document = (await (
      await fetch(`${server.url}/docs-json`)
    ).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, Schema> };
    };
    schemas = document.components.schemas;
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        operation,
      })),
    );
  });

  afterAll(async () => {
    await server.close();
  });

  it('has a request for every route of the OpenAPI document', () => {
    const missing = operations
      .filter(
        ({ method, path }) =>
          !requests.some(
            (request) =>
              request.request.method === method &&
              pathPattern(path).test(pathOf(request)),
          ),
      )
      .map(({ method, path }) => `${method} ${path}`);
    expect(missing).toEqual([]);
  });

  it('has no request for a route the API does not have', () => {
    const unknown = requests
      .filter(
        (request) =>
          !operations.some(
            ({ method, path }) =>
              request.request.method === method &&
              pathPattern(path).test(pathOf(request)),
          ),
      )
      .map((request) => request.name);
    expect(unknown).toEqual([]);
  });

  it('tests the status and the body of every request', () => {
    const untested = requests
      .filter((request) => {
        const tests = (request.event ?? [])
          .filter((event) => event.listen === 'test')
          .flatMap((event) => event.script.exec)
          .join('\n');
        const status = tests.includes('pm.response.to.have.status(');
        const body =
          tests.includes('pm.response.to.have.jsonSchema(') ||
          tests.includes("pm.expect(pm.response.text()).to.equal('')");
        return !status || !body;
      })
      .map((request) => request.name);
    expect(untested).toEqual([]);
  });

  it('sends only the fields each route takes, and all the ones it requires', () => {
    const problems: string[] = [];
    for (const request of requests) {
      const match = operations.find(
        ({ method, path }) =>
          request.request.method === method &&
          pathPattern(path).test(pathOf(request)),
      );
      const ref =
        match?.operation.requestBody?.content['application/json'].schema.$ref;
      if (!ref) {
        if (request.request.body)
          problems.push(`${request.name}: a body the route does not take`);
        continue;
      }
      const schema = schemas[ref.split('/').pop()!];
      const fields = Object.keys(
        JSON.parse(request.request.body?.raw ?? '{}') as object,
      );
      for (const field of fields) {
        if (!schema.properties?.[field])
          problems.push(`${request.name}: unknown field ${field}`);
      }
      for (const field of schema.required ?? []) {
        if (!fields.includes(field))
          problems.push(`${request.name}: missing ${field}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
