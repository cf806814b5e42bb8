import { applyDecorators } from '@nestjs/common';
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

const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

export const AUTH_FLOWS = ['USER_PASSWORD_AUTH', 'USER_SRP_AUTH'] as const;
export type AuthFlow = (typeof AUTH_FLOWS)[number];

/** Thrown when the environment is not usable; its message is one sentence per variable. */
export class ConfigValidationError extends Error {
  override name = 'ConfigValidationError';
}

/** An optional whole number in [min, max], with one sentence for any fault. */
function IsWholeNumber(
  min: number,
  max: number,
  unit?: string,
): PropertyDecorator {
  const what = unit ? `a whole number of ${unit}` : 'a whole number';
  const message = ({ property }: { property: string }): string =>
    `${property} must be ${what} from ${min} to ${max}.`;
  return applyDecorators(
    IsOptional(),
    IsInt({ message }),
    Min(min, { message }),
    Max(max, { message }),
  );
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

  @IsWholeNumber(0, 65535)
  PORT?: number;

  @IsOptional()
  @Matches(/^[\w.:-]{1,255}$/, {
    message: 'HOST must be a host name or IP address, e.g. 0.0.0.0.',
  })
  HOST?: string;

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

  @IsWholeNumber(0, 300, 'seconds')
  JWT_CLOCK_SKEW_SECONDS?: number;

  @IsWholeNumber(100, 60_000, 'milliseconds')
  JWKS_TIMEOUT_MS?: number;

  @IsWholeNumber(0, 3_600_000, 'milliseconds')
  JWKS_REFETCH_COOLDOWN_MS?: number;

  @IsWholeNumber(100, 60_000, 'milliseconds')
  COGNITO_TIMEOUT_MS?: number;

  @IsWholeNumber(0, 5_000, 'milliseconds')
  AUTH_FAILURE_MIN_MS?: number;

  @IsWholeNumber(1_024, 10 * 1024 * 1024, 'bytes')
  BODY_LIMIT_BYTES?: number;

  @IsWholeNumber(1_024, 1024 * 1024, 'bytes')
  MAX_HEADER_BYTES?: number;

  @IsWholeNumber(0, 600_000, 'milliseconds')
  SHUTDOWN_TIMEOUT_MS?: number;

  @IsWholeNumber(1, 1_000_000)
  RATE_LIMIT_IP_PER_MINUTE?: number;

  @IsWholeNumber(1, 1_000_000)
  RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL?: number;

  @IsWholeNumber(1, 1_000_000)
  RATE_LIMIT_REQUESTS_PER_EMAIL?: number;

  @IsWholeNumber(1, 86_400, 'seconds')
  RATE_LIMIT_EMAIL_WINDOW_SECONDS?: number;

  @IsOptional()
  @Matches(/^(https?:\/\/[^\s,]+)(\s*,\s*https?:\/\/[^\s,]+)*$/, {
    message:
      'CORS_ORIGINS must be a comma-separated list of origins, e.g. https://app.example.com,http://localhost:5173.',
  })
  CORS_ORIGINS?: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'TRUST_PROXY must be true or false.' })
  TRUST_PROXY?: string;

  @IsOptional()
  @IsIn(LOG_LEVELS, {
    message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.`,
  })
  LOG_LEVEL?: string;

  @IsOptional()
  @IsIn(['json', 'pretty'], { message: 'LOG_FORMAT must be json or pretty.' })
  LOG_FORMAT?: string;

  @IsOptional()
  @IsString()
  COGNITO_LOCAL_DIR?: string;
}

const NUMERIC: (keyof EnvironmentVariables)[] = [
  'PORT',
  'JWT_CLOCK_SKEW_SECONDS',
  'JWKS_TIMEOUT_MS',
  'JWKS_REFETCH_COOLDOWN_MS',
  'COGNITO_TIMEOUT_MS',
  'AUTH_FAILURE_MIN_MS',
  'BODY_LIMIT_BYTES',
  'MAX_HEADER_BYTES',
  'SHUTDOWN_TIMEOUT_MS',
  'RATE_LIMIT_IP_PER_MINUTE',
  'RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL',
  'RATE_LIMIT_REQUESTS_PER_EMAIL',
  'RATE_LIMIT_EMAIL_WINDOW_SECONDS',
];

/**
 * Checks the environment once, at boot. Returns the raw values (strings)
 * when they are usable; throws one sentence per bad variable otherwise.
 */
export function validateEnv(
  raw: Record<string, unknown>,
): Record<string, unknown> {
  // An empty value counts as unset (a blank line in .env, `FOO= npm start`).
  const typed: Record<string, unknown> = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== ''),
  );
  for (const key of NUMERIC) {
    const value = typed[key];
    if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) {
      typed[key] = Number(value);
    }
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
}
