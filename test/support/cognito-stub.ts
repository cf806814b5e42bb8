/*
 * The gateway and client of src/cognito over a stubbed Cognito transport,
 * for their unit specs.
 */
import { createHmac } from 'node:crypto';
import type { CognitoConfig } from '../../src/config/cognito.config.js';
import {
  loadConfig,
  type SignInFlow,
} from '../../src/config/env.validation.js';
import { ApiException } from '../../src/common/errors/api-exception.js';
import type { CognitoPool } from '../../src/cognito/cognito-pool.js';
import type { EmbeddedCognito } from '../../src/cognito/emulator/embedded-cognito.js';
import { UserPoolClient } from '../../src/cognito/user-pool.client.js';
import { UserPoolGateway } from '../../src/cognito/user-pool.gateway.js';

export const ENDPOINT = 'http://cognito.test';
export const CLIENT_ID = 'client123';
export const SECRET = 'topsecret';
export const EMAIL = 'ash@example.com';
/** Base64(HMAC-SHA256('topsecret', 'ash@example.com' + 'client123')), computed once with openssl. */
export const EMAIL_HASH_LITERAL =
  'JEjPj8yd5TqIdSErNoxBdPj0/l3TZDhnNCWFGGHIr6o=';

export type Json = Record<string, any>;

export interface SentRequest {
  url: string;
  operation: string;
  target: string | undefined;
  body: Json;
}

export function connectionOf(
  clientSecret?: string,
  authFlow: SignInFlow = 'USER_PASSWORD_AUTH',
): CognitoPool {
  return {
    mode: 'aws',
    userPoolId: 'us-east-1_Test',
    clientId: CLIENT_ID,
    clientSecret,
    endpoint: ENDPOINT,
    region: 'us-east-1',
    issuer: `${ENDPOINT}/us-east-1_Test`,
    issuers: [`${ENDPOINT}/us-east-1_Test`],
    jwksUri: `${ENDPOINT}/us-east-1_Test/.well-known/jwks.json`,
    authFlow,
  };
}

/** The cognito configuration of a test, every field given. */
export function configOf(
  overrides: Partial<CognitoConfig> = {},
): CognitoConfig {
  const defaults = loadConfig({
    AWS_COGNITO_USER_POOL_ID: 'us-east-1_Test',
    AWS_COGNITO_CLIENT_ID: CLIENT_ID,
    AWS_COGNITO_ENDPOINT: ENDPOINT,
  }).cognito;
  return { ...defaults, ...overrides };
}

export function clientOf(
  connection: CognitoPool,
  config: CognitoConfig = configOf(),
): UserPoolClient {
  return new UserPoolClient(connection, config);
}

/** The real gateway over the real client, on the fetch the test stubs. */
export function gatewayOf(
  options: {
    secret?: string;
    authFlow?: SignInFlow;
    embedded?: Pick<EmbeddedCognito, 'resendSignUpCode'>;
    timeoutMs?: number;
    /** AWS_COGNITO_REFRESH_ROTATION=true */
    rotation?: boolean;
    /** AUTH_PASSWORDLESS=true */
    passwordless?: boolean;
    /** Another endpoint than ENDPOINT (an http one counts as an emulator). */
    endpoint?: string;
  } = {},
): UserPoolGateway {
  const connection: CognitoPool = Object.assign(
    connectionOf(options.secret, options.authFlow),
    options.endpoint ? { endpoint: options.endpoint } : {},
  );
  const config = configOf({
    timeoutMs: options.timeoutMs,
    refreshRotation: options.rotation ?? false,
    passwordless: options.passwordless ?? false,
  });
  return new UserPoolGateway(
    clientOf(connection, config),
    connection,
    (options.embedded ?? null) as EmbeddedCognito | null,
  );
}

/** SECRET_HASH computed here, independently of the class under test. */
export function expectedHash(username: string, secret = SECRET): string {
  return createHmac('sha256', secret)
    .update(username + CLIENT_ID)
    .digest('base64');
}

export function ok(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200 });
}

export function cognitoFailure(
  type: string,
  message = 'upstream detail',
): Response {
  return new Response(JSON.stringify({ __type: type, message }), {
    status: 400,
  });
}

/**
 * Replaces the global fetch the library uses; records every request and
 * answers it with `answer(operation, body)` (an empty 200 by default).
 */
export function stubCognito(
  answer: (
    operation: string,
    body: Json,
  ) => Response | Promise<Response> = () => ok({}),
): SentRequest[] {
  const sent: SentRequest[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string | URL, init?: RequestInit) => {
      const headers = (init?.headers ?? {}) as Record<string, string>;
      const target = headers['X-Amz-Target'];
      const operation = (target ?? '').replace(
        'AWSCognitoIdentityProviderService.',
        '',
      );
      const body = JSON.parse(init?.body as string) as Json;
      sent.push({ url: String(url), operation, target, body });
      return Promise.resolve(answer(operation, body));
    }),
  );
  return sent;
}

/** The error a promise rejects with (it must reject). */
export async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<ApiException> {
  const error = await errorOf(promise);
  expect(error).toBeInstanceOf(ApiException);
  return error as ApiException;
}

/** An error as amazon-cognito-identity-js builds it: `code` and `name` both set. */
export function cognitoError(code: string, message = 'upstream detail'): Error {
  const error = new Error(message) as Error & { code: string };
  error.name = code;
  error.code = code;
  return error;
}

function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JWT-shaped token (not signed: the library only reads its payload). */
export function jwt(payload: Json): string {
  return `${part({ alg: 'RS256', kid: 'k1' })}.${part(payload)}.c2lnbmF0dXJl`;
}

export const NOW = Math.floor(Date.now() / 1000);
export const ACCESS = jwt({
  sub: 'uuid-user',
  username: 'uuid-user',
  auth_time: NOW - 60,
  token_use: 'access',
  client_id: CLIENT_ID,
  iat: NOW,
  exp: NOW + 3600,
});
export const ID = jwt({
  sub: 'uuid-user',
  'cognito:username': 'uuid-user',
  auth_time: NOW - 60,
  token_use: 'id',
  aud: CLIENT_ID,
  email: EMAIL,
  iat: NOW,
  exp: NOW + 3600,
});
export const REFRESH = jwt({ token_use: 'refresh', iat: NOW - 120 });

/** Whose ACCESS and ID are, as the gateway reads them. */
export const USER = {
  username: 'uuid-user',
  sub: 'uuid-user',
  sessionStartedAt: NOW - 60,
};
