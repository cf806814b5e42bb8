// npm start: build dist/ (scripts/build.mjs: SWC, as nest-cli.json says)
// when a source is newer than the build, then run the built app with the
// flags of npm run start:prod. An up-to-date build is not rebuilt, so a
// start (or a configuration error) takes the app's own time only. Type
// checking is npm run check's (and CI's) job, not the start's.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_STAMP, build } from './build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

/** What the build is made from: a change to any of them rebuilds. */
const INPUTS = [
  'src',
  'scripts/build.mjs',
  'public',
  '.swcrc',
  'nest-cli.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
];
const MAIN = 'dist/main.js';

function newestChange(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted or renamed file changes its folder
  for (const entry of readdirSync(path)) {
    newest = Math.max(newest, newestChange(join(path, entry)));
  }
  return newest;
}

/** When the last complete build ended (its stamp), or -1 for none. */
function builtAt() {
  try {
    return statSync(BUILD_STAMP).mtimeMs;
  } catch {
    return -1;
  }
}

if (Math.max(...INPUTS.map(newestChange)) >= builtAt()) {
  await build().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

// The same node flags as npm run start:prod, read from package.json so the
// two cannot drift apart.
const { scripts } = JSON.parse(readFileSync('package.json', 'utf8'));
const flags = scripts['start:prod'].trim().split(/\s+/).slice(1, -1);
const app = spawn(process.execPath, [...flags, MAIN], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => app.kill(signal));
}
app.on('exit', (code, signal) => {
  process.exit(signal ? 128 + constants.signals[signal] : (code ?? 1));
});
