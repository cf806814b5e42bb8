import type { INestApplication } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type SecurityRequirementObject,
} from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { ErrorResponse } from '../common/errors/error-response.dto.js';
import {
  answersOf,
  errorResponses,
  HEAD_TOO_LARGE_RESPONSE,
  HEADER_TOO_LARGE,
} from './error-responses.js';
import { routeFacts, type RouteFacts } from './route-facts.js';

/** The project's license, as package.json (and LICENSE) state it. */
function license(): string {
  const pkg = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { license: string };
  return pkg.license;
}

const TAGS: [string, string][] = [
  ['auth', 'Sign-up, login and its challenges, tokens, passwords'],
  ['account', "The signed-in user's own account"],
  ['mfa', 'Two-factor login with an authenticator app (TOTP)'],
  ['passkeys', "The user's passkeys (Cognito's WebAuthn credentials)"],
  ['admin', 'Users of the pool, for members of the `admin` group'],
  ['pokemon', 'The protected Pokemon list'],
  ['operations', 'Readiness and liveness probes'],
  ['dev', "The embedded emulator's outbox (embedded mode only)"],
];

/** Bearer scheme name (Swagger's default for addBearerAuth). */
const BEARER: SecurityRequirementObject = { bearer: [] };

/**
 * The OpenAPI document of the app, served at /docs-json. Nest's scanner
 * gives paths, DTO schemas and success responses; then each operation gets
 * from the route's own metadata (see route-facts.ts) what no decorator has
 * to repeat: its security (`[]` on @Public() routes, as JwtAuthGuard reads
 * them; anonymous allowed first where a public route also reads a bearer
 * token) and every error response in the error shape, with its codes.
 *
 * The one server is `/`, relative: the origin that serves this document.
 * The app cannot know its public origin (HOST may be 0.0.0.0, and behind a
 * proxy or a tunnel clients reach another host and port), so Swagger UI and
 * any client resolve it against where they fetched /docs-json.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('nest-cognito-auth')
    .setDescription(
      'REST API in front of an AWS Cognito user pool: sign-up, login, tokens, passwords, TOTP, and a protected Pokemon list. Every error answers `{statusCode, error, message, requestId}` with `error` a stable code.',
    )
    .setVersion('1')
    .setLicense(license(), 'https://spdx.org/licenses/MIT.html')
    .addServer('/', 'The origin that serves this document')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'A Cognito access token or ID token of this pool and app client',
    });
  for (const [name, description] of TAGS) builder.addTag(name, description);
  // The error shape is referenced only by the responses added below.
  const document = SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ErrorResponse],
  });
  const facts = routeFacts(app.get(ModulesContainer), app.get(Reflector));
  finishDocument(document, facts);
  return document;
}

function finishDocument(
  document: OpenAPIObject,
  facts: Map<string, RouteFacts>,
): void {
  document.components = {
    ...document.components,
    responses: { HeadTooLarge: HEAD_TOO_LARGE_RESPONSE },
  };
  for (const operations of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(operations) as [
      string,
      OperationObject,
    ][]) {
      const route = facts.get(operation.operationId ?? '');
      if (!route) {
        throw new Error(
          `No route facts for operation ${operation.operationId}`,
        );
      }
      operation.security = securityOf(route, operation.security);
      const successes = Object.fromEntries(
        Object.entries(operation.responses).filter(
          ([status]) => Number(status) < 400,
        ),
      );
      operation.responses = {
        ...successes,
        ...errorResponses(answersOf(route, method)),
        '431': { $ref: HEADER_TOO_LARGE },
      };
    }
  }
}

/**
 * Guarded: what the decorators declared, else the bearer token. Public:
 * none, or (a public route that also reads a token it was given, like
 * refresh) anonymous first, then what it declared.
 */
function securityOf(
  route: RouteFacts,
  declared: SecurityRequirementObject[] | undefined,
): SecurityRequirementObject[] {
  const schemes = (declared ?? []).filter((s) => Object.keys(s).length > 0);
  if (!route.isPublic) return schemes.length > 0 ? schemes : [BEARER];
  return schemes.length > 0 ? [{}, ...schemes] : [];
}

/**
 * Swagger UI at /docs, the document at /docs-json; `extend` adds what only
 * the running configuration knows (the cookie scheme of cookie mode).
 */
export function setupOpenApi(
  app: INestApplication,
  extend: (document: OpenAPIObject) => void = () => undefined,
): void {
  const document = createOpenApiDocument(app);
  extend(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
