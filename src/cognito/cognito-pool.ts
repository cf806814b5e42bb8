import type { CognitoConfig } from '../config/cognito.config.js';
import type { AuthFlow } from '../config/env.validation.js';
import type { EmbeddedCognito } from './emulator/embedded-cognito.js';

/**
 * The user pool the app talks to, resolved once at boot: from the
 * environment (AWS, or an emulator run elsewhere) or from the embedded
 * emulator this process started.
 */
export abstract class CognitoPool {
  abstract readonly mode: 'aws' | 'embedded';
  abstract readonly userPoolId: string;
  abstract readonly clientId: string;
  abstract readonly clientSecret?: string;
  /** Cognito API endpoint; undefined = AWS's regional endpoint. */
  abstract readonly endpoint?: string;
  abstract readonly region: string;
  /** The exact `iss` of the pool's tokens. */
  abstract readonly issuer: string;
  abstract readonly jwksUri: string;
  abstract readonly authFlow: AuthFlow;
  /** Only in embedded mode: where the emulator keeps its data. */
  abstract readonly dataDir?: string;
}

export async function resolvePool(
  config: CognitoConfig,
  embedded: EmbeddedCognito | null,
): Promise<CognitoPool> {
  if (embedded) {
    const pool = await embedded.start();
    return describe({
      mode: 'embedded',
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      endpoint: pool.endpoint,
      authFlow: config.authFlow,
      dataDir: pool.dataDir,
    });
  }
  if (!config.userPoolId || !config.clientId) {
    // validateEnv refuses this; kept as a guard for direct use.
    throw new Error(
      'AWS_COGNITO_USER_POOL_ID and AWS_COGNITO_CLIENT_ID are required.',
    );
  }
  return describe({
    mode: 'aws',
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    endpoint: config.endpoint,
    authority: config.authority,
    authFlow: config.authFlow,
  });
}

function describe(
  input: Omit<CognitoPool, 'region' | 'issuer' | 'jwksUri'> & {
    authority?: string;
  },
): CognitoPool {
  const { authority, ...rest } = input;
  const region = input.userPoolId.split('_')[0];
  const base = (
    input.endpoint ?? `https://cognito-idp.${region}.amazonaws.com`
  ).replace(/\/+$/, '');
  const issuer = (authority ?? `${base}/${input.userPoolId}`).replace(
    /\/+$/,
    '',
  );
  return {
    ...rest,
    region,
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
  };
}
