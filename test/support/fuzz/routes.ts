import fc from 'fast-check';
import { PASSWORD } from '../users.js';
import type { Fields } from './bodies.js';
import {
  STRONG_PASSWORD,
  codes,
  emails,
  newPasswords,
  opaqueTokens,
} from './fields.js';
import { anyString } from './text.js';
import type { Context } from './tokens.js';

/**
 * The route table of the fuzz, read from the running app's OpenAPI document
 * (/docs-json): every operation with its method, path, whether it needs a
 * bearer token, its body fields and its query keys. A route added to the app
 * is fuzzed without a change here (its fields as `anyString` until they get
 * a generator of their own in FIELD_VALUES).
 */
export interface Route {
  method: string;
  /** OpenAPI form: `/api/v1/pokemons/{idOrName}`. */
  path: string;
  guarded: boolean;
  /** The JSON body's field names (none: no body). */
  fields: string[];
  query: string[];
  /** Path parameter names, in order. */
  params: string[];
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        security?: unknown[];
        parameters?: { in: string; name: string }[];
        requestBody?: {
          content?: Record<string, { schema?: { $ref?: string } }>;
        };
      }
    >
  >;
  components?: {
    schemas?: Record<string, { properties?: Record<string, unknown> }>;
  };
}

export async function routeTable(baseUrl: string): Promise<Route[]> {
  const response = await fetch(`${baseUrl}/docs-json`);
  expect(response.status).toBe(200);
  const document = (await response.json()) as OpenApiDocument;
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const ref =
        operation.requestBody?.content?.['application/json']?.schema?.$ref;
      const schema = ref
        ? document.components?.schemas?.[ref.split('/').pop()!]
        : undefined;
      const parameters = operation.parameters ?? [];
      routes.push({
        method: method.toUpperCase(),
        path,
        guarded: (operation.security ?? []).length > 0,
        fields: Object.keys(schema?.properties ?? {}),
        query: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
      });
    }
  }
  expect(routes.length).toBeGreaterThan(0);
  return routes;
}

/** Good-ish values of a body field, by name. */
function fieldValues(context: Context): Record<string, fc.Arbitrary<unknown>> {
  const tokens = opaqueTokens(context.tokens.refreshToken);
  return {
    email: emails(context.email),
    name: fc.oneof(
      fc.constantFrom('Ash', 'Ash Ketchum', 'x'.repeat(256), 'x'.repeat(257)),
      anyString,
    ),
    password: fc.oneof(
      fc.constantFrom(
        PASSWORD,
        STRONG_PASSWORD,
        'x'.repeat(256),
        'x'.repeat(257),
      ),
      anyString,
    ),
    newPassword: newPasswords,
    // Never the fuzz user's password as currentPassword: the fuzz must not
    // change it (login may use it, and succeed).
    currentPassword: fc.oneof(fc.constant(STRONG_PASSWORD), anyString),
    code: codes,
    confirmationCode: codes,
    challenge: fc.oneof(
      fc.constantFrom(
        'NEW_PASSWORD_REQUIRED',
        'SOFTWARE_TOKEN_MFA',
        'SMS_MFA',
        'new_password_required',
      ),
      anyString,
    ),
    session: tokens,
    refreshToken: tokens,
    username: fc.oneof(fc.uuid(), anyString),
  };
}

/** The body fields of a route, each with its generator. */
export function fieldsOf(route: Route, context: Context): Fields {
  const values = fieldValues(context);
  return Object.fromEntries(
    route.fields.map((name) => [name, values[name] ?? anyString]),
  );
}

/** A path of the route with `{param}`s filled in. */
export function fill(route: Route, params: string[]): string {
  let i = 0;
  return route.path.replace(/\{[^}]+\}/g, () => params[i++] ?? '');
}

/** The route's path with example parameters (`/api/v1/pokemons/25`). */
export function examplePath(route: Route): string {
  return fill(
    route,
    route.params.map(() => '25'),
  );
}
