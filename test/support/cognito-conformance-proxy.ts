import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { decodeJwt } from './forge.js';

/**
 * What real Cognito enforces and cognito-local does not, as a proxy in front
 * of the emulator. The rules come from the Cognito API reference
 * (InitiateAuth, RespondToAuthChallenge, SignUp, ConfirmSignUp,
 * ForgotPassword, ConfirmForgotPassword, ResendConfirmationCode,
 * RevokeToken) and are listed in CONTRIBUTING.md ("The emulator and real
 * Cognito"):
 *
 * - an app client with a secret needs SECRET_HASH = Base64(HMAC-SHA256(
 *   secret, username + clientId)) on every call that names a user; the
 *   username is the one the call names (the email alias works), except for
 *   REFRESH_TOKEN_AUTH, where it must be the user's INTERNAL username (the
 *   `sub` in an email-as-username pool). A missing hash answers
 *   NotAuthorizedException "Client <id> is configured for secret but secret
 *   was not received", a wrong one "Unable to verify secret hash for client
 *   <id>";
 * - RevokeToken of such a client needs `ClientSecret`;
 * - an auth flow the app client does not allow answers
 *   InvalidParameterException "<flow> flow not enabled for this client",
 *   before the user is looked at.
 *
 * A call that breaks a rule is answered as Cognito answers it and recorded
 * in `violations`; every call is recorded in `calls`.
 */
export interface ConformanceOptions {
  /** The emulator's endpoint, e.g. http://127.0.0.1:41237 */
  target: string;
  clientId: string;
  /** The app client's secret; none: no hash rules. */
  clientSecret?: string;
  /** Auth flows the app client does not allow (e.g. USER_PASSWORD_AUTH). */
  disabledFlows?: string[];
}

export interface RecordedCall {
  operation: string;
  body: Record<string, any>;
}

export interface ConformanceProxy {
  url: string;
  calls: RecordedCall[];
  /** Sentences saying which rule a call broke, in order. */
  violations: string[];
  /** Changes the rules from the next call on (e.g. to disable a flow). */
  configure(changes: Partial<Omit<ConformanceOptions, 'target'>>): void;
  close(): Promise<void>;
}

/** Operations whose top-level `SecretHash` is computed over `Username`. */
const TOP_LEVEL_HASH = new Set([
  'SignUp',
  'ConfirmSignUp',
  'ResendConfirmationCode',
  'ForgotPassword',
  'ConfirmForgotPassword',
]);

type Refusal = readonly [type: string, message: string];

export async function startConformanceProxy(
  initial: ConformanceOptions,
): Promise<ConformanceProxy> {
  const options = { ...initial };
  const calls: RecordedCall[] = [];
  const violations: string[] = [];

  const hash = (username: string): string =>
    createHmac('sha256', options.clientSecret!)
      .update(username + options.clientId)
      .digest('base64');

  /** The refusal for a hash that is absent or not the one of `username`. */
  const checkHash = (
    operation: string,
    given: unknown,
    username: string,
  ): Refusal | undefined => {
    if (typeof given !== 'string' || given === '') {
      violations.push(`${operation}: no SECRET_HASH`);
      return [
        'NotAuthorizedException',
        `Client ${options.clientId} is configured for secret but secret was not received`,
      ];
    }
    const expected = Buffer.from(hash(username));
    const actual = Buffer.from(given);
    if (
      expected.length !== actual.length ||
      !timingSafeEqual(expected, actual)
    ) {
      violations.push(
        `${operation}: SECRET_HASH is not the one of ${username}`,
      );
      return [
        'NotAuthorizedException',
        `Unable to verify secret hash for client ${options.clientId}`,
      ];
    }
    return undefined;
  };

  const refusalOf = (
    operation: string,
    body: Record<string, any>,
  ): Refusal | undefined => {
    if (body.ClientId !== undefined && body.ClientId !== options.clientId) {
      return undefined; // another app client of the pool: not ours to judge
    }
    if (operation === 'InitiateAuth') {
      const flow = String(body.AuthFlow);
      if (options.disabledFlows?.includes(flow)) {
        return [
          'InvalidParameterException',
          `${flow} flow not enabled for this client`,
        ];
      }
      if (!options.clientSecret) return undefined;
      const parameters = (body.AuthParameters ?? {}) as Record<string, any>;
      if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
        // The emulator's refresh token is a readable JWT; real Cognito's is
        // opaque, but it knows the internal username all the same.
        let internal: string;
        try {
          internal = String(
            decodeJwt(String(parameters.REFRESH_TOKEN)).payload[
              'cognito:username'
            ],
          );
        } catch {
          return undefined; // not a token: the emulator refuses it
        }
        return checkHash(operation, parameters.SECRET_HASH, internal);
      }
      return checkHash(operation, parameters.SECRET_HASH, parameters.USERNAME);
    }
    if (!options.clientSecret) return undefined;
    if (operation === 'RespondToAuthChallenge') {
      const answers = (body.ChallengeResponses ?? {}) as Record<string, any>;
      return checkHash(operation, answers.SECRET_HASH, answers.USERNAME);
    }
    if (TOP_LEVEL_HASH.has(operation)) {
      return checkHash(operation, body.SecretHash, String(body.Username));
    }
    if (
      operation === 'RevokeToken' &&
      body.ClientSecret !== options.clientSecret
    ) {
      violations.push('RevokeToken: ClientSecret missing or wrong');
      return [
        'NotAuthorizedException',
        `Client ${options.clientId} is configured for secret but secret was not received`,
      ];
    }
    return undefined;
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.split('.').pop() ?? '';
      let body: Record<string, any> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, any>) : {};
      } catch {
        // forwarded as it is: the emulator answers it
      }
      if (operation) calls.push({ operation, body });
      const refusal = operation ? refusalOf(operation, body) : undefined;
      if (refusal) {
        response.writeHead(400, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': refusal[0],
        });
        response.end(
          JSON.stringify({ __type: refusal[0], message: refusal[1] }),
        );
        return;
      }
      fetch(`${options.target}${request.url ?? '/'}`, {
        method: request.method,
        headers: {
          'content-type': String(
            request.headers['content-type'] ?? 'application/x-amz-json-1.1',
          ),
          'x-amz-target': target,
        },
        body: request.method === 'GET' ? undefined : raw,
      })
        .then(async (answer) => {
          response.writeHead(answer.status, {
            'content-type':
              answer.headers.get('content-type') ?? 'application/json',
          });
          response.end(await answer.text());
        })
        .catch(() => {
          response.writeHead(502);
          response.end();
        });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    violations,
    configure: (changes) => Object.assign(options, changes),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
