import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches } from 'class-validator';
import { loadedConfig } from './loaded-config.js';
import { IsWholeNumber, type ConfigNamespace } from './variables.js';

export class AppVariables {
  /** Matched without regard to case: `Production` is production. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
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
}

export interface AppConfig {
  port: number;
  /** Listen address; default 127.0.0.1 when loopbackOnly, else 0.0.0.0. */
  host: string | undefined;
  /**
   * The app may trust the emulator's published key (see trustsPublishedKey):
   * it listens on loopback only and refuses a request whose Host is not a
   * loopback name or address.
   */
  loopbackOnly: boolean;
  production: boolean;
}

export const appNamespace: ConfigNamespace<AppVariables, AppConfig> = {
  variables: AppVariables,
  parse: (env) => ({
    port: env.PORT ?? 3000,
    host: env.HOST,
    production: env.NODE_ENV === 'production',
    // Set by loadConfig, which knows the Cognito settings.
    loopbackOnly: false,
  }),
};

/** The Cognito settings that decide whether the published key may be trusted. */
export interface PoolSettings {
  AWS_COGNITO_ENDPOINT?: string;
  AWS_COGNITO_AUTHORITY?: string;
}

/**
 * Whether the app may trust the emulator's published signing key, which
 * anyone can sign with: in embedded mode, and with an emulator run
 * elsewhere (an http endpoint or authority). An https endpoint is a FIPS or
 * VPC endpoint of real Cognito, not an emulator.
 */
export function trustsPublishedKey(
  pool: PoolSettings,
  embedded: boolean,
): boolean {
  return (
    embedded ||
    isHttpUrl(pool.AWS_COGNITO_ENDPOINT) ||
    isHttpUrl(pool.AWS_COGNITO_AUTHORITY)
  );
}

function isHttpUrl(url: string | undefined): boolean {
  return url?.trim().toLowerCase().startsWith('http://') ?? false;
}

/** 127.0.0.0/8 (also IPv4-mapped, ::ffff:127.x.y.z), ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  if (name === 'localhost' || name === '::1') return true;
  const ipv4 = name.replace(/^::ffff:/, '');
  const parts = ipv4.split('.');
  return (
    parts.length === 4 &&
    parts[0] === '127' &&
    parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)
  );
}

/**
 * The emulator signs with a published key, so the API that may trust it
 * serves this machine only: a HOST that is not loopback is refused.
 */
export function listenRules(
  env: AppVariables,
  pool: PoolSettings,
  embedded: boolean,
): string[] {
  if (env.HOST === undefined || isLoopbackHost(env.HOST)) return [];
  if (embedded) {
    return [
      'HOST must be a loopback address (127.0.0.1, ::1 or localhost) with the embedded Cognito emulator, whose tokens anyone can forge: set AWS_COGNITO_USER_POOL_ID and AWS_COGNITO_CLIENT_ID to serve other machines.',
    ];
  }
  if (!trustsPublishedKey(pool, embedded)) return [];
  const name = isHttpUrl(pool.AWS_COGNITO_ENDPOINT)
    ? 'AWS_COGNITO_ENDPOINT'
    : 'AWS_COGNITO_AUTHORITY';
  return [
    `HOST must be a loopback address (127.0.0.1, ::1 or localhost) while ${name} is an http URL (an emulator, whose published key anyone can sign with): use https endpoints of real Cognito to serve other machines.`,
  ];
}

export const appConfig = registerAs('app', (): AppConfig => loadedConfig().app);
