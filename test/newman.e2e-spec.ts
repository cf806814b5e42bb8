import newman, { type NewmanRunExecution, type NewmanRunSummary } from 'newman';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cleanEnv,
  ROOT,
  startBuiltApp,
  type StartedApp,
} from './support/process.js';
import { START_WITHIN_MS } from './support/timing.js';

interface CollectionItem {
  name: string;
  item?: CollectionItem[];
  request?: unknown;
}

const readJson = (...path: string[]): unknown =>
  JSON.parse(readFileSync(join(ROOT, ...path), 'utf8'));

const collection = readJson(
  'postman',
  'nest-cognito-auth.postman_collection.json',
) as { item: CollectionItem[] };
const environment = readJson(
  'postman',
  'nest-cognito-auth.postman_environment.json',
) as object;

/** The collection's requests, in the order a run sends them (folders depth first). */
const requestNames = (items: CollectionItem[]): string[] =>
  items.flatMap((item) =>
    item.item ? requestNames(item.item) : item.request ? [item.name] : [],
  );

/** What follows `node` in `npm run start:prod`: its flags and the entry point. */
function startProdArgs(): string[] {
  const { scripts } = readJson('package.json') as {
    scripts: Record<string, string>;
  };
  const [command, ...args] = scripts['start:prod'].trim().split(/\s+/);
  if (command !== 'node')
    throw new Error(`start:prod does not start with node: ${command}`);
  return args;
}

/** `given`: more `--env-var` values, as a user adds them on the command line. */
function runCollection(
  baseUrl: string,
  given: Record<string, string>,
): Promise<NewmanRunSummary> {
  return new Promise((done, fail) => {
    newman.run(
      {
        collection,
        environment,
        envVar: [
          { key: 'baseUrl', value: baseUrl },
          ...Object.entries(given).map(([key, value]) => ({ key, value })),
        ],
        reporters: [],
        // Only catches a request that hangs: a busy machine can be slow.
        timeoutRequest: 60_000,
      },
      (error, summary) => (error ? fail(error) : done(summary)),
    );
  });
}

/** The answer a request got, short enough to read in a failure message. */
function answerOf(execution: NewmanRunExecution | undefined): string {
  const response = execution?.response;
  if (!response) return 'no response';
  return `${response.code} ${(response.text() ?? '').slice(0, 300)}`;
}

/**
 * The Postman collection as a user runs it: newman, top to bottom, with the
 * environment file, against the built app started as `npm run start:prod`
 * starts it, in embedded mode (a fresh emulator data folder).
 */
/** A fresh address for the run given an email (`--env-var email=...`). */
const GIVEN_EMAIL = `misty.${Date.now().toString(36)}@example.com`;

describe.each([
  { run: 'with the email it picks', given: {} },
  {
    run: `with --env-var email=${GIVEN_EMAIL}`,
    given: { email: GIVEN_EMAIL } as Record<string, string>,
  },
])(
  'the Postman collection, run with newman against the built app, $run',
  ({ given }) => {
    let dataDir: string;
    let app: StartedApp;
    let summary: NewmanRunSummary;
    /**
     * One per request of the collection. newman pushes the same execution
     * object again for each pm.sendRequest of its scripts ("Login (as admin)"
     * calls the emulator), ending with the request itself.
     */
    const executions = (): NewmanRunExecution[] => [
      ...new Set(summary.run.executions),
    ];

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'cognito-local-newman-'));
      app = await startBuiltApp(
        {
          ...cleanEnv(),
          NODE_ENV: 'development',
          COGNITO_LOCAL_DIR: dataDir,
        },
        { args: startProdArgs() },
      );
      const baseUrl = `http://localhost:${app.port}`;
      // The TOTP requests may wait for the next 30 s step: a code is good once.
      summary = await runCollection(baseUrl, given);
      // A start and the run (a minute on an idle machine, most of it waiting
      // for TOTP steps), with room for a machine whose cores are busy.
    }, START_WITHIN_MS + 240_000);

    afterAll(async () => {
      if (app) {
        app.child.kill('SIGTERM');
        await app.exited;
      }
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('sends every request of the collection, once each, in order', () => {
      expect(executions().map((e) => e.item.name)).toEqual(
        requestNames(collection.item),
      );
    });

    it('gets an answer to every request (no request error)', () => {
      const errors = executions()
        .filter((e) => 'requestError' in e && e.requestError)
        .map((e) => e.item.name);
      expect(errors).toEqual([]);
      expect(summary.run.stats.requests.failed).toBe(0);
    });

    it('has no failed assertion and no script error', () => {
      const failures = summary.run.failures.map((failure) => {
        const name = failure.source?.name ?? '(collection)';
        const execution = executions().find(
          (e) => e.item.id === failure.source?.id,
        );
        return `${name} [${failure.at}] ${failure.error.test ?? failure.error.name}: ${failure.error.message} (answer: ${answerOf(execution)})`;
      });
      expect(failures).toEqual([]);
      expect(summary.run.stats.assertions.failed).toBe(0);
      expect(summary.run.stats.testScripts.failed).toBe(0);
      expect(summary.run.stats.prerequestScripts.failed).toBe(0);
    });

    it('tests every request, none skipped', () => {
      const untested = executions()
        .filter((e) => (e.assertions ?? []).length === 0)
        .map((e) => e.item.name);
      expect(untested).toEqual([]);
      const skipped = executions().flatMap((e) =>
        (e.assertions ?? [])
          .filter((a) => a.skipped)
          .map((a) => `${e.item.name}: ${a.assertion}`),
      );
      expect(skipped).toEqual([]);
    });

    it('registers the email given at run time, and derives every other address from it', () => {
      const sent = executions().flatMap((e) => {
        const raw = (e.request.body as { raw?: string } | undefined)?.raw;
        const email = raw
          ? (JSON.parse(raw) as { email?: unknown }).email
          : undefined;
        return typeof email === 'string' ? [{ name: e.item.name, email }] : [];
      });
      const registered = sent.find((s) => s.name === 'Register')?.email;
      expect(registered).toEqual(expect.any(String));
      if (given.email) expect(registered).toBe(given.email);
      const [local, domain] = registered!.split('@');
      for (const { name, email } of sent) {
        expect(
          email === registered ||
            (email.startsWith(`${local}-`) && email.endsWith(`@${domain}`)),
          `${name} sends ${email}`,
        ).toBe(true);
      }
    });

    it('tests the status of every request', () => {
      const withoutStatus = executions()
        .filter(
          (e) =>
            !(e.assertions ?? []).some((a) =>
              /^answers \d{3}$/.test(a.assertion),
            ),
        )
        .map((e) => e.item.name);
      expect(withoutStatus).toEqual([]);
    });
  },
);
