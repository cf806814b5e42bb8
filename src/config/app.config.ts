import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches } from 'class-validator';
import {
  IsWholeNumber,
  normalizeNodeEnv,
  readEnvironment,
  readNamespace,
  type ConfigNamespace,
  type IdentityFacts,
} from './variables.js';

export class AppVariables {
  /** Matched without regard to case: `Production` is production. */
  @Transform(({ value }: { value: unknown }) => normalizeNodeEnv(value))
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

  /** Prometheus metrics on a listener of their own; unset: none recorded. */
  @IsWholeNumber(0, 65535)
  METRICS_PORT?: number;
}

export interface AppConfig {
  port: number;
  /** Listen address; default 127.0.0.1 when loopbackOnly, else 0.0.0.0. */
  host: string | undefined;
  /**
   * The app may trust the emulator's published key (IdentityFacts.trustsPublishedKey):
   * it listens on loopback only and refuses a request whose Host is not a
   * loopback name or address.
   */
  loopbackOnly: boolean;
  production: boolean;
  /** Where GET /metrics listens (on `host`); undefined: no metrics at all. */
  metricsPort: number | undefined;
}

export const appNamespace: ConfigNamespace<AppVariables, AppConfig> = {
  variables: AppVariables,
  check: (env, _nodeEnv, identity) => listenRules(env, identity),
  parse: (env, _nodeEnv, identity) => ({
    port: env.PORT ?? 3000,
    host: env.HOST,
    production: env.NODE_ENV === 'production',
    metricsPort: env.METRICS_PORT,
    loopbackOnly: identity.trustsPublishedKey,
  }),
};

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
/**
 * Where the app listens. The emulator signs with a published key, so the
 * API that may trust it serves this machine only: a HOST that is not
 * loopback is refused. Metrics have a port of their own, never the API's.
 */
export function listenRules(
  env: AppVariables,
  identity: IdentityFacts,
): string[] {
  const sentences: string[] = [];
  if (
    env.METRICS_PORT !== undefined &&
    env.METRICS_PORT !== 0 &&
    env.METRICS_PORT === (env.PORT ?? 3000)
  ) {
    sentences.push(
      'METRICS_PORT must differ from PORT: metrics are served on a listener of their own, never on the API port.',
    );
  }
  if (env.HOST === undefined || isLoopbackHost(env.HOST)) return sentences;
  if (identity.embedded) {
    sentences.push(
      'HOST must be a loopback address (127.0.0.1, ::1 or localhost) with the embedded Cognito emulator, whose tokens anyone can forge: set AWS_COGNITO_USER_POOL_ID and AWS_COGNITO_CLIENT_ID to serve other machines.',
    );
  } else if (identity.emulatorSetting) {
    sentences.push(
      `HOST must be a loopback address (127.0.0.1, ::1 or localhost) while ${identity.emulatorSetting} is an http URL (an emulator, whose published key anyone can sign with): use https endpoints of real Cognito to serve other machines.`,
    );
  }
  return sentences;
}

export const appConfig = registerAs('app', (): AppConfig =>
  readNamespace(appNamespace, readEnvironment()),
);
