import {
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CognitoPool } from '../../src/cognito/cognito-pool.js';
import { loadConfig } from '../../src/config/env.validation.js';
import type { AuthUser } from '../../src/auth/auth-user.js';
import { VerifiedTokenCache } from '../../src/auth/verification/verified-token.cache.js';
import {
  JwksKeyStore,
  JwksUnavailableError,
} from '../../src/auth/verification/jwks-key-store.js';
import { TokenRejectedError } from '../../src/auth/verification/token-claims.js';

const TIMEOUT_MS = 300;
/**
 * For the specs that are not about the timeout: a fetch from the local
 * endpoint never takes this long, even on a machine whose cores are all busy
 * (where a 300 ms fetch can time out and turn a 401 into a 503).
 */
const UNHURRIED_TIMEOUT_MS = 10_000;
/** A real pool's issuer (https): the emulator's published key is not trusted. */
const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Test';
const COOLDOWN_MS = 200;
/** A little more than the cooldown, so that the next fetch is due. */
const PAST_COOLDOWN_MS = COOLDOWN_MS + 60;

interface Jwk {
  kid: string;
  alg: string;
  use: string;
  [key: string]: unknown;
}

function jwkOf(kid: string, publicKey: KeyObject): Jwk {
  return {
    ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>),
    kid,
    alg: 'RS256',
    use: 'sig',
  };
}

/** A JWKS endpoint the test controls. */
class JwksServer {
  requests = 0;
  keys: Jwk[];
  /** Wait this long before answering. */
  delayMs = 0;
  /** Accept requests and never answer. */
  hang = false;
  private readonly server: Server;
  /** Kept after stop(), so that a new server can take the same port. */
  port = 0;

  private constructor(keys: Jwk[]) {
    this.keys = keys;
    this.server = createServer((_request, response) => {
      this.requests += 1;
      if (this.hang) return;
      const body = JSON.stringify({ keys: this.keys });
      const answer = (): void => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(body);
      };
      if (this.delayMs > 0) setTimeout(answer, this.delayMs);
      else answer();
    });
  }

  static async start(keys: Jwk[], port = 0): Promise<JwksServer> {
    const jwks = new JwksServer(keys);
    await new Promise<void>((resolve, reject) => {
      jwks.server.once('error', reject);
      jwks.server.listen(port, '127.0.0.1', () => resolve());
    });
    jwks.port = (jwks.server.address() as AddressInfo).port;
    return jwks;
  }

  get uri(): string {
    return `http://127.0.0.1:${this.port}/us-east-1_Test/.well-known/jwks.json`;
  }

  /** Stops listening and drops every open connection (keep-alive included). */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) =>
      this.server.close(() => resolve()),
    );
    this.server.closeAllConnections();
    await closed;
  }
}

function storeFor(
  jwksUri: string,
  issuer = ISSUER,
  verified = new VerifiedTokenCache(),
  timeoutMs = TIMEOUT_MS,
): JwksKeyStore {
  const { auth } = loadConfig({
    JWKS_TIMEOUT_MS: String(timeoutMs),
    JWKS_REFETCH_COOLDOWN_MS: String(COOLDOWN_MS),
  });
  const pool: Pick<CognitoPool, 'jwksUri' | 'issuers'> = {
    jwksUri,
    issuers: [issuer],
  };
  return new JwksKeyStore(pool as CognitoPool, auth, verified);
}

/** cognito-local's public key, as its package publishes it (a development dependency). */
function emulatorPublicKey(): KeyObject {
  const path = createRequire(import.meta.url).resolve(
    'cognito-local/lib/keys/cognitoLocal.public.json',
  );
  const file = JSON.parse(readFileSync(path, 'utf8')) as {
    jwk: Record<string, string>;
  };
  return createPublicKey({ key: file.jwk, format: 'jwk' });
}

/** How a getKey call ended: the key, or the error class name. */
async function outcome(promise: Promise<KeyObject>): Promise<string> {
  try {
    await promise;
    return 'key';
  } catch (error) {
    return (error as Error).constructor.name;
  }
}

describe('JwksKeyStore', () => {
  let keyA: KeyObject;
  let keyB: KeyObject;
  let keyC: KeyObject;
  const servers: JwksServer[] = [];

  async function serve(keys: Jwk[], port?: number): Promise<JwksServer> {
    const server = await JwksServer.start(keys, port);
    servers.push(server);
    return server;
  }

  beforeAll(() => {
    const pair = (): KeyObject =>
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    keyA = pair();
    keyB = pair();
    keyC = pair();
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  it('fetches the JWKS once at boot and serves known kids without asking again', async () => {
    const server = await serve([jwkOf('key-a', keyA), jwkOf('key-b', keyB)]);
    const store = storeFor(server.uri);
    await store.onApplicationBootstrap();
    expect(server.requests).toBe(1);
    expect(store.size).toBe(2);

    const first = await store.getKey('key-a');
    const many = await Promise.all(
      Array.from({ length: 100 }, () => store.getKey('key-a')),
    );
    await sleep(PAST_COOLDOWN_MS);
    const later = await store.getKey('key-b');

    expect(server.requests).toBe(1);
    expect(store.fetches).toBe(1);
    expect(first.type).toBe('public');
    expect(first.asymmetricKeyType).toBe('rsa');
    expect(first.equals(keyA)).toBe(true);
    expect(later.equals(keyB)).toBe(true);
    for (const key of many) expect(key).toBe(first);
  });

  it('finds a rotated-in kid after one refetch, once the cooldown has passed', async () => {
    const server = await serve([jwkOf('key-a', keyA)]);
    const store = storeFor(server.uri);
    await store.onApplicationBootstrap();

    server.keys = [jwkOf('key-a', keyA), jwkOf('key-b', keyB)];
    await sleep(PAST_COOLDOWN_MS);
    const key = await store.getKey('key-b');

    expect(key.equals(keyB)).toBe(true);
    expect(server.requests).toBe(2);
    expect((await store.getKey('key-a')).equals(keyA)).toBe(true);
    expect(await store.getKey('key-b')).toBe(key);
    expect(server.requests).toBe(2);
  });

  it('shares one request among concurrent callers of a new kid', async () => {
    const server = await serve([jwkOf('key-a', keyA)]);
    const store = storeFor(server.uri);
    await store.onApplicationBootstrap();
    server.keys = [jwkOf('key-a', keyA), jwkOf('key-b', keyB)];
    server.delayMs = 100;
    await sleep(PAST_COOLDOWN_MS);

    const keys = await Promise.all(
      Array.from({ length: 200 }, () => store.getKey('key-b')),
    );

    expect(server.requests).toBe(2);
    for (const key of keys) expect(key.equals(keyB)).toBe(true);
  });

  it('answers a flood of junk kids with TokenRejectedError at one request per cooldown, and still picks up a real rotation', async () => {
    const server = await serve([jwkOf('key-a', keyA)]);
    const store = storeFor(
      server.uri,
      ISSUER,
      new VerifiedTokenCache(),
      UNHURRIED_TIMEOUT_MS,
    );
    await store.onApplicationBootstrap();
    expect(server.requests).toBe(1);

    // Right after boot: within the cooldown, junk costs no request at all.
    const burst = await Promise.all(
      Array.from({ length: 200 }, () => outcome(store.getKey(randomUUID()))),
    );
    expect(new Set(burst)).toEqual(new Set(['TokenRejectedError']));
    expect(server.requests).toBe(1);

    // A sustained flood of 200 concurrent junk kids per wave; the key rotates midway.
    const floodStart = Date.now();
    const results: string[] = [];
    let wave = 0;
    while (Date.now() - floodStart < 5 * COOLDOWN_MS) {
      if (wave === 4)
        server.keys = [jwkOf('key-a', keyA), jwkOf('key-c', keyC)];
      results.push(
        ...(await Promise.all(
          Array.from({ length: 200 }, () =>
            outcome(store.getKey(`junk-${randomUUID()}`)),
          ),
        )),
      );
      wave += 1;
      await sleep(20);
    }
    const floodMs = Date.now() - floodStart;
    const floodRequests = server.requests - 1;

    expect(new Set(results)).toEqual(new Set(['TokenRejectedError']));
    expect(floodRequests).toBeGreaterThanOrEqual(1);
    expect(floodRequests).toBeLessThanOrEqual(
      Math.floor(floodMs / COOLDOWN_MS) + 1,
    );

    // Right after the cooldown, the real new kid is found.
    await sleep(PAST_COOLDOWN_MS);
    const rotated = await store.getKey('key-c');
    expect(rotated.equals(keyC)).toBe(true);
  });

  it('gives up on an endpoint that never answers with JwksUnavailableError, within about the timeout', async () => {
    const server = await serve([jwkOf('key-a', keyA)]);
    server.hang = true;
    const store = storeFor(server.uri);

    const started = Date.now();
    const error = await store.getKey('key-a').catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(2000);
    expect(server.requests).toBe(1);
  });

  it('boots without throwing when the endpoint never answers, within about the timeout', async () => {
    const server = await serve([jwkOf('key-a', keyA)]);
    server.hang = true;
    const store = storeFor(server.uri);

    const started = Date.now();
    await expect(store.onApplicationBootstrap()).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(store.size).toBe(0);
  });

  it('keeps serving known kids after the endpoint goes down, and answers an unknown kid with JwksUnavailableError', async () => {
    const server = await serve([jwkOf('key-a', keyA)]);
    const store = storeFor(server.uri);
    await store.onApplicationBootstrap();
    const known = await store.getKey('key-a');

    await server.stop();

    expect(await store.getKey('key-a')).toBe(known);
    await sleep(PAST_COOLDOWN_MS);
    await expect(store.getKey('key-b')).rejects.toBeInstanceOf(
      JwksUnavailableError,
    );
    // Within the cooldown after that failure: still 503, not 401.
    await expect(store.getKey('key-b')).rejects.toBeInstanceOf(
      JwksUnavailableError,
    );
    expect(await store.getKey('key-a')).toBe(known);
  });

  it('boots without throwing when the endpoint is down, answers 503-class errors, and recovers when it is back', async () => {
    const first = await serve([jwkOf('key-a', keyA)]);
    const port = first.port;
    await first.stop();
    const store = storeFor(first.uri);

    await expect(store.onApplicationBootstrap()).resolves.toBeUndefined();
    expect(store.size).toBe(0);
    await expect(store.getKey('key-a')).rejects.toBeInstanceOf(
      JwksUnavailableError,
    );

    const back = await serve([jwkOf('key-a', keyA)], port);
    await sleep(PAST_COOLDOWN_MS);
    expect((await store.getKey('key-a')).equals(keyA)).toBe(true);
    expect(back.requests).toBe(1);
    await expect(store.getKey('never-seen')).rejects.toBeInstanceOf(
      TokenRejectedError,
    );
  });

  it('replaces the keys on a refetch: a key withdrawn from the JWKS is no longer trusted', async () => {
    const server = await serve([jwkOf('key-a', keyA), jwkOf('key-b', keyB)]);
    const store = storeFor(server.uri);
    await store.onApplicationBootstrap();
    expect((await store.getKey('key-a')).equals(keyA)).toBe(true);

    server.keys = [jwkOf('key-b', keyB), jwkOf('key-c', keyC)];
    await sleep(PAST_COOLDOWN_MS);
    expect((await store.getKey('key-c')).equals(keyC)).toBe(true);

    expect(server.requests).toBe(2);
    expect(store.size).toBe(2);
    expect(await outcome(store.getKey('key-a'))).toBe('TokenRejectedError');
    expect((await store.getKey('key-b')).equals(keyB)).toBe(true);
  });

  it('forgets the tokens it verified once a key is withdrawn, and only then', async () => {
    const server = await serve([jwkOf('key-a', keyA), jwkOf('key-b', keyB)]);
    const verified = new VerifiedTokenCache();
    const store = storeFor(server.uri, ISSUER, verified);
    await store.onApplicationBootstrap();
    const user = { sub: 's', exp: Date.now() / 1000 + 600 } as AuthUser;
    verified.set('token-of-key-a', user);

    server.keys = [
      jwkOf('key-a', keyA),
      jwkOf('key-b', keyB),
      jwkOf('key-c', keyC),
    ];
    await sleep(PAST_COOLDOWN_MS);
    await store.getKey('key-c');
    expect(verified.get('token-of-key-a', false)?.user).toEqual(user);

    server.keys = [jwkOf('key-b', keyB)];
    await sleep(PAST_COOLDOWN_MS);
    await outcome(store.getKey('key-d'));
    expect(server.requests).toBe(3);
    expect(verified.get('token-of-key-a', false)).toBeUndefined();
  });

  it('keeps its keys when a refetch brings no key at all (an empty JWKS is a failed fetch)', async () => {
    const server = await serve([jwkOf('key-a', keyA)]);
    const store = storeFor(server.uri);
    await store.onApplicationBootstrap();

    server.keys = [];
    await sleep(PAST_COOLDOWN_MS);
    expect(await outcome(store.getKey('key-b'))).toBe('JwksUnavailableError');

    expect(server.requests).toBe(2);
    expect((await store.getKey('key-a')).equals(keyA)).toBe(true);
  });

  it('keeps the usable keys of a JWKS that also holds an unusable one', async () => {
    const server = await serve([
      { kid: 'broken', alg: 'RS256', use: 'sig', kty: 'RSA', x5c: ['AAAA'] },
      jwkOf('key-a', keyA),
    ]);
    const store = storeFor(server.uri);
    await store.onApplicationBootstrap();

    expect((await store.getKey('key-a')).equals(keyA)).toBe(true);
    expect(await outcome(store.getKey('broken'))).toBe('TokenRejectedError');
  });

  describe("cognito-local's published key", () => {
    let emulatorKey: KeyObject;

    beforeAll(() => {
      emulatorKey = emulatorPublicKey();
    });

    it.each([
      ['the regional issuer', ISSUER],
      [
        'the global issuer',
        'https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Test',
      ],
      ['an https emulator', 'https://127.0.0.1:9229/local_pool'],
      ['an http issuer off this machine', 'http://cognito.internal/pool'],
      ['a look-alike of localhost', 'http://localhost.evil.com/pool'],
    ])('is not trusted, under any kid, for %s', async (_name, issuer) => {
      const server = await serve([
        jwkOf('CognitoLocal', emulatorKey),
        jwkOf('renamed', emulatorKey),
        jwkOf('key-a', keyA),
      ]);
      const store = storeFor(server.uri, issuer);
      await store.onApplicationBootstrap();

      expect(store.size).toBe(1);
      expect((await store.getKey('key-a')).equals(keyA)).toBe(true);
      expect(await outcome(store.getKey('CognitoLocal'))).toBe(
        'TokenRejectedError',
      );
      expect(await outcome(store.getKey('renamed'))).toBe('TokenRejectedError');
    });

    it.each([
      'http://127.0.0.1:9229/local_pool',
      'http://127.8.9.10:9229/local_pool',
      'http://localhost:9229/local_pool',
      'http://[::1]:9229/local_pool',
    ])('is trusted for an emulator on loopback (%s)', async (issuer) => {
      const server = await serve([jwkOf('CognitoLocal', emulatorKey)]);
      const store = storeFor(server.uri, issuer);
      await store.onApplicationBootstrap();

      expect((await store.getKey('CognitoLocal')).equals(emulatorKey)).toBe(
        true,
      );
    });
  });
});
