import { getDefaultParser } from '@nestjs/config';
import { existsSync, readFileSync } from 'node:fs';
import { appNamespace, listenRules, type AppConfig } from './app.config.js';
import { authNamespace, type AuthConfig } from './auth.config.js';
import { cognitoNamespace, type CognitoConfig } from './cognito.config.js';
import { httpNamespace, type HttpConfig } from './http.config.js';
import { keepConfig } from './loaded-config.js';
import {
  rateLimitNamespace,
  type RateLimitConfig,
} from './rate-limit.config.js';
import { storeNamespace, type StoreConfig } from './store.config.js';
import {
  checkVariables,
  ConfigValidationError,
  variableNames,
  type Environment,
} from './variables.js';

export { AUTH_FLOWS, type SignInFlow } from './cognito.config.js';
export { ConfigValidationError } from './variables.js';

/** The whole configuration, one typed object per namespace. */
export interface Config {
  app: AppConfig;
  cognito: CognitoConfig;
  auth: AuthConfig;
  http: HttpConfig;
  rateLimit: RateLimitConfig;
  store: StoreConfig;
}

/** Every variable the app reads, by namespace, each with its rules. */
export function configVariables(): string[] {
  return [
    appNamespace,
    cognitoNamespace,
    authNamespace,
    httpNamespace,
    rateLimitNamespace,
    storeNamespace,
  ].flatMap((namespace) => variableNames(namespace.variables));
}

/**
 * Checks an environment and maps it to the typed configuration, defaults
 * filled in. Throws a ConfigValidationError with one sentence per bad
 * variable (its own rules first, then the rules across variables). An empty
 * value counts as unset (a blank line in .env, `FOO= npm start`); variables
 * the app does not know are ignored.
 */
export function loadConfig(raw: Environment): Config {
  const env = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== ''),
  );
  const app = checkVariables(appNamespace.variables, env);
  const cognito = checkVariables(cognitoNamespace.variables, env);
  const auth = checkVariables(authNamespace.variables, env);
  const http = checkVariables(httpNamespace.variables, env);
  const rateLimit = checkVariables(rateLimitNamespace.variables, env);
  const store = checkVariables(storeNamespace.variables, env);
  const nodeEnv = app.values.NODE_ENV;
  const embedded = !cognito.values.AWS_COGNITO_USER_POOL_ID;
  const sentences = [
    ...[app, cognito, auth, http, rateLimit, store].flatMap((n) => n.sentences),
    ...(cognitoNamespace.check?.(cognito.values, nodeEnv) ?? []),
    ...(httpNamespace.check?.(http.values, nodeEnv) ?? []),
    ...(storeNamespace.check?.(store.values, nodeEnv) ?? []),
    ...listenRules(app.values, embedded),
  ];
  if (sentences.length > 0) {
    throw new ConfigValidationError(
      `Invalid configuration: ${sentences.join(' ')}`,
    );
  }
  return {
    app: appNamespace.parse(app.values, nodeEnv, embedded),
    cognito: cognitoNamespace.parse(cognito.values, nodeEnv, embedded),
    auth: authNamespace.parse(auth.values, nodeEnv, embedded),
    http: httpNamespace.parse(http.values, nodeEnv, embedded),
    rateLimit: rateLimitNamespace.parse(rateLimit.values, nodeEnv, embedded),
    store: storeNamespace.parse(store.values, nodeEnv, embedded),
  };
}

/**
 * The process environment, over the `.env` file of the working directory
 * (read as @nestjs/config reads it; a variable set in both keeps the
 * process's value). `.env` is not read under test, so that a developer's AWS
 * settings never leak into the tests.
 */
export function readEnvironment(): Environment {
  const env = process.env;
  const file =
    env.NODE_ENV?.toLowerCase() !== 'test' && existsSync('.env')
      ? getDefaultParser()(readFileSync('.env'))
      : {};
  return { ...file, ...env };
}

/**
 * Reads and checks the environment once for the app about to be built, and
 * keeps the result for the `registerAs` factories (createApp calls this
 * before Nest starts: the adapter needs its limits first).
 */
export function loadAppConfig(): Config {
  return keepConfig(loadConfig(readEnvironment()));
}
