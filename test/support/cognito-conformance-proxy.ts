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
 *   before the user is looked at;
 * - RespondToAuthChallenge needs the `Session` answered with that challenge
 *   for that user (by the name the call gave, or the internal username),
 *   used once: a session Cognito never issued, issued for another user or
 *   another challenge, or already used by an answer it took, answers
 *   NotAuthorizedException "Invalid session for the user.". (The embedded
 *   emulator checks it too; here a wrong session forwarded by the API is
 *   named in `violations`.)
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

/** A challenge session the emulator issued, as the proxy saw it go by. */
interface IssuedSession {
  /** The names the user was called by: the call's USERNAME, USER_ID_FOR_SRP. */
  users: Set<string>;
  challenge: string;
  used: boolean;
}

const INVALID_SESSION: Refusal = [
  'NotAuthorizedException',
  'Invalid session for the user.',
];

export async function startConformanceProxy(
  initial: ConformanceOptions,
): Promise<ConformanceProxy> {
  const options = { ...initial };
  const calls: RecordedCall[] = [];
  const violations: string[] = [];
  const sessions = new Map<string, IssuedSession>();

  /** The refusal for an answer whose session is not the one issued for it. */
  const checkSession = (body: Record<string, any>): Refusal | undefined => {
    const answers = (body.ChallengeResponses ?? {}) as Record<string, any>;
    const user = String(answers.USERNAME);
    const challenge = String(body.ChallengeName);
    const issued =
      typeof body.Session === 'string' ? sessions.get(body.Session) : undefined;
    if (!issued || !issued.users.has(user) || issued.challenge !== challenge) {
      violations.push(
        `RespondToAuthChallenge: Session was not issued for ${user} and ${challenge}`,
      );
      return INVALID_SESSION;
    }
    if (issued.used) {
      violations.push('RespondToAuthChallenge: Session used already');
      return INVALID_SESSION;
    }
    return undefined;
  };

  /** Notes the session a challenge answer issues, and the one it used. */
  const observe = (
    operation: string,
    body: Record<string, any>,
    status: number,
    text: string,
  ): void => {
    if (operation !== 'InitiateAuth' && operation !== 'RespondToAuthChallenge')
      return;
    if (body.ClientId !== options.clientId || status !== 200) return;
    if (operation === 'RespondToAuthChallenge') {
      const used = sessions.get(String(body.Session));
      if (used) used.used = true;
    }
    let reply: Record<string, any>;
    try {
      reply = JSON.parse(text) as Record<string, any>;
    } catch {
      return;
    }
    if (typeof reply.Session !== 'string' || !reply.ChallengeName) return;
    const named =
      operation === 'InitiateAuth'
        ? body.AuthParameters?.USERNAME
        : body.ChallengeResponses?.USERNAME;
    const internal = reply.ChallengeParameters?.USER_ID_FOR_SRP;
    sessions.set(reply.Session, {
      users: new Set(
        [named, internal].filter((u): u is string => typeof u === 'string'),
      ),
      challenge: String(reply.ChallengeName),
      used: false,
    });
  };

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
    if (operation === 'RespondToAuthChallenge') {
      const answers = (body.ChallengeResponses ?? {}) as Record<string, any>;
      return options.clientSecret
        ? (checkHash(operation, answers.SECRET_HASH, answers.USERNAME) ??
            checkSession(body))
        : checkSession(body);
    }
    if (!options.clientSecret) return undefined;
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
          const text = await answer.text();
          observe(operation, body, answer.status, text);
          response.writeHead(answer.status, {
            'content-type':
              answer.headers.get('content-type') ?? 'application/json',
          });
          response.end(text);
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
