import type { Type } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startApp, type TestApp } from './support/app.js';
import { adminCreateUser } from './support/cognito-admin.js';
import { Http, expectError, type Answer } from './support/http.js';
import { cleanEnv, ROOT } from './support/process.js';
import { waitFor } from './support/timing.js';
import { PASSWORD, newEmail, type Tokens } from './support/users.js';

/**
 * The log as production writes it (LOG_LEVEL=info, LOG_FORMAT=json), read
 * line by line from a destination handed to createApp, after a full user
 * path: one JSON access line per request with its requestId, and not one
 * secret (password, code, token, session, Authorization header) anywhere.
 */

/** A test route that fails unexpectedly: 500 INTERNAL. Built inside startApp. */
async function testModule(): Promise<Type<unknown>> {
  const { AppModule } = await import('../src/app.module.js');
  const { Public } = await import('../src/auth/decorators/public.decorator.js');
  const { Controller, Get, Module } = await import('@nestjs/common');

  @Public()
  @Controller('test-failure')
  class TestFailureController {
    @Get()
    fail(): never {
      throw new Error('kaboom: an unexpected failure');
    }

    /** As a Node system error or an SDK error looks: with its own `code`. */
    @Get('coded')
    failWithCode(): never {
      throw Object.assign(new Error('connect refused, as a test'), {
        code: 'ETESTREFUSED',
      });
    }
  }

  @Module({ imports: [AppModule], controllers: [TestFailureController] })
  class TestRootModule {}

  return TestRootModule;
}

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  [key: string]: unknown;
}

/** What the test sent and got back, for matching against the access lines. */
interface Sent {
  method: string;
  path: string;
  status: number;
  requestId: string;
}

describe('logs (LOG_LEVEL=info, LOG_FORMAT=json)', () => {
  let server: TestApp;
  let raw: Http;
  const chunks: string[] = [];
  const sent: Sent[] = [];

  /** Every secret the path used or was given; none may reach the log. */
  const passwords: string[] = [];
  const codes: string[] = [];
  const tokens: string[] = [];
  const sessions: string[] = [];

  const email = newEmail('logged');
  const WRONG = 'Wr0ng-Log-Passw0rd!';
  const NEW_PASSWORD = 'N3w-Log-Passw0rd!';
  const RESET_PASSWORD = 'R3set-Log-Passw0rd!';
  const TEMPORARY = 'T3mp-Log-Passw0rd!';
  const CHALLENGE_PASSWORD = 'Ch4llenge-Log-Passw0rd!';
  const INCOMING_ID = 'trace-0af7651916cd43dd';
  passwords.push(
    PASSWORD,
    WRONG,
    NEW_PASSWORD,
    RESET_PASSWORD,
    TEMPORARY,
    CHALLENGE_PASSWORD,
  );

  /** A request through Http, recorded with its answer's X-Request-Id. */
  const http = {
    get: async (
      path: string,
      token?: string,
      headers: Record<string, string> = {},
    ): Promise<Answer> => record('GET', path, raw.get(path, token, headers)),
    post: async (
      path: string,
      body?: unknown,
      token?: string,
      headers: Record<string, string> = {},
    ): Promise<Answer> =>
      record('POST', path, raw.post(path, body, token, headers)),
  };

  async function record(
    method: string,
    path: string,
    pending: Promise<Answer>,
  ): Promise<Answer> {
    const answer = await pending;
    const requestId = answer.headers.get('x-request-id');
    expect(requestId).toEqual(expect.any(String));
    sent.push({
      method,
      path: path.split('?')[0],
      status: answer.status,
      requestId: requestId!,
    });
    return answer;
  }

  function keepTokens(body: Partial<Tokens>): void {
    for (const token of [body.accessToken, body.idToken, body.refreshToken]) {
      if (token) tokens.push(token);
    }
  }

  /** The lines written so far (pino writes whole lines, one per write). */
  function lines(): string[] {
    return chunks
      .join('')
      .split('\n')
      .filter((line) => line.length > 0);
  }

  function parsed(): LogLine[] {
    return lines().map((line) => JSON.parse(line) as LogLine);
  }

  const accessLines = (): LogLine[] =>
    parsed().filter((line) => line.msg === 'request');

  beforeAll(async () => {
    server = await startApp(
      { LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
      {
        module: testModule,
        logDestination: { write: (chunk: string) => void chunks.push(chunk) },
      },
    );
    raw = new Http(server.url);

    // The whole path of a user, with a few failures on the way.
    const registered = await http.post('/api/v1/auth/register', {
      name: 'Ash',
      email,
      password: PASSWORD,
    });
    expect(registered.status).toBe(201);
    const signUpCode = await recordedCode('SignUp');
    codes.push(signUpCode);
    expect(
      (
        await http.post('/api/v1/auth/confirm-registration', {
          email,
          code: signUpCode,
        })
      ).status,
    ).toBe(200);

    expectError(
      await http.post('/api/v1/auth/login', { email, password: WRONG }),
      401,
      'INVALID_CREDENTIALS',
    );
    const loggedIn = await http.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
    });
    expect(loggedIn.status).toBe(200);
    keepTokens(loggedIn.body);
    const first = loggedIn.body as Tokens;

    expect(
      (await http.get('/api/v1/pokemons?limit=2', first.accessToken)).status,
    ).toBe(200);
    expect((await http.get('/api/v1/auth/me', first.accessToken)).status).toBe(
      200,
    );
    expectError(await http.get('/api/v1/pokemons'), 401, 'UNAUTHORIZED');
    const junk = `${first.accessToken.slice(0, -12)}AAAAAAAAAAAA`;
    tokens.push(junk);
    expectError(await http.get('/api/v1/pokemons', junk), 401, 'UNAUTHORIZED');

    const refreshed = await http.post('/api/v1/auth/refresh', {
      refreshToken: first.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    keepTokens(refreshed.body);

    expect(
      (
        await http.post('/api/v1/auth/change-password', {
          email,
          currentPassword: PASSWORD,
          newPassword: NEW_PASSWORD,
        })
      ).status,
    ).toBe(200);
    expect(
      (await http.post('/api/v1/auth/forgot-password', { email })).status,
    ).toBe(202);
    const resetCode = await recordedCode('ForgotPassword');
    codes.push(resetCode);
    expectError(
      await http.post('/api/v1/auth/confirm-password', {
        email,
        confirmationCode: resetCode === '000000' ? '111111' : '000000',
        newPassword: RESET_PASSWORD,
      }),
      400,
      'CODE_MISMATCH',
    );
    expect(
      (
        await http.post('/api/v1/auth/confirm-password', {
          email,
          confirmationCode: resetCode,
          newPassword: RESET_PASSWORD,
        })
      ).status,
    ).toBe(200);

    const again = await http.post('/api/v1/auth/login', {
      email,
      password: RESET_PASSWORD,
    });
    expect(again.status).toBe(200);
    keepTokens(again.body);
    const second = again.body as Tokens;
    expect(
      (
        await http.post(
          '/api/v1/auth/logout',
          { refreshToken: second.refreshToken },
          second.accessToken,
        )
      ).status,
    ).toBe(204);
    expectError(
      await http.get('/api/v1/pokemons', second.accessToken),
      401,
      'UNAUTHORIZED',
    );

    // A first login that asks for a new password: a session goes back and forth.
    const invited = newEmail('invited');
    const created = await adminCreateUser(
      server.connection.endpoint!,
      server.connection.userPoolId,
      invited,
      TEMPORARY,
    );
    expect(created.status).toBe(200);
    const challenged = await http.post('/api/v1/auth/login', {
      email: invited,
      password: TEMPORARY,
    });
    expect(challenged.status).toBe(200);
    expect(challenged.body).toMatchObject({
      challenge: 'NEW_PASSWORD_REQUIRED',
      session: expect.any(String),
    });
    sessions.push(challenged.body.session as string);
    const answered = await http.post('/api/v1/auth/challenge', {
      email: invited,
      challenge: 'NEW_PASSWORD_REQUIRED',
      session: challenged.body.session,
      newPassword: CHALLENGE_PASSWORD,
    });
    expect(answered.status).toBe(200);
    keepTokens(answered.body);

    // Wait (bounded) until the access line of the last request is written:
    // Fastify's onResponse hook may run after the client has its answer.
    await settle();
  });

  afterAll(async () => {
    await server?.close();
  });

  /** The latest code of this kind, read through the dev outbox (a logged request too). */
  async function recordedCode(kind: string): Promise<string> {
    const answer = await http.get(
      `/api/v1/dev/outbox?email=${encodeURIComponent(email)}`,
    );
    expect(answer.status).toBe(200);
    const code = (answer.body as { kind: string; code: string }[])
      .filter((message) => message.kind === kind)
      .at(-1)?.code;
    expect(code).toMatch(/^\d{6}$/);
    return code!;
  }

  async function settle(): Promise<void> {
    await waitFor(
      'an access line for every request',
      async () => {
        const logged = new Set(accessLines().map((line) => line.requestId));
        return sent.every((s) => logged.has(s.requestId)) ? true : undefined;
      },
      // An event, not a speed: the deadline only catches a line that never
      // comes, with room for a machine whose cores are busy.
      { timeoutMs: 30_000, intervalMs: 20 },
    );
  }

  it('writes every line as one JSON object, at info level or above, with a time', () => {
    expect(lines().length).toBeGreaterThan(sent.length);
    for (const line of lines()) {
      let value: LogLine;
      try {
        value = JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not JSON: ${line}`);
      }
      expect(value).toEqual(
        expect.objectContaining({ msg: expect.any(String) }),
      );
      expect(value.level).toBeGreaterThanOrEqual(30);
      expect(new Date(value.time as string).toISOString()).toBe(value.time);
    }
  });

  it('writes exactly one access line (msg "request") per request, with method, path, status, durationMs and the X-Request-Id answered', () => {
    const access = accessLines();
    for (const request of sent) {
      const mine = access.filter(
        (line) => line.requestId === request.requestId,
      );
      expect(mine, `${request.method} ${request.path}`).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        level: 30,
        method: request.method,
        path: request.path,
        status: request.status,
        durationMs: expect.any(Number),
      });
      expect(mine[0].durationMs).toBeGreaterThanOrEqual(0);
    }
    // No request has two ids, and the ids are unique per request.
    const ids = sent.map((s) => s.requestId);
    expect(new Set(ids).size).toBe(ids.length);
    // And no access line for a request nobody made, nor a second one.
    const byText = (a: string, b: string): number => a.localeCompare(b);
    expect(access.map((line) => String(line.requestId)).sort(byText)).toEqual(
      [...ids].sort(byText),
    );
  });

  it('leaves the query string out of the access line (it may hold an email)', () => {
    for (const line of accessLines()) {
      expect(String(line.path)).not.toContain('?');
    }
    const outbox = accessLines().filter(
      (line) => line.path === '/api/v1/dev/outbox',
    );
    expect(outbox.length).toBeGreaterThan(0);
  });

  it('keeps an incoming X-Request-Id: in the answer, the error body and the log line', async () => {
    const answer = await http.get('/api/v1/pokemons', undefined, {
      'x-request-id': INCOMING_ID,
    });
    expectError(answer, 401, 'UNAUTHORIZED');
    expect(answer.headers.get('x-request-id')).toBe(INCOMING_ID);
    expect(answer.body.requestId).toBe(INCOMING_ID);
    await settle();
    const mine = accessLines().filter((line) => line.requestId === INCOMING_ID);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 401, path: '/api/v1/pokemons' });
  });

  it('replaces an unusable incoming X-Request-Id with one of its own, logged alike', async () => {
    const unusable = 'has spaces and "quotes"';
    const answer = await http.get('/health', undefined, {
      'x-request-id': unusable,
    });
    expect(answer.status).toBe(200);
    const id = answer.headers.get('x-request-id');
    expect(id).not.toBe(unusable);
    expect(id).toMatch(/^[\w.:-]{1,128}$/);
    await settle();
    expect(accessLines().filter((line) => line.requestId === id)).toHaveLength(
      1,
    );
    expect(lines().some((line) => line.includes(unusable))).toBe(false);
  });

  it('logs an unexpected failure (500 INTERNAL) as an error line with its requestId, and sends no stack', async () => {
    const answer = await http.get('/api/v1/test-failure');
    expectError(answer, 500, 'INTERNAL');
    expect(answer.body.message).toBe(
      'Something went wrong; the error was logged.',
    );
    expect(JSON.stringify(answer.body)).not.toMatch(/kaboom|stack|at /);
    await settle();
    const requestId = answer.headers.get('x-request-id');
    const errors = parsed().filter(
      (line) => line.level >= 50 && line.requestId === requestId,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: 'request failed',
      status: 500,
      error: 'INTERNAL',
      path: '/api/v1/test-failure',
      cause: expect.objectContaining({
        message: 'kaboom: an unexpected failure',
      }),
    });
    expect(
      accessLines().filter((line) => line.requestId === requestId),
    ).toEqual([expect.objectContaining({ status: 500 })]);
  });

  it("keeps an unexpected error's own code (e.g. ECONNREFUSED) in the error line, for diagnosis", async () => {
    const answer = await http.get('/api/v1/test-failure/coded');
    expectError(answer, 500, 'INTERNAL');
    await settle();
    const requestId = answer.headers.get('x-request-id');
    const errors = parsed().filter(
      (line) => line.level >= 50 && line.requestId === requestId,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0].cause).toMatchObject({
      message: 'connect refused, as a test',
      errorCode: 'ETESTREFUSED',
    });
  });

  describe('secrets', () => {
    let text: string;

    beforeAll(() => {
      text = lines().join('\n');
      expect(passwords.length).toBe(6);
      expect(codes.length).toBe(2);
      expect(tokens.length).toBeGreaterThanOrEqual(10);
      expect(sessions.length).toBe(1);
    });

    it('logs no password that was used', () => {
      for (const password of passwords) expect(text).not.toContain(password);
    });

    it('logs no confirmation code', () => {
      for (const code of codes) {
        expect(code).toMatch(/^\d{6}$/);
        expect(text).not.toMatch(new RegExp(`\\b${code}\\b`));
      }
    });

    it('logs no token, nor any 20-character piece of one (access, ID, refresh, a junk bearer)', () => {
      for (const token of tokens) {
        for (let i = 0; i + 20 <= token.length; i++) {
          const piece = token.slice(i, i + 20);
          if (text.includes(piece)) {
            throw new Error(`a piece of a token is in the log: ${piece}`);
          }
        }
      }
    });

    it('logs no challenge session, nor any 20-character piece of one', () => {
      for (const session of sessions) {
        for (let i = 0; i + 20 <= session.length; i++) {
          expect(text).not.toContain(session.slice(i, i + 20));
        }
      }
    });

    it('logs no Authorization header value and no "Bearer "', () => {
      expect(text).not.toMatch(
        /authorization["']?\s*[:=]\s*["']?(?!\[redacted\])[^\s"',}]/i,
      );
      expect(text).not.toContain('Bearer ');
    });
  });
});

/**
 * stdout, as the app writes it (createLogger with no destination): lines
 * wait for the end of their turn of the event loop, and not one is lost
 * when the process ends in that same turn.
 */
describe('the log on stdout, at exit', () => {
  const LOGGER = pathToFileURL(
    join(ROOT, 'dist/common/logging/logger.js'),
  ).href;
  const LINES = 20_000;
  // Touching process.stdout makes a piped fd 1 non-blocking, as in the app.
  const script = (end: string): string =>
    `import { createLogger } from ${JSON.stringify(LOGGER)};
     void process.stdout.fd;
     const logger = createLogger({ logLevel: 'info', logFormat: 'json' });
     for (let i = 0; i < ${LINES}; i++) logger.info({ i }, 'line');
     ${end}`;

  it.each([
    ['process.exit(0)', 0],
    ["throw new Error('boom')", 1],
  ])(
    'writes every line logged before %s, in order, to a reader slower than the writer',
    async (end, status) => {
      const run = spawn(
        process.execPath,
        ['--input-type=module', '-e', script(end)],
        { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'ignore'] },
      );
      let stdout = '';
      run.stdout.setEncoding('utf8');
      // Nothing read for half a second: the pipe fills and writes meet EAGAIN.
      run.stdout.pause();
      setTimeout(() => run.stdout.resume(), 500);
      run.stdout.on('data', (chunk: string) => (stdout += chunk));
      const code = await new Promise((done) => run.once('close', done));
      expect(code).toBe(status);
      const lines = stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(LINES);
      expect(lines.map((line) => JSON.parse(line).i)).toEqual(
        Array.from({ length: LINES }, (_, i) => i),
      );
    },
  );
});
