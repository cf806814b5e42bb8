import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, freePort, spawnBuiltApp } from './support/process.js';
import { START_WITHIN_MS, waitFor } from './support/timing.js';

/** `node dist/main.js` (what npm start runs), as a user starts it. */
describe('starting the built app', () => {
  it('stops at once with one sentence on stderr naming the bad variable, and exit code 1', async () => {
    const app = spawnBuiltApp({
      ...cleanEnv(),
      NODE_ENV: 'development',
      AWS_COGNITO_USER_POOL_ID: 'not a pool',
      AWS_COGNITO_CLIENT_ID: 'abc123',
    });
    const { code } = await app.exited;
    expect(code).toBe(1);
    expect(app.stderr).toEqual([
      'Invalid configuration: AWS_COGNITO_USER_POOL_ID must look like <region>_<id>, e.g. us-east-1_AbCdEf123.',
    ]);
  });

  it('says which mode it runs in, the pool and client, the URLs, and where codes go', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cognito-local-boot-'));
    const port = await freePort();
    const app = spawnBuiltApp({
      ...cleanEnv(),
      NODE_ENV: 'development',
      LOG_FORMAT: 'json',
      PORT: String(port),
      COGNITO_LOCAL_DIR: dataDir,
    });
    try {
      const messages = (): string[] =>
        app.stdout.map((line) => (JSON.parse(line) as { msg: string }).msg);
      await waitFor(
        'the start log',
        async () =>
          messages().some((m) => m.startsWith('API: ')) ? true : undefined,
        { timeoutMs: START_WITHIN_MS },
      );
      const log = messages().join('\n');
      expect(log).toMatch(
        /Mode: embedded Cognito emulator \(cognito-local\) at http:\/\/127\.0\.0\.1:\d+, data in /,
      );
      expect(log).toContain(
        `Confirmation codes go to the dev outbox: GET http://localhost:${port}/api/v1/dev/outbox?email=<email>`,
      );
      expect(log).toMatch(/User pool local_[0-9a-zA-Z]+, app client [0-9a-z]+/);
      expect(log).toContain(
        `API: http://localhost:${port}/api/v1  Docs: http://localhost:${port}/docs`,
      );
      const docs = await fetch(`http://127.0.0.1:${port}/docs`);
      expect(docs.status).toBe(200);
    } finally {
      app.child.kill('SIGTERM');
      expect((await app.exited).code).toBe(0);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
