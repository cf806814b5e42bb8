import { registerAs } from '@nestjs/config';

export const appConfig = registerAs('app', () => ({
  port: Number(process.env.PORT || 3000),
  /** Listen address; default 127.0.0.1 with the embedded emulator, else 0.0.0.0. */
  host: process.env.HOST || undefined,
  production: process.env.NODE_ENV === 'production',
}));

export type AppConfig = ReturnType<typeof appConfig>;
