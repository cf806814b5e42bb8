import { RequestMethod, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import fastifyCookie from '@fastify/cookie';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { documentSessionCookies } from './auth/cookies/session-cookies.openapi.js';
import { toErrorBody } from './common/filters/api-exception.filter.js';
import { acceptJsonOnly } from './common/http/json-body.js';
import { securityHeaders } from './common/http/security-headers.js';
import { answerAfterUnreadBody } from './common/http/unread-body.js';
import { answerClientErrors } from './common/http/client-errors.js';
import { refuseForeignHosts } from './common/http/loopback-host.js';
import { noStorePaths } from './common/http/no-store.js';
import { AccessLogController } from './common/logging/access-log.js';
import {
  createLogger,
  lazyChildLogger,
  PinoNestLogger,
} from './common/logging/logger.js';
import { CognitoPool } from './cognito/cognito-pool.js';
import { assertEmulatorCanRun } from './cognito/emulator/emulator-package.js';
import { loadAppConfig } from './config/env.validation.js';
import { serveDemoPage } from './demo/demo-page.js';
import type { HttpConfig } from './config/http.config.js';
import { recordRequests } from './metrics/request-metrics.js';
import { Metrics } from './metrics/metrics.js';
import { setupOpenApi } from './app/openapi-document.js';

export const API_PREFIX = 'api/v1';
/** An incoming X-Request-Id the app keeps as sent (else it makes one). */
export const REQUEST_ID = /^[\w.:-]{1,128}$/;
/** Headers a browser client may read across origins. */
const EXPOSED_HEADERS = ['X-Request-Id', 'X-Total-Count', 'Retry-After'];

/** Keeps a sane incoming X-Request-Id, else makes one. */
export function requestId(request: Pick<IncomingMessage, 'headers'>): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming)
    ? incoming
    : randomUUID();
}

/**
 * TRUST_PROXY as Fastify's trustProxy: a hop count becomes the function
 * Fastify itself makes of a number (trust the last n hops); its types know
 * only the other forms.
 */
function trustedHops(
  trust: HttpConfig['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

const draining = new WeakSet<object>();

/**
 * Before closing: every answer from now on (in-flight ones included) closes
 * its connection, and connections idle now are closed at once. Fastify
 * closes idle connections only when close starts; a keep-alive connection
 * that finishes its request after that would stay open for its keep-alive
 * timeout and hold the shutdown.
 */
export function drainConnections(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  draining.add(fastify);
  fastify.server.closeIdleConnections();
}

export interface CreateAppOptions {
  /** Where log lines go instead of stdout (tests read them). */
  logDestination?: DestinationStream;
  /** A module that imports AppModule and adds to it (the benchmark's twin route). */
  module?: Type<unknown>;
}

/**
 * Builds the app exactly as production runs it (adapter, logging, security
 * headers, CORS, prefix, Swagger); main.ts and every HTTP test go through
 * here. Pipe, filter and guards are registered in AppModule, so they come
 * with it.
 */
export async function createApp(
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  // Read and checked before Nest exists: the adapter needs its limits, and
  // a bad value (or the embedded mode without its emulator) stops here with
  // a ConfigValidationError. The config namespaces (ConfigModule) read the
  // same environment again, each its own part.
  const { app: listen, http, auth, cognito } = loadAppConfig();
  assertEmulatorCanRun(cognito);
  const logger = createLogger(http, options.logDestination);
  const headers = securityHeaders({
    // Swagger UI at /docs loads its own scripts and styles from 'self'.
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'] },
    },
  });
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: new AccessLogController(logger),
    childLoggerFactory: lazyChildLogger,
    genReqId: requestId,
    bodyLimit: http.bodyLimitBytes,
    http: { maxHeaderSize: http.maxHeaderBytes },
    trustProxy: trustedHops(http.trustProxy),
    return503OnClosing: true,
    // What the HTTP server refuses before any route (a head over
    // MAX_HEADER_BYTES, a request too slow to arrive, not HTTP): the same
    // shape, a request id, the security headers.
    clientErrorHandler: answerClientErrors(headers, logger),
    // Errors Fastify answers before any hook or filter (a malformed URL, a
    // path segment over the router's limit): the same shape and request id.
    frameworkErrors: (
      error: FastifyError,
      request: FastifyRequest,
      reply: FastifyReply,
    ) => {
      const body = toErrorBody(error, String(request.id));
      void reply
        .code(body.statusCode)
        .header('x-request-id', request.id)
        .send(body);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    options.module ?? AppModule,
    adapter,
    {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
      // JSON only (see acceptJsonOnly): Nest's form-encoded parser is not
      // added (a cross-site HTML form could post to the API without a CORS
      // preflight).
      bodyParser: false,
    },
  );
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/live', method: RequestMethod.GET },
    ],
  });
  if (http.corsOrigins.length > 0) {
    app.enableCors({
      origin: http.corsOrigins,
      exposedHeaders: EXPOSED_HEADERS,
    });
  }
  if (auth.cookies.enabled) {
    // Cookie mode: reply.setCookie/clearCookie and a parser. `hook: false`:
    // nothing parses the Cookie header of every request; the guard and the
    // session routes parse it when they need it (SessionCookies.read).
    await app.register(fastifyCookie, { hook: false });
  }
  const fastify = app.getHttpAdapter().getInstance();
  // What the guard leaves on a request (the user), present on every request
  // from its start: one object shape for them all, not one more per
  // property added later (which made every later property read on a
  // request polymorphic).
  fastify.decorateRequest('user', undefined);
  // The emulator's published key may be trusted: this machine only (README,
  // "Configuration"), whatever address the server listens on.
  if (listen.loopbackOnly) refuseForeignHosts(fastify);
  acceptJsonOnly(fastify);
  recordRequests(fastify, app.get(Metrics));
  answerAfterUnreadBody(fastify);
  // Answers that carry tokens, codes or secrets are never cached.
  const noStore = noStorePaths([
    `/${API_PREFIX}/auth`,
    `/${API_PREFIX}/dev/outbox`,
  ]);
  // A callback hook that calls done at once: an async one would defer the
  // write past the handler's return, and Nest would then wait for the
  // answer through the reply's `then` (a stream listener per request).
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.headers(headers).header('x-request-id', request.id);
    if (noStore(request.url)) void reply.header('cache-control', 'no-store');
    // Draining for shutdown: answers close their connection, so that
    // keep-alive clients do not hold the server open.
    if (draining.has(fastify)) void reply.header('connection', 'close');
    done(null, payload);
  });
  serveDemoPage(fastify, {
    devOutbox:
      app.get(CognitoPool).mode === 'embedded'
        ? `/${API_PREFIX}/dev/outbox`
        : undefined,
    passwordless: cognito.passwordless,
  });
  setupOpenApi(app, (document) => {
    if (auth.cookies.enabled)
      documentSessionCookies(document, `/${API_PREFIX}`);
  });
  await app.init();
  return app;
}
