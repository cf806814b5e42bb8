import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useApp } from './support/app.js';
import { useExternalEmulator } from './support/external-emulator.js';
import { Http } from './support/http.js';
import { cleanEnv, freePort, spawnBuiltApp } from './support/process.js';
import { waitFor } from './support/timing.js';
import { confirmedUser, login, newEmail, PASSWORD } from './support/users.js';

interface LogLine {
  level: number;
  msg: string;
  context?: string;
}

/**
 * What an operator reads: the emulator's notices as debug lines in words,
 * and one sentence naming the setting to fix when the pool issues tokens
 * the guard refuses.
 */
describe('operator messages', () => {
  describe('the embedded emulator lacking a call (GlobalSignOut)', () => {
    it('logs a debug line in words, and no level-50 line', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'cognito-local-notices-'));
      const port = await freePort();
      const app = spawnBuiltApp({
        ...cleanEnv(),
        NODE_ENV: 'development',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'debug',
        PORT: String(port),
        COGNITO_LOCAL_DIR: dataDir,
      });
      try {
        const http = new Http(`http://127.0.0.1:${port}`);
        await waitFor(
          'the app',
          async () =>
            (await http.get('/health')).status === 200 ? true : undefined,
          { timeoutMs: 30_000 },
        );
        const email = await confirmedUser(http);
        const { accessToken } = await login(http, email);
        const everywhere = await http.post(
          '/api/v1/auth/logout/all',
          undefined,
          accessToken,
        );
        expect(everywhere.status).toBe(204);
        const notice = await waitFor(
          'the notice',
          async () =>
            app.stdout
              .filter((line) => line.startsWith('{'))
              .map((line) => JSON.parse(line) as LogLine)
              .find((line) => line.msg.includes('GlobalSignOut')),
          { timeoutMs: 10_000 },
        );
        expect(notice).toMatchObject({
          level: 20,
          context: 'EmbeddedCognito',
        });
        expect(notice.msg).toMatch(
          /^The embedded emulator lacks (Admin)?(User)?GlobalSignOut \(cognito-local does not have it\); the API does without it where it can\.$/,
        );
        const all = [...app.stdout, ...app.stderr];
        expect(all.filter((line) => /unsupported feature/i.test(line))).toEqual(
          [],
        );
        expect(all.filter((line) => line.includes('"level":50'))).toEqual([]);
      } finally {
        app.child.kill('SIGTERM');
        await app.exited;
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('a pool whose tokens carry an issuer the guard refuses', () => {
    const external = useExternalEmulator();
    const chunks: string[] = [];
    // The pool's own issuer is http://127.0.0.1:<port>/<pool>; the app is
    // told another one, as with moto's AWS issuers at an http endpoint.
    const app = useApp(
      () =>
        external.awsEnv({
          AWS_COGNITO_AUTHORITY: `${external.pool.endpoint.replace('127.0.0.1', 'localhost')}/${external.pool.userPoolId}`,
          LOG_FORMAT: 'json',
          LOG_LEVEL: 'info',
        }),
      { logDestination: { write: (chunk: string) => void chunks.push(chunk) } },
    );
    const warnings = (): LogLine[] =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogLine)
        .filter((line) => line.msg.includes('AWS_COGNITO_AUTHORITY'));

    it('logs one sentence naming AWS_COGNITO_AUTHORITY at the first login, whose token the guard then refuses', async () => {
      const email = await confirmedUser(app.http, newEmail('iss'), PASSWORD, {
        codeOf: (address) => external.codeFor(address),
      });
      expect(warnings()).toEqual([]);
      const tokens = await login(app.http, email);
      expect(
        (await app.http.get('/api/v1/pokemons/1', tokens.accessToken)).status,
      ).toBe(401);
      await login(app.http, email);
      const issuer = `${external.pool.endpoint}/${external.pool.userPoolId}`;
      expect(warnings()).toEqual([
        expect.objectContaining({
          level: 40,
          context: 'Configuration',
          msg: `The user pool issued a token with issuer "${issuer}", which the guard refuses (it accepts ${issuer.replace('127.0.0.1', 'localhost')}): every guarded route will answer 401; set AWS_COGNITO_AUTHORITY to the issuer the pool puts in its tokens (and AWS_COGNITO_JWKS_URI to where its keys are served, if elsewhere).`,
        }),
      ]);
    });
  });
});
