import { createRequire } from 'node:module';
import type { CognitoConfig } from '../../config/cognito.config.js';
import { ConfigValidationError } from '../../config/variables.js';

/** The npm package of the embedded emulator (a development dependency). */
export const EMULATOR_PACKAGE = 'cognito-local';

const require = createRequire(import.meta.url);

/**
 * Whether cognito-local can be loaded. Only its package.json is resolved:
 * the emulator itself is loaded by its child process
 * (cognito-local.child.cjs), never by the app. A production install
 * (`npm ci --omit=dev`) leaves it out.
 */
export function emulatorInstalled(): boolean {
  try {
    require.resolve(`${EMULATOR_PACKAGE}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/**
 * The configuration says "embedded" (no user pool set); the emulator says
 * whether it can run. Throws the sentence the operator sees when
 * cognito-local is missing (a production install), before anything starts.
 */
export function assertEmulatorCanRun(
  config: Pick<CognitoConfig, 'userPoolId'>,
  installed: () => boolean = emulatorInstalled,
): void {
  if (config.userPoolId || installed()) return;
  throw new ConfigValidationError(
    `Invalid configuration: AWS_COGNITO_USER_POOL_ID and AWS_COGNITO_CLIENT_ID must be set: the embedded Cognito emulator (${EMULATOR_PACKAGE}, a development dependency) is not installed.`,
  );
}
