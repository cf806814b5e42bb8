import { registerAs } from '@nestjs/config';
import { IsOptional, IsString, Matches } from 'class-validator';
import { loadedConfig } from './loaded-config.js';
import { IsWholeNumber, type ConfigNamespace } from './variables.js';

export class AppVariables {
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
  /** Listen address; default 127.0.0.1 with the embedded emulator, else 0.0.0.0. */
  host: string | undefined;
  production: boolean;
}

export const appNamespace: ConfigNamespace<AppVariables, AppConfig> = {
  variables: AppVariables,
  parse: (env) => ({
    port: env.PORT ?? 3000,
    host: env.HOST,
    production: env.NODE_ENV === 'production',
  }),
};

export const appConfig = registerAs('app', (): AppConfig => loadedConfig().app);
