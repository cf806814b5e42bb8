import {
  startApp,
  useApp,
  type StartOptions,
  type TestApp,
  type UsedApp,
} from './app.js';
import {
  fakeIdentityProvider,
  fakeSigningKeys,
  type FakeIdentityProvider,
} from './fake-identity-provider.js';

/**
 * The fast HTTP layer: the real app (createApp: Fastify, the global pipe,
 * filter and guards, the same hooks and limits) in aws mode, with the
 * identity provider and the JWKS key lookup replaced by DI token. No
 * emulator boots and nothing leaves the process: validation, error shapes,
 * media types, body limits and unknown routes are tested here; real flows
 * stay in the e2e specs.
 *
 * Tokens: forge.ts signs with the one trusted key; `issuer` and `clientId`
 * below are the pool's.
 */
export const FAST_POOL = {
  userPoolId: 'local_fastlayer',
  clientId: 'fastlayerclient',
  /** Nothing listens there: a call that escaped the fakes fails loudly. */
  endpoint: 'http://127.0.0.1:9',
  issuer: 'http://127.0.0.1:9/local_fastlayer',
} as const;

const FAST_ENV = {
  AWS_COGNITO_USER_POOL_ID: FAST_POOL.userPoolId,
  AWS_COGNITO_CLIENT_ID: FAST_POOL.clientId,
  AWS_COGNITO_ENDPOINT: FAST_POOL.endpoint,
  AWS_COGNITO_AUTHORITY: FAST_POOL.issuer,
  // No timing floor on failed logins: nothing here measures time.
  AUTH_FAILURE_MIN_MS: '0',
};

export interface FastApp extends TestApp {
  provider: FakeIdentityProvider;
}

export async function startFastApp(
  env: Record<string, string | undefined> = {},
  options: Omit<StartOptions, 'overrides'> = {},
): Promise<FastApp> {
  const provider = fakeIdentityProvider();
  const app = await startApp(
    { ...FAST_ENV, ...env },
    {
      ...options,
      overrides: async () => [
        ...(await provider.overrides()),
        ...(await fakeSigningKeys()),
      ],
    },
  );
  return Object.assign(app, { provider });
}

export interface UsedFastApp extends UsedApp {
  /** The fake identity provider (its calls). */
  readonly provider: FakeIdentityProvider;
}

/** startFastApp in beforeAll, close (env restored) in afterAll. */
export function useFastApp(
  env: Record<string, string | undefined> = {},
  options: Omit<StartOptions, 'overrides'> = {},
): UsedFastApp {
  const provider = fakeIdentityProvider();
  const used = useApp(
    { ...FAST_ENV, ...env },
    {
      ...options,
      overrides: async () => [
        ...(await provider.overrides()),
        ...(await fakeSigningKeys()),
      ],
    },
  );
  return Object.assign(Object.create(used) as UsedApp, { provider });
}
