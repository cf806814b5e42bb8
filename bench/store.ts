/*
 * Store micro-bench: the latency of one counter hit, one revocation and one
 * sign-out cutoff, as the app calls them, on one Redis and on a 3-master
 * Redis Cluster (both started here: Debian's redis-server and redis-cli).
 * The guarded route never waits on Redis (it reads the local mirror), so
 * these are the waits of the routes that write: login (counters), logout
 * (revocation), sign-out everywhere (cutoff).
 *
 *   npm run bench:store            (STORE_BENCH_OPS=2000 by default)
 */
import { Logger } from '@nestjs/common';
import { Cluster, Redis } from 'ioredis';
import { RedisSharedStore } from '../src/store/redis.store.js';
import { storedKey } from '../src/store/store-keys.js';
import { startRedis, startRedisCluster } from '../test/support/redis.js';

const OPS = Number(process.env.STORE_BENCH_OPS ?? 2000);

interface Row {
  where: string;
  op: string;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function measure(
  call: (i: number) => Promise<unknown>,
): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 100; i++) await call(-i - 1); // warm-up
  const times: number[] = [];
  for (let i = 0; i < OPS; i++) {
    const start = process.hrtime.bigint();
    await call(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

interface Held {
  revocations: number;
  cutoffs: number;
  hits: number;
}

async function bench(
  where: string,
  store: RedisSharedStore,
  stored: () => Promise<Held>,
): Promise<Row[]> {
  await store.start();
  try {
    const rows: Row[] = [];
    const ops: [string, (i: number) => Promise<unknown>][] = [
      ['counter hit', (i) => store.hit(`email-${i % 50}`, 60_000)],
      [
        'revocation',
        (i) => store.revoke([`jti-${i}`, `origin-${i}`], 3_600_000),
      ],
      ['cutoff', (i) => store.setCutoff(`user-${i}`, 1_700_000_000, 3_600_000)],
    ];
    for (const [op, call] of ops) {
      rows.push({ where, op, ...(await measure(call)) });
    }
    // Every call reached Redis (a counter would fall back to memory silently).
    const held = await stored();
    if (held.revocations < 2 * OPS || held.cutoffs < OPS || held.hits < OPS) {
      throw new Error(
        `${where}: not every call reached Redis (${JSON.stringify(held)})`,
      );
    }
    return rows;
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const single = await startRedis();
  const cluster = await startRedisCluster();
  try {
    const held = (client: Redis | Cluster) => async (): Promise<Held> => {
      const counters = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          client.get(`nca:c:${storedKey(`email-${i}`)}`),
        ),
      );
      return {
        revocations: await client.zcard('nca:{s}rev'),
        cutoffs: await client.hlen('nca:{s}cut'),
        hits: counters.reduce((sum, n) => sum + Number(n ?? 0), 0),
      };
    };
    const raw = new Redis(single.url);
    const rawCluster = new Cluster(cluster.nodes);
    const rows = [
      ...(await bench(
        'one Redis',
        new RedisSharedStore({ url: single.url, timeoutMs: 1000 }),
        held(raw),
      )),
      ...(await bench(
        '3-master cluster',
        new RedisSharedStore({ clusterNodes: cluster.nodes, timeoutMs: 1000 }),
        held(rawCluster),
      )),
    ];
    raw.disconnect();
    rawCluster.disconnect();
    console.log(
      `| where | operation | p50 ms | p99 ms |  (${OPS} calls each, one at a time)`,
    );
    console.log('|---|---|---|---|');
    for (const row of rows) {
      console.log(
        `| ${row.where} | ${row.op} | ${row.p50.toFixed(3)} | ${row.p99.toFixed(3)} |`,
      );
    }
  } finally {
    await Promise.all([single.stop(), cluster.stop()]);
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
