import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmbeddedCognito,
  type EmbeddedPool,
} from '../../src/cognito/emulator/embedded-cognito.js';
import type { OutboxMessage } from '../../src/cognito/emulator/outbox.js';

export interface ExternalEmulator {
  /** Set once beforeAll has run. */
  readonly emulator: EmbeddedCognito;
  readonly pool: EmbeddedPool;
  /** Every message the emulator "sent", oldest first. */
  readonly sent: OutboxMessage[];
  /** The latest code sent to this address (fails the test if none). */
  codeFor(email: string): Promise<string>;
  /**
   * The environment of an app in aws mode pointed at this emulator, plus
   * `extra` (undefined removes a variable).
   */
  awsEnv(
    extra?: Record<string, string | undefined>,
  ): Record<string, string | undefined>;
}

/**
 * A cognito-local the test starts itself, beside the app: the app runs in
 * aws mode (AWS_COGNITO_* settings) against it, as against a Cognito
 * endpoint run elsewhere. Started in beforeAll, stopped (data folder
 * removed) in afterAll: call it before useApp, so that it outlives the app.
 */
export function useExternalEmulator(): ExternalEmulator {
  let dataDir: string | undefined;
  let emulator: EmbeddedCognito | undefined;
  let pool: EmbeddedPool | undefined;
  const sent: OutboxMessage[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cognito-local-external-'));
    emulator = new EmbeddedCognito(
      dataDir,
      (message) => sent.push(message),
      process.env.PATH,
    );
    pool = await emulator.start();
  });
  afterAll(async () => {
    await emulator?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error('useExternalEmulator: not started yet');
    return value;
  };
  return {
    get emulator() {
      return ready(emulator);
    },
    get pool() {
      return ready(pool);
    },
    sent,
    async codeFor(email: string): Promise<string> {
      const code = sent.filter((m) => m.email === email).at(-1)?.code;
      expect(code, `a code sent to ${email}`).toMatch(/^\d{6}$/);
      return code!;
    },
    awsEnv(extra = {}) {
      const { userPoolId, clientId, endpoint } = ready(pool);
      return {
        AWS_COGNITO_USER_POOL_ID: userPoolId,
        AWS_COGNITO_CLIENT_ID: clientId,
        AWS_COGNITO_ENDPOINT: endpoint,
        ...extra,
      };
    },
  };
}
