import { registerAs } from '@nestjs/config';
import { IsOptional, IsUrl } from 'class-validator';
import {
  IsWholeNumber,
  readEnvironment,
  readNamespace,
  type ConfigNamespace,
} from './variables.js';

export class StoreVariables {
  @IsOptional()
  @IsUrl(
    {
      require_tld: false,
      require_protocol: true,
      require_host: true,
      protocols: ['redis', 'rediss'],
    },
    {
      message:
        'REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379.',
    },
  )
  REDIS_URL?: string;

  @IsWholeNumber(1, 60_000, 'milliseconds')
  REDIS_TIMEOUT_MS?: number;
}

/** Where the state shared by the instances lives (src/store/). */
export interface StoreConfig {
  /** Redis, shared by every instance; undefined: this process's memory. */
  redisUrl: string | undefined;
  /** Longest wait for one Redis call. */
  redisTimeoutMs: number;
}

export const storeNamespace: ConfigNamespace<StoreVariables, StoreConfig> = {
  variables: StoreVariables,
  parse: (env) => ({
    redisUrl: env.REDIS_URL,
    redisTimeoutMs: env.REDIS_TIMEOUT_MS ?? 500,
  }),
};

export const storeConfig = registerAs('store', (): StoreConfig =>
  readNamespace(storeNamespace, readEnvironment()),
);
