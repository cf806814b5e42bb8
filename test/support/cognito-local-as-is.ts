import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmbeddedCognito,
  type EmbeddedPool,
} from '../../src/cognito/emulator/embedded-cognito.js';
import { portAnswers } from './process.js';

export interface AsIsEmulator {
  /** Set once beforeAll has run. */
  readonly pool: EmbeddedPool;
  /** The environment of an app in aws mode pointed at it. */
  awsEnv(): Record<string, string>;
}

/**
 * cognito-local exactly as a user runs it elsewhere (its own `cognito-local`
 * command), without what the embedded emulator adds to it: the pool and
 * client are provisioned once by an EmbeddedCognito on the same data folder,
 * which is then stopped, and the plain emulator serves that folder on the
 * same port. It prints its codes (unread here): confirm with
 * AdminConfirmSignUp. Call it before useApp, so that it outlives the app.
 */
export function useCognitoLocalAsIs(): AsIsEmulator {
  let dataDir: string | undefined;
  let pool: EmbeddedPool | undefined;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cognito-local-as-is-'));
    const provisioning = new EmbeddedCognito(
      dataDir,
      () => undefined,
      process.env.PATH,
    );
    pool = await provisioning.start();
    await provisioning.stop();
    const port = new URL(pool.endpoint).port;
    const bin = createRequire(import.meta.url).resolve(
      'cognito-local/lib/bin/start.js',
    );
    child = spawn(process.execPath, [bin], {
      cwd: dataDir,
      env: {
        PATH: process.env.PATH,
        PORT: port,
        HOST: '127.0.0.1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'local',
      },
      stdio: 'ignore',
    });
    const deadline = Date.now() + 15_000;
    while (!(await portAnswers(Number(port)))) {
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error('cognito-local did not start');
      }
      await new Promise((done) => setTimeout(done, 100));
    }
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((done) => child!.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  const ready = (): EmbeddedPool => {
    if (!pool) throw new Error('useCognitoLocalAsIs: not started yet');
    return pool;
  };
  return {
    get pool() {
      return ready();
    },
    awsEnv() {
      const { userPoolId, clientId, endpoint } = ready();
      return {
        AWS_COGNITO_USER_POOL_ID: userPoolId,
        AWS_COGNITO_CLIENT_ID: clientId,
        AWS_COGNITO_ENDPOINT: endpoint,
      };
    },
  };
}
