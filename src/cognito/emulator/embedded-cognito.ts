import { Logger } from '@nestjs/common';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMULATOR_PACKAGE, emulatorInstalled } from './emulator-package.js';
import type { OutboxMessage } from './outbox.js';
import { poolFile, readStoredUsers } from './pool-file.js';

const CHILD = fileURLToPath(
  new URL('./cognito-local.child.cjs', import.meta.url),
);
const HOST = '127.0.0.1';
/**
 * Only catches an emulator that never says it is ready: it does in about a
 * second on an idle machine, but past 15 s has been seen on one whose cores
 * are busy with other work, and the app then refused to start.
 */
const START_TIMEOUT_MS = 60_000;
const RESTART_DELAY_MS = 500;
const MAX_RESTARTS = 5;

/** What a provisioned emulator gives the rest of the app. */
export interface EmbeddedPool {
  endpoint: string;
  userPoolId: string;
  clientId: string;
  dataDir: string;
}

interface State {
  userPoolId: string;
  clientId: string;
  port?: number;
}

/**
 * Runs cognito-local (a development dependency, loaded only by the child
 * process) in a child process on a loopback port, with a pool and an app client provisioned once in `dataDir` and
 * reused on every later start. Codes it delivers go to `onCode`.
 */
export class EmbeddedCognito {
  private child?: ChildProcess;
  private restarts = 0;
  private readonly logger = new Logger('EmbeddedCognito');
  private pool?: EmbeddedPool;

  /** `childPath` is the PATH the emulator's process runs with (CognitoConfig.emulatorPath). */
  constructor(
    private readonly dataDir: string,
    private readonly onCode: (message: OutboxMessage) => void,
    private readonly childPath: string | undefined,
  ) {}

  async start(): Promise<EmbeddedPool> {
    // createApp refuses this first (assertEmulatorCanRun); kept for direct use.
    if (!emulatorInstalled()) {
      throw new Error(
        `The embedded Cognito emulator (${EMULATOR_PACKAGE}) is not installed.`,
      );
    }
    const dataDir = resolve(this.dataDir);
    const state = await provision(dataDir);
    const port = await freePort(state.port);
    await writeFile(
      join(dataDir, 'embedded.json'),
      JSON.stringify({ ...state, port }, null, 2),
    );
    await this.spawn(dataDir, port);
    this.pool = {
      endpoint: `http://${HOST}:${port}`,
      userPoolId: state.userPoolId,
      clientId: state.clientId,
      dataDir,
    };
    return this.pool;
  }

  /** The emulator's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * cognito-local lacks ResendConfirmationCode: delivers the stored sign-up
   * code of an unconfirmed user to the outbox again. Nothing for anyone
   * else (the route answers the same either way).
   */
  async resendSignUpCode(email: string): Promise<void> {
    if (!this.pool) return;
    const Users = await readStoredUsers(
      poolFile(this.pool.dataDir, this.pool.userPoolId),
    );
    if (!Users) {
      this.logger.warn(
        'The emulator was rewriting its pool file; no code was resent',
      );
      return;
    }
    const user = Object.values(Users).find((u) =>
      u.Attributes.some((a) => a.Name === 'email' && a.Value === email),
    );
    if (user?.UserStatus === 'UNCONFIRMED' && user.ConfirmationCode) {
      this.onCode({
        email,
        kind: 'ResendCode',
        code: user.ConfirmationCode,
        at: new Date().toISOString(),
      });
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) =>
      child.once('exit', () => done()),
    );
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  private spawn(dataDir: string, port: number): Promise<void> {
    const child = fork(CHILD, [], {
      cwd: dataDir,
      env: {
        PATH: this.childPath,
        PORT: String(port),
        HOST,
        AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
        // cognito-local's aws-sdk v2 wants some credentials, even unused ones.
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'local',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [],
    });
    this.child = child;
    let started = false;
    return new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        fail(
          new Error(
            `The embedded Cognito emulator did not start within ${START_TIMEOUT_MS} ms.`,
          ),
        );
      }, START_TIMEOUT_MS);
      child.on(
        'message',
        (message: { type: string; feature?: unknown } & OutboxMessage) => {
          if (message.type === 'unsupported') {
            this.logger.debug(
              `The embedded emulator lacks ${String(message.feature)} (cognito-local does not have it); the API does without it where it can.`,
            );
          } else if (message.type === 'ready') {
            clearTimeout(timer);
            started = true;
            ready();
          } else if (message.type === 'code') {
            this.onCode({
              email: message.email,
              kind: message.kind,
              code: message.code,
              at: message.at,
            });
          }
        },
      );
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(
          new Error(`The embedded Cognito emulator exited with code ${code}.`),
        );
        // Only a crash of a running emulator; a failed start is the caller's.
        if (started && this.child === child) {
          this.restartAfterCrash(dataDir, port, code ?? signal);
        }
      });
    });
  }

  /**
   * The emulator died while the app runs (killed, out of memory): start it
   * again on the same port and data, so the tokens and users stay valid.
   * Auth routes answer 503 meanwhile. At most MAX_RESTARTS in a row.
   */
  private restartAfterCrash(
    dataDir: string,
    port: number,
    cause: unknown,
  ): void {
    this.restarts += 1;
    if (this.restarts > MAX_RESTARTS) {
      this.logger.error(
        `The embedded Cognito emulator exited (${String(cause)}) ${MAX_RESTARTS} times; not restarting it again`,
      );
      return;
    }
    this.logger.warn(
      `The embedded Cognito emulator exited (${String(cause)}); restarting it on port ${port}`,
    );
    setTimeout(() => {
      if (!this.child) return; // stopped meanwhile
      this.spawn(dataDir, port).then(
        () => {
          this.restarts = 0;
          this.logger.log('The embedded Cognito emulator is back');
        },
        () => this.restartAfterCrash(dataDir, port, 'it did not start again'),
      );
    }, RESTART_DELAY_MS).unref();
  }
}

/**
 * What Cognito's Essentials plan needs of the pool: the first factors it
 * allows and WebAuthn's relying party, `localhost` (open the page at
 * http://localhost:<PORT>; an IP address cannot be a relying party id). A
 * passkey with user verification counts as both factors.
 */
const ESSENTIALS_POOL = {
  SignInPolicy: {
    AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'],
  },
  WebAuthnConfiguration: {
    RelyingPartyId: 'localhost',
    UserVerification: 'required',
    FactorConfiguration: 'MULTI_FACTOR_WITH_USER_VERIFICATION',
  },
};

/** Creates the pool and the app client on first use; reads them back after. */
async function provision(dataDir: string): Promise<State> {
  const db = join(dataDir, '.cognito', 'db');
  await mkdir(db, { recursive: true });
  const stateFile = join(dataDir, 'embedded.json');
  const state: State = existsSync(stateFile)
    ? (JSON.parse(await readFile(stateFile, 'utf8')) as State)
    : {
        userPoolId: `local_${randomId(8)}`,
        clientId: randomId(26).toLowerCase(),
      };

  const poolFile = join(db, `${state.userPoolId}.json`);
  if (!existsSync(poolFile)) {
    await writeFile(
      poolFile,
      JSON.stringify({
        Users: {},
        Options: {
          Id: state.userPoolId,
          Name: 'nest-cognito-auth',
          UsernameAttributes: ['email'],
          AutoVerifiedAttributes: ['email'],
          MfaConfiguration: 'OPTIONAL',
          ...ESSENTIALS_POOL,
        },
      }),
    );
  } else {
    // A data folder from before passkeys: the pool gains them once.
    const stored = JSON.parse(await readFile(poolFile, 'utf8')) as {
      Options: Record<string, unknown>;
    };
    if (!stored.Options.WebAuthnConfiguration) {
      stored.Options = { ...ESSENTIALS_POOL, ...stored.Options };
      await writeFile(poolFile, JSON.stringify(stored));
    }
  }
  const clientsFile = join(db, 'clients.json');
  const clients = existsSync(clientsFile)
    ? (JSON.parse(await readFile(clientsFile, 'utf8')) as {
        Clients: Record<string, unknown>;
      })
    : { Clients: {} };
  const client = clients.Clients[state.clientId] as
    { ExplicitAuthFlows?: string[] } | undefined;
  if (!client) {
    clients.Clients[state.clientId] = {
      ClientId: state.clientId,
      ClientName: 'nest-cognito-auth',
      UserPoolId: state.userPoolId,
      ExplicitAuthFlows: [
        'ALLOW_USER_PASSWORD_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
        'ALLOW_USER_AUTH',
      ],
    };
    await writeFile(clientsFile, JSON.stringify(clients));
  } else if (!client.ExplicitAuthFlows?.includes('ALLOW_USER_AUTH')) {
    client.ExplicitAuthFlows = [
      ...(client.ExplicitAuthFlows ?? []),
      'ALLOW_USER_AUTH',
    ];
    await writeFile(clientsFile, JSON.stringify(clients));
  }
  return {
    userPoolId: state.userPoolId,
    clientId: state.clientId,
    port: state.port,
  };
}

function randomId(length: number): string {
  const alphabet =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(
    randomBytes(length),
    (b) => alphabet[b % alphabet.length],
  ).join('');
}

/** The preferred port when it is free (tokens keep their issuer across restarts), else any. */
async function freePort(preferred?: number): Promise<number> {
  if (preferred) {
    const port = await listenOnce(preferred).catch(() => undefined);
    if (port) return port;
  }
  return listenOnce(0);
}

function listenOnce(port: number): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(port, HOST, () => {
      const address = server.address();
      server.close(() =>
        done(typeof address === 'object' && address ? address.port : port),
      );
    });
  });
}
