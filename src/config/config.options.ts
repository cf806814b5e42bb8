import type { ConfigModuleOptions } from '@nestjs/config';
import { appConfig } from './app.config.js';
import { authConfig } from './auth.config.js';
import { cognitoConfig } from './cognito.config.js';
import { httpConfig } from './http.config.js';
import { rateLimitConfig } from './rate-limit.config.js';
import { storeConfig } from './store.config.js';

/**
 * The namespaces, injectable by their `KEY`. They hand out the configuration
 * loadAppConfig read and checked (environment and `.env`) before the app was
 * built, so ConfigModule reads no file and checks nothing itself.
 */
export const configOptions: ConfigModuleOptions = {
  isGlobal: true,
  cache: true,
  ignoreEnvFile: true,
  load: [
    appConfig,
    cognitoConfig,
    authConfig,
    httpConfig,
    rateLimitConfig,
    storeConfig,
  ],
};
