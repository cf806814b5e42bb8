import {
  ConfigValidationError,
  loadConfig,
} from '../../config/env.validation.js';
import { assertEmulatorCanRun } from './emulator-package.js';

const AWS = {
  AWS_COGNITO_USER_POOL_ID: 'us-east-1_AbCdEf123',
  AWS_COGNITO_CLIENT_ID: 'client1',
};

const missing = (): boolean => false;

/** The message the check throws, or undefined when the app may start. */
function refusal(raw: Record<string, unknown>): string | undefined {
  try {
    assertEmulatorCanRun(loadConfig(raw).cognito, missing);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as Error).message;
  }
}

describe('without cognito-local installed (a production install)', () => {
  it('stops the embedded mode with one sentence saying what to set', () => {
    expect(refusal({})).toBe(
      'Invalid configuration: AWS_COGNITO_USER_POOL_ID and AWS_COGNITO_CLIENT_ID must be set: the embedded Cognito emulator (cognito-local, a development dependency) is not installed.',
    );
  });

  it('runs with a real pool', () => {
    expect(refusal(AWS)).toBeUndefined();
    expect(loadConfig(AWS).cognito.userPoolId).toBe(
      AWS.AWS_COGNITO_USER_POOL_ID,
    );
  });
});

describe('with cognito-local installed (this checkout)', () => {
  it('lets the embedded mode start', () => {
    expect(() => assertEmulatorCanRun(loadConfig({}).cognito)).not.toThrow();
  });
});
