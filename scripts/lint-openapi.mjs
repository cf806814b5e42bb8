// npm run lint:openapi: the OpenAPI document the app serves at /docs-json,
// linted by Redocly CLI with redocly.yaml; exits 1 on any error or warning
// (Redocly itself fails on errors only). Reads the build in dist/ (npm run
// lint:openapi builds first). test/http/openapi.spec.ts does the same on a
// running app in `npm test`.
//
// The app is built in AWS mode against an address where nothing listens
// (its boot-time checks fail quietly, nothing leaves the machine) and the
// document is asked for through Fastify's in-process inject: no port.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
Object.assign(process.env, {
  // NODE_ENV=test: a developer's .env is not read.
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  AWS_COGNITO_USER_POOL_ID: 'local_openapi',
  AWS_COGNITO_CLIENT_ID: 'openapidocument',
  AWS_COGNITO_ENDPOINT: 'http://127.0.0.1:9',
  AWS_COGNITO_AUTHORITY: 'http://127.0.0.1:9/local_openapi',
});
const { createApp } = await import(join(root, 'dist/app.factory.js'));
const app = await createApp();
const answer = await app
  .getHttpAdapter()
  .getInstance()
  .inject({ method: 'GET', url: '/docs-json' });
await app.close();
if (answer.statusCode !== 200) {
  console.error(`GET /docs-json answered ${answer.statusCode}`);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
const file = join(dir, 'openapi.json');
writeFileSync(file, answer.body);
const lint = spawnSync(
  join(root, 'node_modules/.bin/redocly'),
  ['lint', file, '--config', join(root, 'redocly.yaml'), '--format=json'],
  {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      REDOCLY_TELEMETRY: 'off',
      REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    },
  },
);
rmSync(dir, { recursive: true, force: true });
let report;
try {
  report = JSON.parse(lint.stdout);
} catch {
  console.error(`redocly lint gave no report (exit ${lint.status}):`);
  console.error(lint.stdout, lint.stderr);
  process.exit(1);
}
for (const problem of report.problems) {
  const where = problem.location.map((l) => l.pointer).join(', ');
  console.log(`${problem.severity} ${problem.ruleId} at ${where}: ${problem.message}`);
}
const { errors, warnings } = report.totals;
console.log(`OpenAPI document: ${errors} errors, ${warnings} warnings (Redocly ${report.version})`);
process.exit(errors + warnings === 0 ? 0 : 1);
