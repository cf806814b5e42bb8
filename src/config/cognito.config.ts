import { registerAs } from '@nestjs/config';
import {
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
} from 'class-validator';
import {
  IsWholeNumber,
  readEnvironment,
  readNamespace,
  URL_OPTIONS,
  type ConfigNamespace,
} from './variables.js';

/** An AWS region name: `us-east-1`, `eu-west-1`, `us-gov-west-1`, `ap-southeast-2`. */
const REGION = '[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2}';
const REGION_LIST = new RegExp(`^\\s*${REGION}(?:\\s*,\\s*${REGION})*\\s*$`);

export const AUTH_FLOWS = ['USER_PASSWORD_AUTH', 'USER_SRP_AUTH'] as const;
export type SignInFlow = (typeof AUTH_FLOWS)[number];

export class CognitoVariables {
  @IsOptional()
  @Matches(/^[\w-]+_[0-9a-zA-Z]+$/, {
    message:
      'AWS_COGNITO_USER_POOL_ID must look like <region>_<id>, e.g. us-east-1_AbCdEf123.',
  })
  AWS_COGNITO_USER_POOL_ID?: string;

  @IsOptional()
  @Matches(/^[\w+]{1,128}$/, {
    message:
      'AWS_COGNITO_CLIENT_ID must be an app client id (letters and digits).',
  })
  AWS_COGNITO_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128, {
    message:
      'AWS_COGNITO_CLIENT_SECRET is longer than an app client secret can be.',
  })
  AWS_COGNITO_CLIENT_SECRET?: string;

  @IsOptional()
  @IsUrl(URL_OPTIONS, {
    message:
      'AWS_COGNITO_AUTHORITY must be a URL, e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123.',
  })
  AWS_COGNITO_AUTHORITY?: string;

  @IsOptional()
  @IsUrl(URL_OPTIONS, {
    message: 'AWS_COGNITO_ENDPOINT must be a URL, e.g. http://127.0.0.1:9229.',
  })
  AWS_COGNITO_ENDPOINT?: string;

  @IsOptional()
  @IsIn(AUTH_FLOWS, {
    message: `AWS_COGNITO_AUTH_FLOW must be one of ${AUTH_FLOWS.join(', ')}.`,
  })
  AWS_COGNITO_AUTH_FLOW?: SignInFlow;

  @IsOptional()
  @IsIn(['true', 'false'], {
    message: 'AWS_COGNITO_REFRESH_ROTATION must be true or false.',
  })
  AWS_COGNITO_REFRESH_ROTATION?: 'true' | 'false';

  @IsOptional()
  @IsIn(['true', 'false'], {
    message: 'AUTH_PASSWORDLESS must be true or false.',
  })
  AUTH_PASSWORDLESS?: 'true' | 'false';

  @IsWholeNumber(100, 60_000, 'milliseconds')
  COGNITO_TIMEOUT_MS?: number;

  @IsOptional()
  @IsString()
  COGNITO_LOCAL_DIR?: string;

  /** The shell's PATH, passed on to the embedded emulator's process. */
  @IsOptional()
  @IsString()
  PATH?: string;

  // Issuers and keys of a real pool (see CognitoPool.issuers).

  @IsOptional()
  @Matches(REGION_LIST, {
    message:
      'AWS_COGNITO_ADDITIONAL_REGIONS must be a comma-separated list of AWS regions, e.g. eu-west-1,ap-southeast-2.',
  })
  AWS_COGNITO_ADDITIONAL_REGIONS?: string;

  @IsOptional()
  @IsUrl(URL_OPTIONS, {
    message:
      'AWS_COGNITO_JWKS_URI must be a URL, e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json.',
  })
  AWS_COGNITO_JWKS_URI?: string;
}

/**
 * Where the user pool lives. `userPoolId` undefined means "embedded": the app
 * starts cognito-local itself and fills in the ids (see CognitoPool).
 */
export interface CognitoConfig {
  userPoolId: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  authority: string | undefined;
  endpoint: string | undefined;
  authFlow: SignInFlow;
  /**
   * The app client rotates refresh tokens: refresh goes through
   * GetTokensFromRefreshToken and answers the new refresh token.
   */
  refreshRotation: boolean;
  /**
   * Passkeys and email codes (Cognito's USER_AUTH flow; the pool needs the
   * Essentials plan, the app client ALLOW_USER_AUTH): off, their routes
   * answer 404. Default: on with the embedded emulator, off with a pool.
   */
  passwordless: boolean;
  /** Longest wait for one Cognito call; past it the route answers 503. */
  timeoutMs: number;
  /** Data folder of the embedded emulator (pool, client, users survive restarts). */
  localDir: string;
  /** PATH of the embedded emulator's process (the app's own). */
  emulatorPath: string | undefined;
  /** Regions the pool is replicated to: their regional issuers are accepted too. */
  additionalRegions: string[];
  /** Where the signing keys come from; undefined: the primary issuer's JWKS. */
  jwksUri: string | undefined;
}

export const cognitoNamespace: ConfigNamespace<
  CognitoVariables,
  CognitoConfig
> = {
  variables: CognitoVariables,
  check: (env, nodeEnv) => {
    const errors: string[] = [];
    const production = nodeEnv === 'production';
    if (env.AWS_COGNITO_USER_POOL_ID && !env.AWS_COGNITO_CLIENT_ID) {
      errors.push(
        'AWS_COGNITO_CLIENT_ID is required when AWS_COGNITO_USER_POOL_ID is set.',
      );
    }
    if (!env.AWS_COGNITO_USER_POOL_ID && env.AWS_COGNITO_CLIENT_ID) {
      errors.push(
        'AWS_COGNITO_USER_POOL_ID is required when AWS_COGNITO_CLIENT_ID is set.',
      );
    }
    if (production && !env.AWS_COGNITO_USER_POOL_ID) {
      errors.push(
        'AWS_COGNITO_USER_POOL_ID is required when NODE_ENV=production: the embedded Cognito emulator signs tokens with a published key and must never run in production.',
      );
    }
    errors.push(...issuerRules(env));
    for (const name of [
      'AWS_COGNITO_AUTHORITY',
      'AWS_COGNITO_ENDPOINT',
      'AWS_COGNITO_JWKS_URI',
    ] as const) {
      const url = env[name];
      if (production && url && !url.startsWith('https://')) {
        errors.push(`${name} must be an https URL when NODE_ENV=production.`);
      }
    }
    return errors;
  },
  parse: (env) => ({
    userPoolId: env.AWS_COGNITO_USER_POOL_ID,
    clientId: env.AWS_COGNITO_CLIENT_ID,
    clientSecret: env.AWS_COGNITO_CLIENT_SECRET,
    authority: env.AWS_COGNITO_AUTHORITY,
    endpoint: env.AWS_COGNITO_ENDPOINT,
    authFlow: env.AWS_COGNITO_AUTH_FLOW ?? 'USER_PASSWORD_AUTH',
    refreshRotation: env.AWS_COGNITO_REFRESH_ROTATION === 'true',
    passwordless: env.AUTH_PASSWORDLESS
      ? env.AUTH_PASSWORDLESS === 'true'
      : !env.AWS_COGNITO_USER_POOL_ID,
    timeoutMs: env.COGNITO_TIMEOUT_MS ?? 5000,
    localDir: env.COGNITO_LOCAL_DIR ?? '.cognito-local',
    emulatorPath: env.PATH,
    additionalRegions: regionList(env.AWS_COGNITO_ADDITIONAL_REGIONS),
    jwksUri: env.AWS_COGNITO_JWKS_URI,
  }),
};

function regionList(value: string | undefined): string[] {
  const regions = (value ?? '').split(',').map((region) => region.trim());
  return [...new Set(regions.filter((region) => region !== ''))];
}

/**
 * Extra regions only name AWS issuers: an AUTHORITY or an ENDPOINT pins one
 * issuer. (Whether the embedded emulator can run is the emulator's to say:
 * src/cognito/emulator/emulator-package.ts.)
 */
function issuerRules(env: CognitoVariables): string[] {
  if (
    env.AWS_COGNITO_ADDITIONAL_REGIONS &&
    (env.AWS_COGNITO_AUTHORITY ||
      (env.AWS_COGNITO_ENDPOINT &&
        !env.AWS_COGNITO_ENDPOINT.toLowerCase().startsWith('https://')))
  ) {
    return [
      'AWS_COGNITO_ADDITIONAL_REGIONS applies to AWS issuers only: unset it, or unset AWS_COGNITO_AUTHORITY and AWS_COGNITO_ENDPOINT (each pins one issuer).',
    ];
  }
  return [];
}

export const cognitoConfig = registerAs('cognito', (): CognitoConfig =>
  readNamespace(cognitoNamespace, readEnvironment()),
);
