import { Controller, Get, Header, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { serve } from './protocol.js';

/**
 * (e) NestJS on Fastify and nothing else: one controller returning the
 * guarded route's exact bytes, held in memory. No guard, no validation, no
 * logging, no security headers: the floor the app's Nest stack stands on.
 */
const body = readFileSync(process.argv[2]);

@Controller('api/v1/pokemons')
class PageController {
  @Get()
  @Header('content-type', 'application/json; charset=utf-8')
  page(): Buffer {
    return body;
  }
}

@Module({ controllers: [PageController] })
class PageModule {}

const app = await NestFactory.create<NestFastifyApplication>(
  PageModule,
  new FastifyAdapter(),
  { logger: false },
);
await app.listen({ port: 0, host: '127.0.0.1' });
serve(app.getHttpServer());
