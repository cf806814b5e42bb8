import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmbeddedCognito,
  type EmbeddedPool,
} from '../src/cognito/emulator/embedded-cognito.js';
import type { OutboxMessage } from '../src/cognito/emulator/outbox.js';
import { startApp, type TestApp } from './support/app.js';
import { Http, expectError } from './support/http.js';
import { PASSWORD, newEmail } from './support/users.js';

/**
 * The app configured with AWS_COGNITO_* settings (not embedded), pointed at a
 * Cognito-compatible endpoint run elsewhere: here a cognito-local this test
 * starts itself.
 */
describe('with AWS_COGNITO_* settings (a Cognito endpoint run elsewhere)', () => {
  let dataDir: string;
  let emulator: EmbeddedCognito;
  let pool: EmbeddedPool;
  const sent: OutboxMessage[] = [];
  let server: TestApp;
  let http: Http;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cognito-local-external-'));
    emulator = new EmbeddedCognito(
      dataDir,
      (message) => sent.push(message),
      process.env.PATH,
    );
    pool = await emulator.start();
    server = await startApp({
      AWS_COGNITO_USER_POOL_ID: pool.userPoolId,
      AWS_COGNITO_CLIENT_ID: pool.clientId,
      AWS_COGNITO_ENDPOINT: pool.endpoint,
    });
    http = new Http(server.url);
  });

  afterAll(async () => {
    await server.close();
    await emulator.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs in aws mode with the configured pool, and derives the issuer from the endpoint', () => {
    const connection = server.connection;
    expect(connection).toMatchObject({
      mode: 'aws',
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      issuer: `${pool.endpoint}/${pool.userPoolId}`,
      jwksUri: `${pool.endpoint}/${pool.userPoolId}/.well-known/jwks.json`,
    });
  });

  it('hides the dev outbox: 404 NOT_FOUND', async () => {
    expectError(await http.get('/api/v1/dev/outbox'), 404, 'NOT_FOUND');
  });

  it('registers, confirms, logs in and serves the guarded route through the configured endpoint', async () => {
    const email = newEmail('ext');
    expect(
      (
        await http.post('/api/v1/auth/register', {
          name: 'Misty',
          email,
          password: PASSWORD,
        })
      ).status,
    ).toBe(201);
    const code = sent.filter((m) => m.email === email).at(-1)?.code;
    expect(code).toMatch(/^\d{6}$/);
    expect(
      (await http.post('/api/v1/auth/confirm-registration', { email, code }))
        .status,
    ).toBe(200);
    const tokens = await http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expect(tokens.status).toBe(200);
    expect(
      (await http.get('/api/v1/pokemons/1', tokens.body.accessToken)).status,
    ).toBe(200);
  });

  it('answers /health 200 while the JWKS answers', async () => {
    const answer = await http.get('/health');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'ok',
      info: { jwks: { status: 'up' } },
    });
  });
});
