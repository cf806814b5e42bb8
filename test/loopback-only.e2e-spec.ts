import { useApp, type UsedApp } from './support/app.js';
import { useExternalEmulator } from './support/external-emulator.js';
import { cleanEnv, spawnBuiltApp } from './support/process.js';
import {
  exchangeRaw,
  parseAnswer,
  type RawHttpAnswer,
} from './support/raw-http.js';

/**
 * While the API may trust the emulator's published signing key (embedded
 * mode, or an emulator run elsewhere: an http AWS_COGNITO_ENDPOINT or
 * AWS_COGNITO_AUTHORITY), it serves this machine only (README,
 * "Configuration"): a HOST that is not loopback stops it with one sentence,
 * and a request whose Host is not a loopback name or address is refused
 * (403 FORBIDDEN) before routing, so neither another machine nor a
 * DNS-rebinding page (its requests name the attacker's host) reaches the
 * dev outbox, the demo page or a token.
 */

const FOREIGN_SENTENCE =
  'This API serves this machine only (it trusts an emulator whose signing key is published): open it at localhost, 127.0.0.1 or [::1].';

/** One GET with the Host header given, on a connection of its own. */
async function get(
  app: UsedApp,
  path: string,
  host: string,
): Promise<RawHttpAnswer> {
  return parseAnswer(
    await exchangeRaw(
      app.url,
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    ),
  );
}

function expectForeignRefused(answer: RawHttpAnswer): void {
  expect(answer.status).toBe(403);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(body).toEqual({
    statusCode: 403,
    error: 'FORBIDDEN',
    message: FOREIGN_SENTENCE,
    requestId: answer.headers['x-request-id'],
  });
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
}

const PATHS = [
  '/api/v1/dev/outbox?email=ash%40example.com',
  '/',
  '/app.js',
  '/api/v1/auth/me',
  '/api/v1/pokemons/1',
  '/health/live',
  '/docs-json',
  '/no/such/route',
];
const FOREIGN_HOSTS = [
  'rebind.attacker.example',
  'rebind.attacker.example:3000',
  '192.168.1.20:3000',
  '0.0.0.0:3000',
  'localhost.attacker.example',
  '127.0.0.1.nip.io',
  '[fe80::1]:3000',
];

describe('embedded mode: requests must name a loopback Host', () => {
  const app = useApp();

  it.each(FOREIGN_HOSTS)(
    'refuses Host %s on every path, the dev outbox and the demo page included: 403 FORBIDDEN',
    async (host) => {
      for (const path of PATHS)
        expectForeignRefused(await get(app, path, host));
    },
  );

  it.each(['localhost', '127.0.0.1', '[::1]'])(
    'serves Host %s, with or without a port',
    async (name) => {
      const port = new URL(app.url).port;
      for (const host of [name, `${name}:${port}`]) {
        expect((await get(app, '/health/live', host)).status).toBe(200);
        const outbox = await get(
          app,
          '/api/v1/dev/outbox?email=ash%40example.com',
          host,
        );
        expect(outbox.status).toBe(200);
        expect((await get(app, '/', host)).status).toBe(200);
      }
    },
  );
});

describe('an emulator run elsewhere (an http AWS_COGNITO_ENDPOINT): requests must name a loopback Host', () => {
  const external = useExternalEmulator();
  const app = useApp(() => external.awsEnv());

  it('refuses a foreign Host (403 FORBIDDEN) and serves localhost', async () => {
    for (const path of ['/', '/api/v1/pokemons/1', '/health/live']) {
      expectForeignRefused(await get(app, path, 'rebind.attacker.example'));
    }
    expect((await get(app, '/health/live', 'localhost')).status).toBe(200);
  });
});

describe('the built app refuses a HOST that is not loopback while it may trust the published key', () => {
  const AWS = {
    AWS_COGNITO_USER_POOL_ID: 'us-east-1_Loopback1',
    AWS_COGNITO_CLIENT_ID: 'loopbackclient1',
  };

  it.each([
    [
      'AWS_COGNITO_ENDPOINT',
      { ...AWS, AWS_COGNITO_ENDPOINT: 'http://127.0.0.1:9229' },
    ],
    [
      'AWS_COGNITO_AUTHORITY',
      {
        ...AWS,
        AWS_COGNITO_AUTHORITY: 'http://127.0.0.1:9229/us-east-1_Loopback1',
      },
    ],
  ])(
    'stops with one sentence naming HOST with an http %s and HOST=0.0.0.0',
    async (name, settings) => {
      const app = spawnBuiltApp({
        ...cleanEnv(),
        NODE_ENV: 'development',
        ...settings,
        HOST: '0.0.0.0',
      });
      expect((await app.exited).code).toBe(1);
      expect(app.stderr).toEqual([
        `Invalid configuration: HOST must be a loopback address (127.0.0.1, ::1 or localhost) while ${name} is an http URL (an emulator, whose published key anyone can sign with): use https endpoints of real Cognito to serve other machines.`,
      ]);
    },
  );

  it('stops with one sentence naming HOST in embedded mode and HOST=0.0.0.0', async () => {
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
});
