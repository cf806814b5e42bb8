import type { Config } from './env.validation.js';

let current: Config | undefined;

/** Keeps the configuration the next app is built with (see loadAppConfig). */
export function keepConfig(config: Config): Config {
  current = config;
  return config;
}

/**
 * The configuration of the app being built: the `registerAs` factories hand
 * out its parts, so that the environment is read and checked once.
 */
export function loadedConfig(): Config {
  if (!current) {
    throw new Error(
      'The configuration is not loaded: build the app with createApp (src/app.factory.ts), which reads and checks the environment first.',
    );
  }
  return current;
}
