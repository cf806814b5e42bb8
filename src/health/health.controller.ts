import {
  Controller,
  Get,
  HttpStatus,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { Public } from '../auth/decorators/public.decorator.js';
import { ApiException } from '../common/errors/api-exception.js';
import { ErrorResponse } from '../common/errors/error-response.dto.js';
import { CognitoHealthIndicator } from './cognito.health.js';
import { JwksHealthIndicator } from './jwks.health.js';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly jwks: JwksHealthIndicator,
    private readonly cognito: CognitoHealthIndicator,
  ) {}

  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ description: 'The identity provider answers' })
  @ApiServiceUnavailableResponse({
    type: ErrorResponse,
    description: 'IDP_UNAVAILABLE',
  })
  async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.jwks.check(),
        () => this.cognito.check(),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      throw new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        'IDP_UNAVAILABLE',
        `Down: ${down.join(', ') || 'unknown'}.`,
      );
    }
  }
}
