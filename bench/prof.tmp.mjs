import { fork } from 'node:child_process';
import autocannon from 'autocannon';
const { EmbeddedCognito } =
  await import('/work/main/dist-bench/src/cognito/emulator/embedded-cognito.js');
const emu = new EmbeddedCognito('/tmp/prof-cognito', () => {});
const pool = await emu.start();
const env = {
  ...process.env,
  NODE_ENV: 'development',
  AWS_COGNITO_USER_POOL_ID: pool.userPoolId,
  AWS_COGNITO_CLIENT_ID: pool.clientId,
  AWS_COGNITO_ENDPOINT: pool.endpoint,
};
const child = fork('/work/main/dist-bench/bench/servers/app.server.js', [], {
  env,
  execArgv: (process.env.ARGS || '').split(' ').filter(Boolean),
});
const port = await new Promise((r) =>
  child.on('message', (m) => m.type === 'ready' && r(m.port)),
);
for (const path of (
  process.env.PATHS || '/api/v1/bench/pokemons?limit=151'
).split(',')) {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    connections: 50,
    duration: Number(process.env.SECS || 5),
  });
  console.log(path, Math.round(r.requests.average), r.non2xx);
}
const fs = await import('node:fs');
const st = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
console.log(/VmRSS.*/.exec(st)[0], /VmHWM.*/.exec(st)[0]);
child.disconnect();
await emu.stop();
