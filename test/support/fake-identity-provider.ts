import type { ProviderOverride } from './app.js';
import { EMULATOR_KID, emulatorPublicKey } from './forge.js';
import { createPublicKey } from 'node:crypto';

/**
 * The identity provider of the fast HTTP layer, replaced by DI token: a
 * pool where nobody exists and every call is refused the way Cognito refuses
 * it (through the app's own error mapping), so that requests which pass
 * validation still get a 4xx of the contract. It records each call: a
 * validation case can prove the request never reached the provider.
 *
 * THE ONE PLACE that names the identity provider's DI token: when the
 * gateway changes, change the import and `provide` below.
 */
export interface FakeIdentityProvider {
  /** Operations the app sent, oldest first. */
  readonly calls: { operation: string }[];
  /** The same calls with the parameters the app sent. */
  readonly sent: { operation: string; params: Record<string, any> }[];
  /**
   * From now on, `operation` answers what `reply` returns for the
   * parameters sent (or throws the Cognito error it names).
   */
  answer(
    operation: string,
    reply: (params: Record<string, any>) => unknown,
  ): void;
  overrides(): Promise<ProviderOverride[]>;
}

/** What each operation of the pool answers: a Cognito error name, or a value. */
const ANSWERS: Record<string, { error: string } | { value: unknown }> = {
  SignUp: { error: 'UsernameExistsException' },
  ConfirmSignUp: { error: 'CodeMismatchException' },
  ResendConfirmationCode: { error: 'UserNotFoundException' },
  InitiateAuth: { error: 'NotAuthorizedException' },
  RespondToAuthChallenge: { error: 'NotAuthorizedException' },
  ChangePassword: { error: 'NotAuthorizedException' },
  ForgotPassword: { error: 'UserNotFoundException' },
  ConfirmForgotPassword: { error: 'CodeMismatchException' },
  GetUser: { error: 'NotAuthorizedException' },
  RevokeToken: { value: {} },
  AssociateSoftwareToken: { error: 'NotAuthorizedException' },
  VerifySoftwareToken: { error: 'NotAuthorizedException' },
  SetUserMFAPreference: { error: 'NotAuthorizedException' },
  UpdateUserAttributes: { error: 'NotAuthorizedException' },
  VerifyUserAttribute: { error: 'NotAuthorizedException' },
  DeleteUser: { error: 'NotAuthorizedException' },
};

function cognitoError(name: string): Error {
  return Object.assign(new Error(`fake identity provider: ${name}`), {
    name,
    code: name,
  });
}

/**
 * Replaces the low-level user-pool client (UserPoolClient), under the real
 * CognitoGateway: the app's own per-method error tables and
 * account-enumeration rules answer, as they would for Cognito's errors.
 */
export function fakeIdentityProvider(): FakeIdentityProvider {
  const calls: { operation: string }[] = [];
  const sent: { operation: string; params: Record<string, any> }[] = [];
  const replies = new Map<string, (params: Record<string, any>) => unknown>();
  return {
    calls,
    sent,
    answer(operation, reply) {
      replies.set(operation, reply);
    },
    async overrides() {
      // Imported here, after startApp reset the module graph: the app's own
      // token classes.
      const { UserPoolClient } =
        await import('../../src/cognito/user-pool.client.js');
      const { CognitoPool } = await import('../../src/cognito/cognito-pool.js');
      let pool: { clientId: string; clientSecret?: string } | undefined;
      const fake = {
        get pool() {
          return pool;
        },
        get clientId() {
          return pool!.clientId;
        },
        get hasSecret() {
          return Boolean(pool?.clientSecret);
        },
        // With a secret: a stand-in that names the user it was made for.
        secretHash: (username: string) =>
          pool?.clientSecret ? `secret-hash-of:${username}` : undefined,
        async send(operation: string, params: Record<string, any>) {
          // The app's start-up probe of the app client is no request of a test.
          const probe = String(params?.AuthParameters?.USERNAME).startsWith(
            'app-client-probe-',
          );
          if (!probe) {
            calls.push({ operation });
            sent.push({ operation, params });
          }
          const reply = probe ? undefined : replies.get(operation);
          if (reply) {
            const value = reply(params) as { error?: unknown };
            if (typeof value?.error === 'string') {
              throw cognitoError(value.error);
            }
            return value;
          }
          const answer = ANSWERS[operation] ?? {
            error: 'InternalErrorException',
          };
          if ('value' in answer) return answer.value;
          throw cognitoError(answer.error);
        },
        async authenticateSrp() {
          calls.push({ operation: 'InitiateAuth' });
          throw cognitoError('NotAuthorizedException');
        },
      };
      return [
        {
          provide: UserPoolClient,
          useFactory: (resolved: typeof pool) => {
            pool = resolved;
            return fake;
          },
          inject: [CognitoPool],
        },
      ];
    },
  };
}

/**
 * The JWKS key lookup, replaced by DI token: the one trusted key is the
 * emulator's published one (kid CognitoLocal), so forge.ts mints tokens the
 * fast app accepts, with no JWKS endpoint to fetch.
 */
export async function fakeSigningKeys(): Promise<ProviderOverride[]> {
  const { JwksKeyStore } =
    await import('../../src/auth/verification/jwks-key-store.js');
  const { TokenRejectedError } =
    await import('../../src/auth/verification/token-claims.js');
  const key = createPublicKey(emulatorPublicKey.pem);
  const store = {
    fetches: 0,
    size: 1,
    refresh: async () => undefined,
    getKey: async (kid: string) => {
      if (kid === EMULATOR_KID) return key;
      throw new TokenRejectedError('unknown kid');
    },
  };
  return [{ provide: JwksKeyStore, useValue: store }];
}
