import { Controller, Get, HttpCode, HttpStatus } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  type SchemaObject,
} from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../auth/decorators/public.decorator.js';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { ReadinessCheck } from './readiness.check.js';

/** What GET /health/live answers. */
export interface LiveResponse {
  status: 'ok';
}

const UP: SchemaObject = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['up'] } },
};

/** Terminus's report when every check is up. */
const READINESS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'info', 'error', 'details'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    info: { type: 'object', additionalProperties: UP },
    error: { type: 'object' },
    details: { type: 'object', additionalProperties: UP },
  },
  example: {
    status: 'ok',
    info: {
      jwks: { status: 'up' },
      cognito: { status: 'up' },
      appClient: { status: 'up' },
    },
    error: {},
    details: {
      jwks: { status: 'up' },
      cognito: { status: 'up' },
      appClient: { status: 'up' },
    },
  },
};

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessCheck) {}

  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary:
      'Readiness: the identity provider answers (checked at most once per HEALTH_CACHE_MS)',
    description:
      'Checks the JWKS endpoint, Cognito and the app client (and, with Redis configured, that Redis takes a write on the app keys and channel under a maxmemory-policy that keeps them), one check at a time, and reuses the outcome for HEALTH_CACHE_MS. 503 names the checks that are down, Redis with its cause.',
  })
  @ApiErrors({
    answers: [
      [
        HttpStatus.SERVICE_UNAVAILABLE,
        'IDP_UNAVAILABLE',
        'Down: jwks, cognito.',
      ],
    ],
  })
  @ApiOkResponse({
    description: 'The identity provider answers: each check is up',
    schema: READINESS_SCHEMA,
  })
  check(): Promise<HealthCheckResult> {
    return this.readiness.check();
  }

  @Get('live')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Liveness: the process serves (no outbound call)',
    description:
      'Answers 200 while the process serves requests; calls nothing outside the process.',
  })
  @ApiOkResponse({
    description: 'The process serves',
    schema: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok'] } },
      example: { status: 'ok' },
    },
  })
  live(): LiveResponse {
    return { status: 'ok' };
  }
}
