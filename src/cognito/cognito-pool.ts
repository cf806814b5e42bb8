import { isLoopbackHost } from '../config/app.config.js';
import type { CognitoConfig } from '../config/cognito.config.js';
import type { SignInFlow } from '../config/env.validation.js';
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
  /** The primary `iss` of the pool's tokens (the regional issuer on AWS). */
  abstract readonly issuer: string;
  /**
   * Every `iss` accepted, exactly as written (see isAcceptedIssuer): on AWS
   * the regional and global issuers of the pool's region and the regional
   * issuer of each replica region; else the one issuer of the emulator.
   */
  abstract readonly issuers: readonly string[];
  abstract readonly jwksUri: string;
  abstract readonly authFlow: SignInFlow;
  /** Only in embedded mode: where the emulator keeps its data. */
  abstract readonly dataDir?: string;
}

/**
 * Whether the pool is an emulator's (embedded, or at an http:// endpoint):
 * where the app works around what cognito-local does not do as Cognito does.
 */
export function isEmulatedPool(
  pool: Pick<CognitoPool, 'mode' | 'endpoint'>,
): boolean {
  return (
    pool.mode === 'embedded' || (pool.endpoint?.startsWith('http://') ?? false)
  );
}

/**
 * Whether a token's `iss` is one of the pool's: an exact, case-sensitive
 * match of the whole string, so no look-alike host, other scheme, other
 * pool or trailing slash passes.
 */
export function isAcceptedIssuer(
  pool: Pick<CognitoPool, 'issuers'>,
  iss: unknown,
): boolean {
  return typeof iss === 'string' && pool.issuers.includes(iss);
}

/** The issuers AWS puts in a pool's tokens (see README.md, "Bearer tokens"). */
export function awsIssuers(
  userPoolId: string,
  region: string,
  additionalRegions: readonly string[] = [],
): string[] {
  const regional = (r: string): string =>
    `https://cognito-idp.${r}.amazonaws.com/${userPoolId}`;
  return [
    ...new Set([
      regional(region),
      `https://issuer-cognito-idp.${region}.amazonaws.com/${userPoolId}`,
      ...additionalRegions.map(regional),
    ]),
  ];
}

/**
 * An issuer of an emulator on this machine: http, on a loopback address.
 * Only such an issuer may be served the emulator's published key.
 */
export function isLoopbackHttpIssuer(issuer: string): boolean {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return false;
  }
  return (
    url.protocol === 'http:' &&
    isLoopbackHost(url.hostname.replace(/^\[(.*)\]$/, '$1'))
  );
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
    additionalRegions: config.additionalRegions,
    jwksUri: config.jwksUri,
    authFlow: config.authFlow,
  });
}

type PoolInput = Omit<
  CognitoPool,
  'region' | 'issuer' | 'issuers' | 'jwksUri'
> & {
  authority?: string;
  additionalRegions?: readonly string[];
  jwksUri?: string;
};

/**
 * The issuers: AWS_COGNITO_AUTHORITY alone when set; else, with an http
 * endpoint (an emulator run elsewhere, or the embedded one), `<endpoint>/<poolId>`
 * alone; else (no endpoint, or an https one: a FIPS or VPC endpoint of real
 * Cognito, whose tokens name the AWS issuers) the AWS issuers. Keys come from AWS_COGNITO_JWKS_URI, or the
 * primary issuer's `/.well-known/jwks.json`.
 */
function describe(input: PoolInput): CognitoPool {
  const { authority, additionalRegions, jwksUri, ...rest } = input;
  const region = input.userPoolId.split('_')[0];
  const pinned =
    authority ??
    (input.endpoint && isEmulatedPool(input)
      ? `${input.endpoint.replace(/\/+$/, '')}/${input.userPoolId}`
      : undefined);
  const issuers = pinned
    ? [pinned.replace(/\/+$/, '')]
    : awsIssuers(input.userPoolId, region, additionalRegions);
  return {
    ...rest,
    region,
    issuer: issuers[0],
    issuers,
    jwksUri: jwksUri ?? `${issuers[0]}/.well-known/jwks.json`,
  };
}
