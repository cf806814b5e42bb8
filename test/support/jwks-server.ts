import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Jwk = Record<string, unknown> & { kid: string };

/** The public JWK of a key (either half), as a JWKS endpoint serves it. */
export function jwkOf(kid: string, key: KeyObject): Jwk {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return {
    ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>),
    kid,
    alg: 'RS256',
    use: 'sig',
  };
}

/** A JWKS endpoint on loopback whose keys the test changes at will. */
export interface JwksServer {
  /** e.g. http://127.0.0.1:41234/<random>/.well-known/jwks.json */
  readonly url: string;
  keys: Jwk[];
  /** How many times the keys were asked for. */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startJwksServer(keys: Jwk[]): Promise<JwksServer> {
  const path = `/${randomUUID()}/.well-known/jwks.json`;
  const state = { keys, requests: 0 };
  const server: Server = createServer((request, response) => {
    if (request.url !== path) {
      response.writeHead(404).end();
      return;
    }
    state.requests += 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    get keys() {
      return state.keys;
    },
    set keys(next: Jwk[]) {
      state.keys = next;
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** startJwksServer in beforeAll, close in afterAll: call it before useApp. */
export function useJwksServer(keys: () => Jwk[]): {
  readonly server: JwksServer;
} {
  let server: JwksServer | undefined;
  beforeAll(async () => {
    server = await startJwksServer(keys());
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('useJwksServer: not started yet');
      return server;
    },
  };
}
