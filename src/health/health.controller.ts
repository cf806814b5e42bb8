import { Controller, Get, HttpCode, HttpStatus } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../auth/decorators/public.decorator.js';
import { ErrorResponse } from '../common/errors/error-response.dto.js';
import { ReadinessCheck } from './readiness.check.js';

/** What GET /health/live answers. */
export interface LiveResponse {
  status: 'ok';
}

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
  })
  @ApiOkResponse({ description: 'The identity provider answers' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponse,
    description: 'IDP_UNAVAILABLE',
  })
  check(): Promise<HealthCheckResult> {
    return this.readiness.check();
  }

  @Get('live')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Liveness: the process serves (no outbound call)',
  })
  @ApiOkResponse({ description: '{"status":"ok"}' })
  live(): LiveResponse {
    return { status: 'ok' };
  }
}
