// npm run test:busy [-- <spec files>]: npm test (the build, then the suite,
// or the files named) while another process keeps every core busy, as on a
// laptop that compiles or plays a video meanwhile. The suite must hold there:
// its waits are for events and its deadlines leave room for a slow machine
// (README, "Tests"). The hog is a separate process at the same
// priority (nice 0) with one spinning thread per core; it is stopped when the
// tests end, whatever their result.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const cores = availableParallelism();
const hog = spawn(
  process.execPath,
  [
    '-e',
    `const { Worker } = require('node:worker_threads');
     const spin = 'for (;;) { Math.sqrt(Math.random()); }';
     for (let i = 0; i < ${cores}; i++) new Worker(spin, { eval: true });`,
  ],
  { stdio: 'ignore' },
);
console.log(`test:busy: ${cores} spinning threads (pid ${hog.pid}) keep the cores busy`);

const tests = spawn('npm', ['test', '--', ...process.argv.slice(2)], { stdio: 'inherit' });
const stopHog = () => hog.kill('SIGKILL');
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    tests.kill(signal);
    stopHog();
  });
}
tests.on('exit', (code, signal) => {
  stopHog();
  process.exit(signal ? 1 : (code ?? 1));
});
