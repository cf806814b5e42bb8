import type { ConfigModuleOptions } from '@nestjs/config';
import { appConfig } from './app.config.js';
import { authConfig } from './auth.config.js';
import { cognitoConfig } from './cognito.config.js';
import { httpConfig } from './http.config.js';
import { rateLimitConfig } from './rate-limit.config.js';
import { validateEnv } from './env.validation.js';

/**
 * One validated configuration for the whole app. `.env` is read, except
 * under test, so that a developer's AWS settings never leak into the tests.
 */
export const configOptions: ConfigModuleOptions = {
  isGlobal: true,
  cache: true,
  ignoreEnvFile: process.env.NODE_ENV === 'test',
  envFilePath: '.env',
  load: [appConfig, cognitoConfig, authConfig, httpConfig, rateLimitConfig],
  validate: validateEnv,
};
