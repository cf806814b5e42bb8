import { useApp, type UsedApp } from './app.js';
import {
  startConformanceProxy,
  type ConformanceProxy,
} from './cognito-conformance-proxy.js';
import { createAppClient, type CreatedClient } from './cognito-admin.js';
import {
  useExternalEmulator,
  type ExternalEmulator,
} from './external-emulator.js';

export interface SecretClientApp {
  readonly external: ExternalEmulator;
  readonly app: UsedApp;
  /** The Cognito rules proxy the app talks to (its calls and violations). */
  readonly proxy: ConformanceProxy;
  /** The app client WITH a secret the app is configured with. */
  readonly client: CreatedClient;
}

/**
 * An aws-mode app on a new app client with a secret (`name`), through the
 * Cognito rules proxy in front of an emulator of the file's own: what real
 * Cognito enforces and cognito-local does not. The tokens' issuer is the
 * emulator's own address, not the proxy's. `env` adds to the app's
 * environment.
 */
export function useSecretClientApp(
  name: string,
  env: Record<string, string> = {},
): SecretClientApp {
  const external = useExternalEmulator();
  let client: CreatedClient | undefined;
  let proxy: ConformanceProxy | undefined;

  beforeAll(async () => {
    client = await createAppClient(
      external.pool.endpoint,
      external.pool.userPoolId,
      { name, generateSecret: true },
    );
    proxy = await startConformanceProxy({
      target: external.pool.endpoint,
      clientId: client.ClientId,
      clientSecret: client.ClientSecret,
    });
  });
  afterAll(() => proxy?.close());

  const app = useApp(() =>
    external.awsEnv({
      AWS_COGNITO_CLIENT_ID: client!.ClientId,
      AWS_COGNITO_CLIENT_SECRET: client!.ClientSecret,
      AWS_COGNITO_ENDPOINT: proxy!.url,
      AWS_COGNITO_AUTHORITY: `${external.pool.endpoint}/${external.pool.userPoolId}`,
      ...env,
    }),
  );
  return {
    external,
    app,
    get proxy() {
      if (!proxy) throw new Error('useSecretClientApp: proxy not started yet');
      return proxy;
    },
    get client() {
      if (!client) throw new Error('useSecretClientApp: client not made yet');
      return client;
    },
  };
}
