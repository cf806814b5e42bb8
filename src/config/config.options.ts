import type { ConfigModuleOptions } from '@nestjs/config';
import { appConfig } from './app.config.js';
import { authConfig } from './auth.config.js';
import { cognitoConfig } from './cognito.config.js';
import { httpConfig } from './http.config.js';
import { rateLimitConfig } from './rate-limit.config.js';
import { storeConfig } from './store.config.js';

/**
 * The namespaces, injectable by their `KEY`. Each factory reads its own
 * part of the environment (and `.env`) through its namespace's rules
 * (readNamespace), so ConfigModule reads no file and checks nothing itself.
 * createApp has checked the whole environment before (loadAppConfig).
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
