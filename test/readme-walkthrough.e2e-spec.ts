import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cleanEnv,
  freePort,
  ROOT,
  startBuiltApp,
  type StartedApp,
} from './support/process.js';
import {
  commandsOf,
  differences,
  MARKER,
  parseShape,
  recordedCalls,
  textMatches,
  walkthroughBlocks,
  walkthroughScript,
  type Call,
  type Command,
  type Expectation,
} from './support/readme-walkthrough.js';
import { START_WITHIN_MS } from './support/timing.js';

/**
 * The README's walkthroughs, run as a user pastes them: every bash block
 * marked `<!-- walkthrough -->` (CONTRIBUTING.md, "README walkthroughs are
 * tested"), in the README's order, in one bash, against the built app in
 * embedded mode (a fresh emulator, as after `rm -rf .cognito-local`), and
 * each curl command's answer compared with the comment below it: the status,
 * the body's shape and the headers it shows.
 */
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = walkthroughBlocks(README);
const commands: Command[] = blocks.flatMap((block) => block.commands);
const curlCommands = commands
  .map((command, index) => ({
    ...command,
    index,
    summary: command.text.split('\n')[0].trim().slice(0, 80),
  }))
  .filter((command) => command.callsCurl);

/** The URLs the README uses, and the ones a metrics walkthrough would. */
const README_API = 'http://localhost:3000';
const README_METRICS = 'http://localhost:9464';

/** The sections whose blocks are the walkthrough: each keeps its marker. */
const SECTIONS = [
  '## Walkthrough with curl',
  '### Two-factor login with an authenticator app (TOTP)',
  '### Cookie mode',
];

/** Where `call` differs from what the README says of it. */
function mismatches(expected: Expectation, call: Call): string[] {
  const found: string[] = [];
  if (call.status !== expected.status)
    found.push(`status: expected ${expected.status}, got ${call.status}`);
  if (expected.body) {
    let body: unknown;
    try {
      body = JSON.parse(call.body);
    } catch {
      found.push(`body: expected JSON, got ${JSON.stringify(call.body)}`);
    }
    if (body !== undefined) found.push(...differences(expected.body, body));
  }
  for (const [name, value] of expected.headers) {
    const actual = call.headers.get(name);
    if (actual === undefined || !textMatches(value, actual))
      found.push(`header ${name}: expected ${value}, got ${actual ?? 'none'}`);
  }
  return found;
}

describe('the README walkthroughs, pasted in order into bash', () => {
  let workDir: string;
  let app: StartedApp;
  let run: { code: number | null; stdout: string; stderr: string };
  let calls: Call[];

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'readme-walkthrough-'));
    const dataDir = join(workDir, 'cognito-local');
    const recordDir = join(workDir, 'requests');
    const shellDir = join(workDir, 'clone');
    await Promise.all([mkdir(recordDir), mkdir(shellDir)]);
    // The user's terminal is in the clone's folder (the TOTP part uses its
    // otplib); the files a block writes (jar.txt) stay in the test's folder.
    await symlink(join(ROOT, 'node_modules'), join(shellDir, 'node_modules'));

    const metricsPort = await freePort();
    app = await startBuiltApp({
      ...cleanEnv(),
      NODE_ENV: 'development',
      METRICS_PORT: String(metricsPort),
      COGNITO_LOCAL_DIR: dataDir,
    });
    const baseUrl = `http://localhost:${app.port}`;

    const script = join(workDir, 'walkthrough.sh');
    await writeFile(
      script,
      walkthroughScript(
        commands,
        recordDir,
        new Map([
          [README_API, baseUrl],
          [README_METRICS, `http://localhost:${metricsPort}`],
        ]),
      ),
    );
    run = await new Promise((done, fail) => {
      const child = spawn('bash', [script], {
        cwd: shellDir,
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
        // Only catches a hang: the walk takes seconds.
        timeout: 180_000,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
      child.once('error', fail);
      child.once('close', (code) => done({ code, stdout, stderr }));
    });
    calls = await recordedCalls(recordDir);
  }, START_WITHIN_MS + 200_000);

  afterAll(async () => {
    if (app) {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('finds a marked bash block in each walkthrough section', () => {
    const headings = [...README.matchAll(/^#{2,3} .*$/gm)];
    for (const section of SECTIONS) {
      const start = headings.findIndex((h) => h[0] === section);
      expect(start, `README has the section ${section}`).toBeGreaterThanOrEqual(
        0,
      );
      const body = README.slice(
        headings[start].index,
        headings[start + 1]?.index ?? README.length,
      );
      expect(body, `${section} marks its block`).toContain(
        `${MARKER}\n\`\`\`bash`,
      );
    }
    expect(blocks.length).toBeGreaterThanOrEqual(SECTIONS.length);
  });

  it('states the answer of every curl command, and of nothing else', () => {
    const unstated = curlCommands
      .filter((command) => !command.expected)
      .map((command) => `line ${command.line}: ${command.text}`);
    expect(unstated).toEqual([]);
    const stray = commands
      .filter((command) => !command.callsCurl && command.expected)
      .map((command) => `line ${command.line}: ${command.text}`);
    expect(stray).toEqual([]);
  });

  it('runs every block to its end, each curl command making one request', () => {
    expect(
      run.code,
      `bash exited ${run.code}\nstderr: ${run.stderr}\nstdout: ${run.stdout.slice(-2000)}`,
    ).toBe(0);
    expect(run.stderr).toBe('');
    expect(calls.map((call) => call.command)).toEqual(
      curlCommands.map((command) => command.index),
    );
  });

  it.each(curlCommands)(
    'README line $line answers as its comment says: $summary',
    ({ index, text, expected }) => {
      const call = calls.find((c) => c.command === index);
      expect(call, `no request was made for: ${text}`).toBeDefined();
      expect(
        mismatches(expected!, call!),
        `${text}\nanswered ${call!.status} ${call!.body.slice(0, 500)}`,
      ).toEqual([]);
    },
  );

  it('would fail on a wrong status, a missing key, a key left out or a wrong header', () => {
    const register = calls.find((call) =>
      commands[call.command].text.includes('/auth/register'),
    );
    expect(register?.status).toBe(201);
    const body = JSON.parse(register!.body) as Record<string, unknown>;
    const right: Expectation = {
      status: 201,
      body: parseShape(
        '{"userSub":"…","userConfirmed":false,"codeDeliveryDestination":"ash@example.com"}',
      ).shape,
      headers: [['cache-control', 'no-store']],
    };
    expect(mismatches(right, register!)).toEqual([]);
    expect(mismatches({ ...right, status: 200 }, register!)).toEqual([
      'status: expected 200, got 201',
    ]);
    expect(
      mismatches(
        {
          ...right,
          body: parseShape('{"userSub":"…","userConfirmed":false}').shape,
        },
        register!,
      ),
    ).toEqual([
      `$.codeDeliveryDestination: not in the README (${JSON.stringify(body.codeDeliveryDestination)})`,
    ]);
    expect(
      mismatches(
        {
          ...right,
          body: parseShape(
            '{"userSub":"…","userConfirmed":true,"username":"…",…}',
          ).shape,
        },
        register!,
      ),
    ).toEqual([
      '$.userConfirmed: expected true, got false',
      '$.username: missing',
    ]);
    expect(
      mismatches({ ...right, headers: [['x-total-count', '1025']] }, register!),
    ).toEqual(['header x-total-count: expected 1025, got none']);
  });
});

describe('reading a walkthrough block', () => {
  it('takes a status from the comment below a command or at its end, then JSON and headers', () => {
    const lines = [
      'API=http://localhost:3000/api/v1',
      '# 1. Prose before a command is no expectation.',
      'curl -s -X POST $API/auth/logout -H "$JSON" \\',
      '  -d "{\\"refreshToken\\":\\"$REFRESH\\"}"',
      '# 204: prose after the status',
      '# x-prose: not a header once prose began',
      'curl -si "$API/pokemons?limit=3" # 200 [{"id":1,…},…]',
      '# x-total-count: 1025',
      '# (prose)',
      'LOGIN=$(curl -s "$API/x"); echo "# not a comment"',
      '',
      '# 200 {"after":"a blank line: prose"}',
    ];
    const read = commandsOf(lines, 10);
    expect(
      read.map(({ line, callsCurl, expected }) => ({
        line,
        callsCurl,
        status: expected?.status,
        headers: expected?.headers,
      })),
    ).toEqual([
      { line: 10, callsCurl: false, status: undefined, headers: undefined },
      { line: 12, callsCurl: true, status: 204, headers: [] },
      {
        line: 16,
        callsCurl: true,
        status: 200,
        headers: [['x-total-count', '1025']],
      },
      { line: 19, callsCurl: true, status: undefined, headers: undefined },
    ]);
    expect(read[1].text).toBe(lines.slice(2, 4).join('\n'));
    expect(
      differences(read[2].expected!.body!, [{ id: 1, name: 'x' }]),
    ).toEqual([]);
    expect(differences(read[2].expected!.body!, [{ id: 2 }])).toEqual([
      '$[0].id: expected 1, got 2',
    ]);
  });

  it('refuses a body that is not JSON, and … anywhere but at the end of an array', () => {
    expect(() => commandsOf(['curl -s x', '# 200 {status: ok}'], 1)).toThrow(
      /line 2: the body after the status is not JSON/,
    );
    expect(() => parseShape('[…, 1]')).toThrow(/must be the last item/);
  });
});
