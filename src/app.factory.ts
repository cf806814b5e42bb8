import { RequestMethod, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AppModule } from './app.module.js';

export const API_PREFIX = 'api/v1';
const BODY_LIMIT_BYTES = 64 * 1024;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Keeps a sane incoming X-Request-Id, else makes one. */
function requestId(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming)
    ? incoming
    : randomUUID();
}

export interface CreateAppOptions {
  logger?: LogLevel[] | false;
  /** A module that imports AppModule and adds to it (the benchmark's twin route). */
  module?: Type<unknown>;
}

/**
 * Builds the app exactly as production runs it (adapter, prefix, Swagger);
 * main.ts and every HTTP test go through here. Pipe, filter and guards are
 * registered in AppModule, so they come with it.
 */
export async function createApp(
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestId,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    options.module ?? AppModule,
    adapter,
    {
      logger: options.logger,
      abortOnError: false,
      // JSON only: Fastify's own JSON parser stays; Nest's form-encoded parser
      // is not added (a cross-site HTML form could post to the API without a
      // CORS preflight), and the text/plain one is removed below.
      bodyParser: false,
    },
  );
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [{ path: 'health', method: RequestMethod.GET }],
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  setupSwagger(app);
  await app.init();
  return app;
}

function setupSwagger(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('nest-cognito-auth')
    .setDescription(
      'REST API in front of an AWS Cognito user pool: sign-up, login, tokens, passwords, and a protected Pokemon list.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
