import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { emulatorPrivateKey, forge, strangerKey } from './support/forge.js';
import { jwkOf, useJwksServer } from './support/jwks-server.js';
import {
  cleanEnv,
  freePort,
  ROOT,
  spawnBuiltApp,
  type AppProcess,
} from './support/process.js';
import { START_WITHIN_MS, waitFor } from './support/timing.js';

const run = promisify(execFile);

const POOL = 'us-east-1_ProdSafety1';
const CLIENT = 'prodsafetyclient1';
const PATH = '/api/v1/pokemons?limit=1';

const EMULATOR_MISSING =
  'Invalid configuration: AWS_COGNITO_USER_POOL_ID and AWS_COGNITO_CLIENT_ID must be set: the embedded Cognito emulator (cognito-local, a development dependency) is not installed.';

function accessToken(key = emulatorPrivateKey, kid = 'CognitoLocal'): string {
  const now = Math.floor(Date.now() / 1000);
  return forge(
    { alg: 'RS256', typ: 'JWT', kid },
    {
      sub: 'prod-user',
      iss: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
      client_id: CLIENT,
      token_use: 'access',
      iat: now,
      exp: now + 600,
      jti: randomUUID(),
      username: 'prod-user',
    },
    { alg: 'RS256', key },
  );
}

async function stop(app: AppProcess): Promise<number | null> {
  app.child.kill('SIGTERM');
  return (await app.exited).code;
}

/**
 * A production install: the build (dist/, from `npm run build` before the
 * tests) with package.json and the lockfile in a folder of its own, and
 * `npm ci --omit=dev` there (offline: the same lockfile as the project's,
 * so npm's cache has every package). cognito-local is a development
 * dependency, so it is not there, and the app must do without it.
 */
describe('a production install (npm ci --omit=dev)', () => {
  const poolKey = strangerKey();
  const jwks = useJwksServer(() => [
    jwkOf('pool-key', poolKey),
    jwkOf('CognitoLocal', emulatorPrivateKey),
  ]);
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prod-install-'));
    for (const entry of ['dist', 'package.json', 'package-lock.json']) {
      await cp(join(ROOT, entry), join(dir, entry), { recursive: true });
    }
    await run(
      'npm',
      [
        'ci',
        '--omit=dev',
        '--ignore-scripts',
        '--offline',
        '--no-audit',
        '--no-fund',
      ],
      { cwd: dir, env: { ...cleanEnv(), NODE_ENV: 'production' } },
    );
  }, 180_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('carries no emulator, while the app dependencies are there', () => {
    expect(existsSync(join(dir, 'node_modules', '@nestjs', 'core'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules', 'cognito-local'))).toBe(false);
  });

  it('stops without a pool id with one sentence saying what to set, and exit code 1', async () => {
    const app = spawnBuiltApp(
      {
        ...cleanEnv(),
        NODE_ENV: 'development',
        COGNITO_LOCAL_DIR: join(dir, 'data'),
      },
      dir,
    );
    expect((await app.exited).code).toBe(1);
    expect(app.stderr).toEqual([EMULATOR_MISSING]);
    expect(app.stdout).toEqual([]);
  });

  it("serves a real pool's tokens and refuses one signed with cognito-local's published key", async () => {
    const port = await freePort();
    const app = spawnBuiltApp(
      {
        ...cleanEnv(),
        NODE_ENV: 'development',
        LOG_FORMAT: 'json',
        HOST: '127.0.0.1',
        PORT: String(port),
        AWS_COGNITO_USER_POOL_ID: POOL,
        AWS_COGNITO_CLIENT_ID: CLIENT,
        AWS_COGNITO_JWKS_URI: jwks.server.url,
      },
      dir,
    );
    try {
      await waitFor(
        'the start log',
        async () =>
          app.stdout.some((line) => line.includes('"API: ')) ? true : undefined,
        { timeoutMs: START_WITHIN_MS },
      );
      const get = (token: string): Promise<Response> =>
        fetch(`http://127.0.0.1:${port}${PATH}`, {
          headers: { authorization: `Bearer ${token}` },
        });
      const served = await get(accessToken(poolKey, 'pool-key'));
      expect(served.status).toBe(200);
      expect(await served.json()).toEqual([expect.objectContaining({ id: 1 })]);
      const refused = await get(accessToken());
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: 'UNAUTHORIZED' });
      // The demo page ships with the build (dist/public).
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('src="/app.js"');
    } finally {
      expect(await stop(app)).toBe(0);
    }
  });
});

describe('the built app refuses unsafe settings with one sentence', () => {
  it('refuses a HOST that is not loopback with the embedded emulator', async () => {
    const app = spawnBuiltApp({
      ...cleanEnv(),
      NODE_ENV: 'development',
      HOST: '0.0.0.0',
    });
    expect((await app.exited).code).toBe(1);
    expect(app.stderr).toEqual([
      'Invalid configuration: HOST must be a loopback address (127.0.0.1, ::1 or localhost) with the embedded Cognito emulator, whose tokens anyone can forge: set AWS_COGNITO_USER_POOL_ID and AWS_COGNITO_CLIENT_ID to serve other machines.',
    ]);
  });

  it.each(['Production', 'PRODUCTION'])(
    'counts NODE_ENV=%s as production: no embedded emulator',
    async (nodeEnv) => {
      const app = spawnBuiltApp({ ...cleanEnv(), NODE_ENV: nodeEnv });
      expect((await app.exited).code).toBe(1);
      expect(app.stderr).toEqual([
        'Invalid configuration: AWS_COGNITO_USER_POOL_ID is required when NODE_ENV=production: the embedded Cognito emulator signs tokens with a published key and must never run in production.',
      ]);
    },
  );
});
