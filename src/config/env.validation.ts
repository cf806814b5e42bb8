import { appNamespace, type AppConfig } from './app.config.js';
import { authNamespace, type AuthConfig } from './auth.config.js';
import { cognitoNamespace, type CognitoConfig } from './cognito.config.js';
import { httpNamespace, type HttpConfig } from './http.config.js';
import {
  rateLimitNamespace,
  type RateLimitConfig,
} from './rate-limit.config.js';
import { storeNamespace, type StoreConfig } from './store.config.js';
import {
  checkNamespace,
  ConfigValidationError,
  readEnvironment,
  variableNames,
  withoutEmptyValues,
  type Environment,
} from './variables.js';

export { AUTH_FLOWS, type SignInFlow } from './cognito.config.js';
export { ConfigValidationError, readEnvironment } from './variables.js';

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
 * variable (the variables' own rules first, then the rules across
 * variables). An empty value counts as unset (a blank line in .env,
 * `FOO= npm start`); variables the app does not know are ignored.
 */
export function loadConfig(raw: Environment): Config {
  const env = withoutEmptyValues(raw);
  const app = checkNamespace(appNamespace, env);
  const cognito = checkNamespace(cognitoNamespace, env);
  const auth = checkNamespace(authNamespace, env);
  const http = checkNamespace(httpNamespace, env);
  const rateLimit = checkNamespace(rateLimitNamespace, env);
  const store = checkNamespace(storeNamespace, env);
  const sentences = [
    ...[app, cognito, auth, http, rateLimit, store].flatMap((n) => n.own),
    ...[cognito, http, store, app].flatMap((n) => n.across),
  ];
  if (sentences.length > 0) {
    throw new ConfigValidationError(
      `Invalid configuration: ${sentences.join(' ')}`,
    );
  }
  return {
    app: app.parse(),
    cognito: cognito.parse(),
    auth: auth.parse(),
    http: http.parse(),
    rateLimit: rateLimit.parse(),
    store: store.parse(),
  };
}

/**
 * Reads and checks the environment (and `.env`) for the app about to be
 * built: createApp calls this before Nest starts (the adapter needs its
 * limits first, and a bad value stops the start here). The `registerAs`
 * namespaces read the same environment again, each its own part.
 */
export function loadAppConfig(): Config {
  return loadConfig(readEnvironment());
}
