import { registerAs } from '@nestjs/config';
import type { AuthFlow } from './env.validation.js';

/**
 * Where the user pool lives. `userPoolId` undefined means "embedded": the app
 * starts cognito-local itself and fills in the ids (see CognitoPool).
 */
export const cognitoConfig = registerAs('cognito', () => ({
  userPoolId: process.env.AWS_COGNITO_USER_POOL_ID || undefined,
  clientId: process.env.AWS_COGNITO_CLIENT_ID || undefined,
  clientSecret: process.env.AWS_COGNITO_CLIENT_SECRET || undefined,
  authority: process.env.AWS_COGNITO_AUTHORITY || undefined,
  endpoint: process.env.AWS_COGNITO_ENDPOINT || undefined,
  authFlow: (process.env.AWS_COGNITO_AUTH_FLOW ||
    'USER_PASSWORD_AUTH') as AuthFlow,
  /** Longest wait for one Cognito call; past it the route answers 503. */
  timeoutMs: Number(process.env.COGNITO_TIMEOUT_MS || 5000),
  /** Data folder of the embedded emulator (pool, client, users survive restarts). */
  localDir: process.env.COGNITO_LOCAL_DIR || '.cognito-local',
}));

export type CognitoConfig = ReturnType<typeof cognitoConfig>;
