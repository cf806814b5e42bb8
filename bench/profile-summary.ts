import { readFileSync } from 'node:fs';

/**
 * Self time of a V8 CPU profile (`node --cpu-prof`, or BENCH_CPU_PROF with
 * npm run bench), summed by function and by package or file:
 * `node dist-bench/bench/profile-summary.js <file.cpuprofile> [top]`.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, windowArg] = process.argv.slice(2);
if (!file) {
  throw new Error(
    'usage: profile-summary <file.cpuprofile> [top] [fromUs,toUs]',
  );
}
const top = Number(topArg ?? 40);
/**
 * Only the samples between two instants of the monotonic clock, in µs
 * (`process.hrtime.bigint() / 1000n` in any process of the machine): the
 * load, without the boot.
 */
const [fromUs, toUs] = windowArg
  ? windowArg.split(',').map(Number)
  : [-Infinity, Infinity];
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) {
  for (const child of node.children ?? []) parent.set(child, node.id);
}
/** Time the process was waiting, not working: left out of the shares. */
const IDLE = new Set(['(idle)', '(program)']);
const selfUs = new Map<number, number>();
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] ?? 0;
  if (at < fromUs || at > toUs) return;
  if (IDLE.has(byId.get(id)!.callFrame.functionName)) return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

/** A package name (node_modules/x or @scope/x), a file of src/, or the runtime. */
function where(url: string): string {
  if (!url) return '(runtime)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url;
}

function nameOf(id: number): string {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  return `${functionName || '(anonymous)'} ${where(url)}:${lineNumber + 1}`;
}

const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
/** Time with the function (or the app's file) anywhere on the stack. */
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const name = nameOf(id);
  const place = where(byId.get(id)!.callFrame.url);
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = nameOf(at);
    if (!seen.has(frame)) {
      seen.add(frame);
      inclusive.set(frame, (inclusive.get(frame) ?? 0) + us);
    }
  }
}

function print(title: string, table: Map<string, number>): void {
  console.log(`\n${title}`);
  for (const [name, us] of [...table]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
  }
}

console.log(
  `${(total / 1e6).toFixed(1)} s of CPU sampled (idle left out), ${profile.samples.length} samples`,
);
print('self time by package or file', byPlace);
print('self time by function', byFunction);
print('total time (self and callees) by function', inclusive);
