import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import type { CognitoPool } from '../../src/cognito/cognito-pool.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestApp {
  app: NestFastifyApplication;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** The pool the app resolved at boot. */
  connection: CognitoPool;
  /** The emulator's data folder (embedded mode). */
  dataDir: string;
  close(): Promise<void>;
}

const COGNITO_VARIABLES = [
  'AWS_COGNITO_USER_POOL_ID',
  'AWS_COGNITO_CLIENT_ID',
  'AWS_COGNITO_CLIENT_SECRET',
  'AWS_COGNITO_AUTHORITY',
  'AWS_COGNITO_ENDPOINT',
  'AWS_COGNITO_AUTH_FLOW',
];

/**
 * Boots the real app (the production pipeline, from createApp) on a free
 * port. With no `env`, it runs on the embedded emulator with a fresh data
 * folder. Each call gets a fresh module graph, so each app reads its own env.
 */
export async function startApp(
  env: Record<string, string | undefined> = {},
  options: {
    dataDir?: string;
    /**
     * Builds a root module around AppModule (e.g. to add a test controller).
     * Called after the module graph is reset: import app code inside it.
     */
    module?: () => Promise<Type<unknown>>;
    /** Where the app's log lines go (passed to createApp); none: its default. */
    logDestination?: DestinationStream;
  } = {},
): Promise<TestApp> {
  const dataDir =
    options.dataDir ?? (await mkdtemp(join(tmpdir(), 'cognito-local-')));
  for (const name of COGNITO_VARIABLES) delete process.env[name];
  process.env.COGNITO_LOCAL_DIR = dataDir;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  vi.resetModules();
  const { createApp } = await import('../../src/app.factory.js');
  // Same fresh module graph as the app, so the DI token is the app's own.
  const { CognitoPool: token } =
    await import('../../src/cognito/cognito-pool.js');
  const module = options.module ? await options.module() : undefined;
  const app = await createApp({
    module,
    logDestination: options.logDestination,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    connection: app.get(token),
    dataDir,
    close: async () => {
      await app.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
