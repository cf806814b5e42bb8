import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  validateSync,
} from 'class-validator';

export const AUTH_FLOWS = ['USER_PASSWORD_AUTH', 'USER_SRP_AUTH'] as const;
export type AuthFlow = (typeof AUTH_FLOWS)[number];

/** Thrown when the environment is not usable; its message is one sentence per variable. */
export class ConfigValidationError extends Error {
  override name = 'ConfigValidationError';
}

const URL_OPTIONS = {
  require_tld: false,
  require_protocol: true,
  protocols: ['http', 'https'],
};

/**
 * Every variable the app reads. Values arrive as strings; numbers are
 * converted by class-transformer before they are checked.
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  @IsOptional()
  @IsInt({ message: 'PORT must be a whole number between 0 and 65535.' })
  @Min(0, { message: 'PORT must be a whole number between 0 and 65535.' })
  @Max(65535, { message: 'PORT must be a whole number between 0 and 65535.' })
  PORT?: number;

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
  @IsInt({
    message:
      'JWT_CLOCK_SKEW_SECONDS must be a whole number of seconds from 0 to 300.',
  })
  @Min(0, {
    message:
      'JWT_CLOCK_SKEW_SECONDS must be a whole number of seconds from 0 to 300.',
  })
  @Max(300, {
    message:
      'JWT_CLOCK_SKEW_SECONDS must be a whole number of seconds from 0 to 300.',
  })
  JWT_CLOCK_SKEW_SECONDS?: number;

  @IsOptional()
  @IsString()
  COGNITO_LOCAL_DIR?: string;
}

const NUMERIC: (keyof EnvironmentVariables)[] = [
  'PORT',
  'JWT_CLOCK_SKEW_SECONDS',
];

/**
 * Checks the environment once, at boot. Returns the raw values (strings)
 * when they are usable; throws one sentence per bad variable otherwise.
 */
export function validateEnv(
  raw: Record<string, unknown>,
): Record<string, unknown> {
  const typed: Record<string, unknown> = { ...raw };
  for (const key of NUMERIC) {
    const value = raw[key];
    if (typeof value === 'string' && value.trim() !== '') {
      typed[key] = /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    } else if (value === '') {
      typed[key] = undefined;
    }
  }
  for (const key of Object.keys(typed)) {
    if (key.startsWith('AWS_COGNITO_') && typed[key] === '')
      typed[key] = undefined;
  }
  const env = plainToInstance(EnvironmentVariables, typed);
  const sentences = validateSync(env, { skipMissingProperties: false }).flatMap(
    (error) => Object.values(error.constraints ?? {}).slice(0, 1),
  );
  sentences.push(...crossFieldErrors(env));
  if (sentences.length > 0) {
    throw new ConfigValidationError(
      `Invalid configuration: ${sentences.join(' ')}`,
    );
  }
  return raw;
}

function crossFieldErrors(env: EnvironmentVariables): string[] {
  const errors: string[] = [];
  const production = env.NODE_ENV === 'production';
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
  if (
    production &&
    env.AWS_COGNITO_AUTHORITY &&
    !env.AWS_COGNITO_AUTHORITY.startsWith('https://')
  ) {
    errors.push(
      'AWS_COGNITO_AUTHORITY must be an https URL when NODE_ENV=production.',
    );
  }
  if (
    production &&
    env.AWS_COGNITO_ENDPOINT &&
    !env.AWS_COGNITO_ENDPOINT.startsWith('https://')
  ) {
    errors.push(
      'AWS_COGNITO_ENDPOINT must be an https URL when NODE_ENV=production.',
    );
  }
  return errors;
}
