import autocannon from 'autocannon';
import type { GeneratorCounts, LoadOptions } from './loadgen.js';

/**
 * The fallback load generator, in a process of its own (so that it does
 * not share an event loop with the orchestrator): one autocannon run, its
 * counts printed as JSON on stdout.
 */
const options = JSON.parse(process.argv[2]) as LoadOptions & { url: string };
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.seconds,
  headers: options.headers,
  method: options.method ?? 'GET',
  body: options.body,
});
const counts: GeneratorCounts = {
  total: result.requests.total,
  elapsedSeconds: result.duration,
  p99: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
};
process.stdout.write(JSON.stringify(counts));
