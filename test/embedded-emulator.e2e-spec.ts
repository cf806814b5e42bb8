import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from './support/app.js';
import { childPids } from './support/process.js';
import { START_WITHIN_MS, waitFor } from './support/timing.js';
import { Http } from './support/http.js';
import { confirmedUser, login } from './support/users.js';

/**
 * Each test starts the app (and its emulator) once or twice: the test
 * deadline is two starts' on a busy machine (START_WITHIN_MS each).
 */
describe(
  'the embedded Cognito emulator',
  { timeout: 2 * START_WITHIN_MS },
  () => {
    let dataDir: string;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'cognito-local-restart-'));
    });

    afterAll(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    it('provisions a pool and client, keeps them in the data folder, and reuses them (and the users) on the next start', async () => {
      const first = await startApp({}, { dataDir });
      const firstConnection = first.connection;
      expect(firstConnection.mode).toBe('embedded');
      expect(firstConnection.userPoolId).toMatch(/^local_[0-9a-zA-Z]+$/);
      expect(firstConnection.issuer).toBe(
        `${firstConnection.endpoint}/${firstConnection.userPoolId}`,
      );
      const email = await confirmedUser(new Http(first.url));

      const poolFile = join(
        dataDir,
        '.cognito',
        'db',
        `${firstConnection.userPoolId}.json`,
      );
      expect(existsSync(poolFile)).toBe(true);
      expect(readFileSync(poolFile, 'utf8')).toContain(email);
      const pool = JSON.parse(readFileSync(poolFile, 'utf8')) as {
        Options: {
          UsernameAttributes: string[];
          AutoVerifiedAttributes: string[];
          MfaConfiguration: string;
        };
      };
      expect(pool.Options).toMatchObject({
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        MfaConfiguration: 'OPTIONAL',
      });
      await first.close();

      const second = await startApp({}, { dataDir });
      try {
        const secondConnection = second.connection;
        expect(secondConnection.userPoolId).toBe(firstConnection.userPoolId);
        expect(secondConnection.clientId).toBe(firstConnection.clientId);
        const tokens = await login(new Http(second.url), email);
        const answer = await new Http(second.url).get(
          '/api/v1/pokemons?limit=1',
          tokens.accessToken,
        );
        expect(answer.status).toBe(200);
      } finally {
        await second.close();
      }
    });

    it('stops with the app', async () => {
      const server = await startApp({}, { dataDir });
      const { endpoint } = server.connection;
      const health = await fetch(`${endpoint}/health`);
      expect(health.status).toBe(200);
      await server.close();
      await expect(fetch(`${endpoint}/health`)).rejects.toThrow();
    });

    it('serves the outbox with the codes of that address only, oldest first', async () => {
      const server = await startApp({}, { dataDir });
      try {
        const http = new Http(server.url);
        const a = await confirmedUser(http);
        const b = await confirmedUser(http);
        expect(
          (await http.post('/api/v1/auth/forgot-password', { email: a }))
            .status,
        ).toBe(202);
        const answer = await http.get(`/api/v1/dev/outbox?email=${a}`);
        expect(answer.status).toBe(200);
        expect(answer.body.map((m: { kind: string }) => m.kind)).toEqual([
          'SignUp',
          'ForgotPassword',
        ]);
        expect(answer.body.every((m: { email: string }) => m.email === a)).toBe(
          true,
        );
        const all = await http.get('/api/v1/dev/outbox');
        expect(all.body.map((m: { email: string }) => m.email)).toEqual(
          expect.arrayContaining([a, b]),
        );
        const bad = await http.get('/api/v1/dev/outbox?email=not-an-email');
        expect(bad.status).toBe(400);
      } finally {
        await server.close();
      }
    });

    it('is started again, on the same port and data, when it dies while the app runs', async () => {
      const server = await startApp({}, { dataDir });
      try {
        const http = new Http(server.url);
        const email = await confirmedUser(http);
        const emulatorPid = childPids(process.pid).find((pid) => {
          try {
            return (
              readlinkSync(`/proc/${pid}/cwd`) === server.connection.dataDir
            );
          } catch {
            return false;
          }
        });
        expect(emulatorPid).toBeDefined();
        process.kill(emulatorPid!, 'SIGKILL');
        const tokens = await waitFor(
          'a login after the restart',
          async () => {
            const answer = await http.post('/api/v1/auth/login', {
              email,
              password: 'Passw0rd!',
            });
            return answer.status === 200 ? answer.body : undefined;
          },
          // The emulator is restarted at once; the deadline is a start's.
          { timeoutMs: START_WITHIN_MS },
        );
        expect(
          (await http.get('/api/v1/pokemons?limit=1', tokens.accessToken))
            .status,
        ).toBe(200);
        expect(
          (await fetch(`${server.connection.endpoint}/health`)).status,
        ).toBe(200);
      } finally {
        await server.close();
      }
    });
  },
);
