import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import type { CognitoPool } from '../../src/cognito/cognito-pool.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotEnv } from './env.js';
import { Http } from './http.js';

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

/** A provider replaced by DI token, as Test.overrideProvider would. */
export type ProviderOverride = { provide: unknown } & (
  | { useValue: unknown }
  | { useFactory: (...args: never[]) => unknown; inject?: unknown[] }
);

export interface StartOptions {
  dataDir?: string;
  /**
   * Builds a root module around AppModule (e.g. to add a test controller).
   * Called after the module graph is reset: import app code inside it.
   */
  module?: () => Promise<Type<unknown>>;
  /** Where the app's log lines go (passed to createApp); none: its default. */
  logDestination?: DestinationStream;
  /**
   * Providers to replace by DI token. Called after the module graph is
   * reset, so the tokens it imports are the app's own.
   */
  overrides?: () => Promise<ProviderOverride[]>;
}

const COGNITO_VARIABLES = [
  'AWS_COGNITO_USER_POOL_ID',
  'AWS_COGNITO_CLIENT_ID',
  'AWS_COGNITO_CLIENT_SECRET',
  'AWS_COGNITO_AUTHORITY',
  'AWS_COGNITO_ENDPOINT',
  'AWS_COGNITO_AUTH_FLOW',
  'AWS_COGNITO_ADDITIONAL_REGIONS',
  'AWS_COGNITO_JWKS_URI',
];

/**
 * Boots the real app (the production pipeline, from createApp) on a free
 * port. With no `env`, it runs on the embedded emulator with a fresh data
 * folder. Each call gets a fresh module graph, so each app reads its own env.
 */
export async function startApp(
  env: Record<string, string | undefined> = {},
  options: StartOptions = {},
): Promise<TestApp> {
  const restoreEnv = snapshotEnv();
  try {
    return await boot(env, options, restoreEnv);
  } catch (error) {
    restoreEnv();
    throw error;
  }
}

async function boot(
  env: Record<string, string | undefined>,
  options: StartOptions,
  restoreEnv: () => void,
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
  const overrides = options.overrides ? await options.overrides() : [];
  const app = await withOverrides(overrides, () =>
    createApp({ module, logDestination: options.logDestination }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    connection: app.get(token),
    dataDir,
    close: async () => {
      try {
        await app.close();
        if (!options.dataDir)
          await rm(dataDir, { recursive: true, force: true });
      } finally {
        restoreEnv();
      }
    },
  };
}

/**
 * Runs `create` (which builds a Nest app) with `overrides` in place: once the
 * modules are scanned and before any provider is built, each token is
 * replaced in every module, as @nestjs/testing's overrideProvider does.
 */
async function withOverrides<T>(
  overrides: ProviderOverride[],
  create: () => Promise<T>,
): Promise<T> {
  if (overrides.length === 0) return create();
  const { InstanceLoader } =
    await import('@nestjs/core/injector/instance-loader.js');
  // Called below with apply(this): the loader it belongs to.
  // oxlint-disable-next-line typescript/unbound-method
  const original = InstanceLoader.prototype.createInstancesOfDependencies;
  const spy = vi
    .spyOn(InstanceLoader.prototype, 'createInstancesOfDependencies')
    .mockImplementation(function (
      this: InstanceType<typeof InstanceLoader>,
      ...args
    ) {
      const { container } = this as unknown as {
        container: { replace(token: unknown, options: object): void };
      };
      for (const { provide, ...replacement } of overrides) {
        container.replace(provide, { ...replacement, isProvider: true });
      }
      return original.apply(this, args);
    });
  try {
    return await create();
  } finally {
    spy.mockRestore();
  }
}

/**
 * Instances of the app side by side on one env, as behind a load balancer
 * (one Redis, one user pool). Each is pushed as soon as it is up, so close()
 * also closes those of a start that failed halfway.
 */
export class Instances {
  private readonly running: TestApp[] = [];

  /** Starts `count` more, one after the other; an Http on each. */
  async start(
    count: number,
    env: Record<string, string | undefined>,
  ): Promise<Http[]> {
    const started: Http[] = [];
    for (let i = 0; i < count; i++) {
      const app = await startApp(env);
      this.running.push(app);
      started.push(new Http(app.url));
    }
    return started;
  }

  /**
   * Closes every one started so far, the last first: each restores the env
   * the one before it set.
   */
  async close(): Promise<void> {
    for (const app of this.running.splice(0).reverse()) await app.close();
  }
}

export interface UsedApp {
  /** Set once beforeAll has run. */
  readonly server: TestApp;
  readonly http: Http;
  readonly url: string;
}

/**
 * startApp in beforeAll, close in afterAll (which also puts process.env
 * back as it was). `env` may be a function, read in beforeAll (e.g. from an
 * emulator started by an earlier hook).
 */
export function useApp(
  env:
    | Record<string, string | undefined>
    | (() => Record<string, string | undefined>) = {},
  options: StartOptions = {},
): UsedApp {
  let server: TestApp | undefined;
  let http: Http | undefined;
  beforeAll(async () => {
    server = await startApp(typeof env === 'function' ? env() : env, options);
    http = new Http(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useApp: the app is not up yet');
    return value;
  };
  return {
    get server() {
      return ready(server);
    },
    get http() {
      return ready(http);
    },
    get url() {
      return ready(server).url;
    },
  };
}
