/**
 * What npm run bench measures: the servers under test and the rows, each a
 * server, a URL on it and the request's headers. A row for another setup of
 * the app is a server entry (its env) and a row entry.
 */
export const PATH = '/api/v1/pokemons?limit=151';
export const TWIN_PATH = '/api/v1/bench/pokemons?limit=151';
export interface Context {
  /** The guarded route's bytes, in a file the bare servers serve. */
  bytesFile: string;
  /** The pool, for the servers that verify its tokens. */
  cognitoEnv: Record<string, string>;
  tokens: { accessToken: string; idToken: string };
  /** A redis-server of the bench's own, for the rows with REDIS_URL. */
  redisUrl?: string;
}

/** How to start a server under test. */
export interface ServerSpec {
  script: string;
  args?: (ctx: Context) => string[];
  env?: (ctx: Context) => Record<string, string | undefined>;
  /** Run with the node flags of `npm run start:prod`. */
  production?: boolean;
  /** Needs a redis-server (ctx.redisUrl): its rows are skipped without one. */
  needsRedis?: boolean;
}

/** A measured row: a server, a URL on it, the request's headers. */
export interface RowSpec {
  key: string;
  label: string;
  server: keyof typeof SERVERS;
  path: string;
  headers?: (ctx: Context) => Record<string, string>;
}

export const SERVERS = {
  bare: {
    script: './servers/bare.server.js',
    args: (ctx) => [ctx.bytesFile],
  },
  app: {
    script: './servers/app.server.js',
    env: (ctx) => ctx.cognitoEnv,
    production: true,
  },
  tutorial: {
    script: './servers/tutorial.server.js',
    env: (ctx) => ctx.cognitoEnv,
  },
  nestFastify: {
    script: './servers/nest-fastify.server.js',
    args: (ctx) => [ctx.bytesFile],
  },
  nestKept: {
    script: './servers/nest-kept.server.js',
    args: (ctx) => [ctx.bytesFile, ctx.tokens.accessToken],
  },
  appMetrics: {
    script: './servers/app.server.js',
    // A free port of its own: the series are recorded, nobody scrapes.
    env: (ctx) => ({ ...ctx.cognitoEnv, METRICS_PORT: '0' }),
    production: true,
  },
  appRedis: {
    script: './servers/app.server.js',
    env: (ctx) => ({ ...ctx.cognitoEnv, REDIS_URL: ctx.redisUrl }),
    production: true,
    needsRedis: true,
  },
} satisfies Record<string, ServerSpec>;

export const bearer =
  (kind: keyof Context['tokens']) =>
  (ctx: Context): Record<string, string> => ({
    authorization: `Bearer ${ctx.tokens[kind]}`,
  });

export const ALL_ROWS: RowSpec[] = [
  // Every row is sent the request (c) is sent, token and all (a server
  // with no guard ignores it; (d) gets the ID token it needs): the rows
  // differ by what the server does, not by what it has to read.
  {
    key: 'a',
    label: '(a) bare node:http',
    server: 'bare',
    path: PATH,
    headers: bearer('accessToken'),
  },
  {
    // c/b is then what the guard costs, not also what 1 KB more of request
    // costs to read.
    key: 'b',
    label: '(b) app, unguarded twin',
    server: 'app',
    path: TWIN_PATH,
    headers: bearer('accessToken'),
  },
  {
    key: 'c',
    label: '(c) app, guarded (access token)',
    server: 'app',
    path: PATH,
    headers: bearer('accessToken'),
  },
  {
    key: 'd',
    label: '(d) tutorial guard, Express (ID token)',
    server: 'tutorial',
    path: PATH,
    headers: bearer('idToken'),
  },
  {
    key: 'e',
    label: '(e) NestJS + Fastify, same bytes',
    server: 'nestFastify',
    path: PATH,
    headers: bearer('accessToken'),
  },
  {
    // What the issue says (c) must keep, done with the stock pieces: what
    // those features cost on (e) when nobody works on their speed.
    key: 'f',
    label: '(f) NestJS + Fastify + kept features',
    server: 'nestKept',
    path: PATH,
    headers: bearer('accessToken'),
  },
  {
    // What recording the metrics costs (c): compare by round, c_metrics/c.
    key: 'c_metrics',
    label: '(c) with METRICS_PORT',
    server: 'appMetrics',
    path: PATH,
    headers: bearer('accessToken'),
  },
  {
    key: 'c_redis',
    label: '(c) with REDIS_URL',
    server: 'appRedis',
    path: PATH,
    headers: bearer('accessToken'),
  },
];
