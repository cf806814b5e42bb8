import { registerAs } from '@nestjs/config';
import {
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
} from 'class-validator';
import { loadedConfig } from './loaded-config.js';
import {
  IsWholeNumber,
  URL_OPTIONS,
  type ConfigNamespace,
} from './variables.js';

export const AUTH_FLOWS = ['USER_PASSWORD_AUTH', 'USER_SRP_AUTH'] as const;
export type AuthFlow = (typeof AUTH_FLOWS)[number];

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
  AWS_COGNITO_AUTH_FLOW?: AuthFlow;

  @IsOptional()
  @IsIn(['true', 'false'], {
    message: 'AWS_COGNITO_REFRESH_ROTATION must be true or false.',
  })
  AWS_COGNITO_REFRESH_ROTATION?: 'true' | 'false';

  @IsWholeNumber(100, 60_000, 'milliseconds')
  COGNITO_TIMEOUT_MS?: number;

  @IsOptional()
  @IsString()
  COGNITO_LOCAL_DIR?: string;

  /** The shell's PATH, passed on to the embedded emulator's process. */
  @IsOptional()
  @IsString()
  PATH?: string;
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
  authFlow: AuthFlow;
  /**
   * The app client rotates refresh tokens: refresh goes through
   * GetTokensFromRefreshToken and answers the new refresh token.
   */
  refreshRotation: boolean;
  /** Longest wait for one Cognito call; past it the route answers 503. */
  timeoutMs: number;
  /** Data folder of the embedded emulator (pool, client, users survive restarts). */
  localDir: string;
  /** PATH of the embedded emulator's process (the app's own). */
  emulatorPath: string | undefined;
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
    for (const name of [
      'AWS_COGNITO_AUTHORITY',
      'AWS_COGNITO_ENDPOINT',
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
    timeoutMs: env.COGNITO_TIMEOUT_MS ?? 5000,
    localDir: env.COGNITO_LOCAL_DIR ?? '.cognito-local',
    emulatorPath: env.PATH,
  }),
};

export const cognitoConfig = registerAs(
  'cognito',
  (): CognitoConfig => loadedConfig().cognito,
);
