import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './process.js';

/** A redis-server of the test's own, on a loopback port, keeping nothing on disk. */
export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
  /** Kills the server and starts a new, empty one on the same port. */
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** Whether the server answers PING (PONG, or NOAUTH) within timeoutMs. */
export function redisAnswers(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const finish = (answer: boolean): void => {
      socket.destroy();
      done(answer);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      // A server with a password answers too, refusing (NOAUTH).
      if (reply.includes('\r\n')) {
        finish(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
      }
    });
    socket.once('error', () => finish(false));
  });
}

async function launch(
  port: number,
  dir: string,
  extra: string[] = [],
): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--loglevel',
      'warning',
      ...extra,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return answering(child, port);
}

/** The child once it answers PING on the port, or killed after 5 s. */
async function answering(
  child: ChildProcess,
  port: number,
): Promise<ChildProcess> {
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await redisAnswers(port, 200)) return child;
    await Promise.race([exited, new Promise((r) => setTimeout(r, 50))]);
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer PING on port ${port}`);
}

/**
 * Starts `redis-server` (the Debian package; .ci/run installs it) on a free
 * loopback port with a temporary folder (and the `extra` arguments), and
 * waits until it answers PING.
 * A port taken meanwhile by someone else is retried on another.
 */
export async function startRedis(extra: string[] = []): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-test-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let child: ChildProcess;
    try {
      child = await launch(port, dir, extra);
    } catch (error) {
      lastError = error;
      continue;
    }
    let running = child;
    const kill = async (): Promise<void> => {
      if (running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((r) => running.once('exit', r));
      running.kill('SIGCONT');
      running.kill('SIGKILL');
      await exited;
    };
    return {
      port,
      url: `redis://127.0.0.1:${port}`,
      pause: () => void running.kill('SIGSTOP'),
      resume: () => void running.kill('SIGCONT'),
      restart: async () => {
        await kill();
        running = await launch(port, dir, extra);
      },
      stop: async () => {
        await kill();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

/** Kills the process (even a paused one) and waits for its exit. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGCONT');
  child.kill('SIGKILL');
  await exited;
}

/** redis-cli with these arguments; its output, or throws with it. */
export function redisCli(args: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      'redis-cli',
      args,
      { timeout: timeoutMs },
      (error, stdout, stderr) =>
        error ? fail(new Error(`${error.message} ${stderr}`)) : done(stdout),
    );
  });
}

/** Polls until `check` holds (every 50 ms), or throws after timeoutMs. */
async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

/** A Redis Cluster of the test's own: three masters, no replicas, on loopback. */
export interface RedisClusterServers {
  /** The seed nodes, as REDIS_CLUSTER_NODES takes them. */
  readonly nodes: { host: string; port: number }[];
  /** "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3" */
  readonly nodesVariable: string;
  stop(): Promise<void>;
}

/**
 * Starts three cluster-enabled redis-servers (with `tls`, also on a TLS
 * port each, their bus in TLS, and `nodes` the TLS ports), joins them with
 * `redis-cli --cluster create` (the slots split between them) and waits
 * until every node says cluster_state:ok.
 */
export async function startRedisCluster(
  options: { tls?: { certFile: string; keyFile: string; caFile: string } } = {},
): Promise<RedisClusterServers> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const tlsPorts: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const bus = await freePort();
      const own = join(dir, String(i));
      await mkdir(own);
      const tlsPort = options.tls ? await freePort() : undefined;
      const tls = options.tls
        ? [
            '--tls-port',
            String(tlsPort),
            '--tls-cluster',
            'yes',
            '--tls-cert-file',
            options.tls.certFile,
            '--tls-key-file',
            options.tls.keyFile,
            '--tls-ca-cert-file',
            options.tls.caFile,
            '--tls-auth-clients',
            'no',
          ]
        : [];
      if (tlsPort !== undefined) tlsPorts.push(tlsPort);
      children.push(
        await launch(port, own, [
          '--cluster-enabled',
          'yes',
          '--cluster-port',
          String(bus),
          '--cluster-config-file',
          join(own, 'nodes.conf'),
          '--cluster-node-timeout',
          '2000',
          ...tls,
        ]),
      );
      ports.push(port);
    }
    await redisCli([
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-yes',
    ]);
    for (const port of ports) {
      await until(
        async () =>
          (await redisCli(['-p', String(port), 'cluster', 'info'])).includes(
            'cluster_state:ok',
          ),
        15_000,
        `cluster node ${port} ok`,
      );
    }
  } catch (error) {
    await Promise.all(children.map(kill));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  // With TLS, the seed nodes are the TLS ports (the plain ones set it up).
  const nodes = (options.tls ? tlsPorts : ports).map((port) => ({
    host: '127.0.0.1',
    port,
  }));
  return {
    nodes,
    nodesVariable: nodes.map((n) => `${n.host}:${n.port}`).join(','),
    stop: async () => {
      await Promise.all(children.map(kill));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A master, its replica and one sentinel watching them, of the test's own. */
export interface RedisSentinelServers {
  readonly sentinels: { host: string; port: number }[];
  /** "127.0.0.1:<sentinel port>", as REDIS_SENTINELS takes it. */
  readonly sentinelsVariable: string;
  /** The monitored master's name (mymaster). */
  readonly name: string;
  /** The port of the server that is master now, as the sentinel says. */
  masterPort(): Promise<number>;
  /**
   * Kills the master and waits until the sentinel has promoted the
   * replica (it names another master); answers the new master's port.
   */
  failover(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts a master, a replica of it and a sentinel (quorum 1, the master
 * deemed down after 500 ms; with `sentinelPassword`, the sentinel's own
 * password), and waits until the replica is in sync and the sentinel
 * knows both.
 */
export async function startRedisSentinel(
  options: { sentinelPassword?: string } = {},
): Promise<RedisSentinelServers> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-sentinel-'));
  const children = new Map<number, ChildProcess>();
  const name = 'mymaster';
  try {
    const masterPort = await freePort();
    await mkdir(join(dir, 'm'));
    children.set(masterPort, await launch(masterPort, join(dir, 'm')));
    const replicaPort = await freePort();
    await mkdir(join(dir, 'r'));
    children.set(
      replicaPort,
      await launch(replicaPort, join(dir, 'r'), [
        '--replicaof',
        '127.0.0.1',
        String(masterPort),
      ]),
    );
    await until(
      async () =>
        (
          await redisCli(['-p', String(replicaPort), 'info', 'replication'])
        ).includes('master_link_status:up'),
      10_000,
      'replica in sync',
    );
    const sentinelPort = await freePort();
    const config = join(dir, 'sentinel.conf');
    await writeFile(
      config,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${name} 500`,
        `sentinel failover-timeout ${name} 2000`,
        `sentinel parallel-syncs ${name} 1`,
        ...(options.sentinelPassword
          ? [`requirepass ${options.sentinelPassword}`]
          : []),
        '',
      ].join('\n'),
    );
    const sentinel = spawn(
      'redis-server',
      [config, '--sentinel', '--loglevel', 'warning'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.set(sentinelPort, await answering(sentinel, sentinelPort));
    const auth = options.sentinelPassword
      ? ['--no-auth-warning', '-a', options.sentinelPassword]
      : [];
    const askMaster = async (): Promise<number> => {
      const out = await redisCli([
        ...auth,
        '-p',
        String(sentinelPort),
        'sentinel',
        'get-master-addr-by-name',
        name,
      ]);
      return Number(out.trim().split('\n')[1]);
    };
    await until(
      async () =>
        (
          await redisCli([
            ...auth,
            '-p',
            String(sentinelPort),
            'sentinel',
            'replicas',
            name,
          ])
        ).includes(String(replicaPort)),
      10_000,
      'sentinel knows the replica',
    );
    const sentinels = [{ host: '127.0.0.1', port: sentinelPort }];
    return {
      sentinels,
      sentinelsVariable: `127.0.0.1:${sentinelPort}`,
      name,
      masterPort: askMaster,
      failover: async () => {
        const old = await askMaster();
        const child = children.get(old);
        if (child) await kill(child);
        let now = old;
        await until(
          async () => {
            now = await askMaster();
            return now !== old && (await redisAnswers(now));
          },
          20_000,
          'the sentinel promotes the replica',
        );
        return now;
      },
      stop: async () => {
        await Promise.all([...children.values()].map(kill));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all([...children.values()].map(kill));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
