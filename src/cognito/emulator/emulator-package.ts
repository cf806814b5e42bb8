import { createRequire } from 'node:module';

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
