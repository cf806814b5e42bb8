import { useFastApp } from '../support/fast-app.js';
import { expectError, type Answer } from '../support/http.js';
import { PASSWORD, newEmail } from '../support/users.js';

/**
 * No client mistake may produce a 5xx: every malformed, mistyped, empty or
 * oversized request is refused with a 4xx in the one error shape, before it
 * reaches Cognito (the fast layer's fake identity provider proves it: it is
 * never called).
 */

const JSON_TYPE = { 'content-type': 'application/json' };

/** The public JSON routes, each with a body that would pass validation. */
const ROUTES: [string, () => Record<string, unknown>][] = [
  [
    'register',
    () => ({ name: 'Ash', email: newEmail('bad'), password: PASSWORD }),
  ],
  ['confirm-registration', () => ({ email: newEmail('bad'), code: '123456' })],
  ['login', () => ({ email: newEmail('bad'), password: PASSWORD })],
  [
    'change-password',
    () => ({
      email: newEmail('bad'),
      currentPassword: PASSWORD,
      newPassword: 'N3w-Passw0rd!',
    }),
  ],
  ['forgot-password', () => ({ email: newEmail('bad') })],
  [
    'confirm-password',
    () => ({
      email: newEmail('bad'),
      confirmationCode: '123456',
      newPassword: 'N3w-Passw0rd!',
    }),
  ],
];

/** Each bad body, sent raw as application/json (undefined = no body). */
const BAD_BODIES: [string, (valid: Record<string, unknown>) => string][] = [
  ['malformed JSON', () => '{"email":'],
  ['an empty body', () => ''],
  ['a JSON array', () => '[]'],
  ['a JSON array holding a valid body', (valid) => JSON.stringify([valid])],
  ['a JSON string', () => '"hello"'],
  ['a JSON number', () => '42'],
  ['a JSON boolean', () => 'true'],
  ['null', () => 'null'],
  ['an empty object (all fields missing)', () => '{}'],
  [
    'numbers for every string',
    (valid) =>
      JSON.stringify(
        Object.fromEntries(Object.keys(valid).map((key) => [key, 12345678])),
      ),
  ],
  [
    'arrays for every string',
    (valid) =>
      JSON.stringify(
        Object.fromEntries(
          Object.entries(valid).map(([key, value]) => [key, [value]]),
        ),
      ),
  ],
  [
    'objects for every string (operator injection)',
    (valid) =>
      JSON.stringify(
        Object.fromEntries(
          Object.keys(valid).map((key) => [key, { $ne: null }]),
        ),
      ),
  ],
  [
    'null for every field',
    (valid) =>
      JSON.stringify(
        Object.fromEntries(Object.keys(valid).map((key) => [key, null])),
      ),
  ],
  [
    'an unknown extra field',
    (valid) => JSON.stringify({ ...valid, admin: true }),
  ],
  [
    'a __proto__ field',
    (valid) =>
      `${JSON.stringify(valid).slice(0, -1)},"__proto__":{"admin":true}}`,
  ],
  ['a trailing comma', (valid) => `${JSON.stringify(valid).slice(0, -1)},}`],
];

const CASES = ROUTES.flatMap(([route, valid]) =>
  BAD_BODIES.map(([what, body]) => [route, what, () => body(valid())] as const),
);

/** Each route's body with one field left out. */
const MISSING_FIELD = ROUTES.flatMap(([route, valid]) =>
  Object.keys(valid()).map((field) => [route, field, valid] as const),
);

describe('bad input (fast layer)', () => {
  const app = useFastApp();

  function post(
    route: string,
    raw: string | undefined,
    headers: Record<string, string> = JSON_TYPE,
  ): Promise<Answer> {
    return app.http.raw('POST', `/api/v1/auth/${route}`, raw, headers);
  }

  describe('POST /api/v1/auth/* with a bad JSON body', () => {
    it.each(CASES)(
      'POST /api/v1/auth/%s answers 400 VALIDATION_FAILED for %s',
      async (route, _what, body) => {
        const answer = await post(route, body());
        expectError(answer, 400, 'VALIDATION_FAILED');
        expect(answer.body.message).toBeTruthy();
      },
    );

    it.each(ROUTES.map(([route]) => route))(
      'POST /api/v1/auth/%s answers 400 VALIDATION_FAILED with no body at all (no content-type)',
      async (route) => {
        expectError(await post(route, undefined, {}), 400, 'VALIDATION_FAILED');
      },
    );

    it.each(ROUTES)(
      'POST /api/v1/auth/%s names the unknown field in the message',
      async (route, valid) => {
        const answer = await post(
          route,
          JSON.stringify({ ...valid(), admin: true }),
        );
        expectError(answer, 400, 'VALIDATION_FAILED');
        expect(answer.body.message).toEqual([
          'property admin should not exist',
        ]);
      },
    );

    it.each(MISSING_FIELD)(
      'POST /api/v1/auth/%s answers 400 VALIDATION_FAILED without %s, and names it',
      async (route, field, valid) => {
        const body = valid();
        delete body[field];
        const answer = await post(route, JSON.stringify(body));
        expectError(answer, 400, 'VALIDATION_FAILED');
        expect(Array.isArray(answer.body.message)).toBe(true);
        expect(
          (answer.body.message as string[]).every((m) => m.startsWith(field)),
        ).toBe(true);
      },
    );
  });

  describe("the app's own sentences for the body parser's errors", () => {
    // The filter has a sentence for each Fastify body error
    // (FASTIFY_SENTENCES); the framework's own wording must not be sent.
    it.each([
      [
        'malformed JSON',
        '{"email":',
        JSON_TYPE,
        400,
        'VALIDATION_FAILED',
        'The request body is not valid JSON.',
      ],
      [
        'an empty JSON body',
        '',
        JSON_TYPE,
        400,
        'VALIDATION_FAILED',
        'The request body is empty; send a JSON object.',
      ],
      [
        'a body over 64 KB',
        JSON.stringify({ pad: 'x'.repeat(65 * 1024) }),
        JSON_TYPE,
        413,
        'PAYLOAD_TOO_LARGE',
        'The request body is too large.',
      ],
      [
        'an unsupported content type',
        '<login/>',
        { 'content-type': 'application/xml' },
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'The request body must be JSON (Content-Type: application/json).',
      ],
    ])(
      'POST /api/v1/auth/login answers %s with the sentence of the API, not of Fastify',
      async (_what, raw, headers, status, code, sentence) => {
        const answer = await post('login', raw, headers);
        expectError(answer, status, code);
        expect(answer.body.message).toBe(sentence);
      },
    );
  });

  describe('POST /api/v1/auth/* with a body over 64 KB', () => {
    it.each(ROUTES)(
      'POST /api/v1/auth/%s answers 413 PAYLOAD_TOO_LARGE',
      async (route, valid) => {
        const body = JSON.stringify({ ...valid(), pad: 'x'.repeat(65 * 1024) });
        const answer = await post(route, body);
        expectError(answer, 413, 'PAYLOAD_TOO_LARGE');
      },
    );

    it('still accepts a body just under the limit (then refuses its extra field, 400)', async () => {
      const body = JSON.stringify({
        email: newEmail('pad'),
        pad: 'x'.repeat(60 * 1024),
      });
      expectError(
        await post('forgot-password', body),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('POST /api/v1/auth/* with a body that is not JSON', () => {
    it.each(
      ROUTES.flatMap(([route, valid]) =>
        [
          'text/plain',
          'application/xml',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
        ].map((type) => [route, type, valid] as const),
      ),
    )(
      'POST /api/v1/auth/%s with content-type %s answers 415 UNSUPPORTED_MEDIA_TYPE',
      async (route, type, valid) => {
        const answer = await post(route, JSON.stringify(valid()), {
          'content-type': type,
        });
        expectError(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
      },
    );

    it('answers 415 UNSUPPORTED_MEDIA_TYPE for a text/plain body, even one that holds valid JSON', async () => {
      const answer = await post(
        'forgot-password',
        JSON.stringify({ email: newEmail('text') }),
        { 'content-type': 'text/plain' },
      );
      expectError(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('refuses a well-formed form-encoded body (everything is JSON): 415, not 202', async () => {
      const answer = await post(
        'forgot-password',
        `email=${encodeURIComponent(newEmail('form'))}`,
        { 'content-type': 'application/x-www-form-urlencoded' },
      );
      expectError(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('does not echo the submitted password in the error message (form-encoded body)', async () => {
      const password = 'S3cret-Passw0rd!';
      const answer = await post(
        'login',
        JSON.stringify({ email: newEmail('form'), password }),
        { 'content-type': 'application/x-www-form-urlencoded' },
      );
      expectError(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(JSON.stringify(answer.body)).not.toContain(password);
    });

    it('answers 415 UNSUPPORTED_MEDIA_TYPE for application/xml', async () => {
      const answer = await post('login', '<login/>', {
        'content-type': 'application/xml',
      });
      expectError(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('GET /api/v1/pokemons with a bad Authorization header', () => {
    const header = Buffer.from(
      JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'CognitoLocal' }),
    ).toString('base64url');
    it.each([
      ['Bearer', 'Bearer'],
      ['Bearer with a trailing space', 'Bearer '],
      ['Bearer abc', 'Bearer abc'],
      ['Bearer a.b.c', 'Bearer a.b.c'],
      ['Bearer ...', 'Bearer ...'],
      ['Basic xyz', 'Basic xyz'],
      [
        'Basic credentials',
        `Basic ${Buffer.from('ash:pw').toString('base64')}`,
      ],
      ['a bare word', 'abc'],
      ['a 10 KB bearer string', `Bearer ${'a'.repeat(10 * 1024)}`],
      ['a 10 KB string', 'x'.repeat(10 * 1024)],
      [
        'a 10 KB three-part bearer string',
        `Bearer ${'a'.repeat(3400)}.${'b'.repeat(3400)}.${'c'.repeat(3400)}`,
      ],
      ['a JWT header with garbage', `Bearer ${header}.%%%.###`],
      ['a JWT with an empty payload', `Bearer ${header}.e30.c2ln`],
      [
        'an HS256 JWT',
        `Bearer ${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.e30.c2ln`,
      ],
      ['two bearer tokens', 'Bearer abc Bearer def'],
    ])('answers 401 UNAUTHORIZED for %s', async (_what, authorization) => {
      const answer = await app.http.get('/api/v1/pokemons', undefined, {
        authorization,
      });
      expectError(answer, 401, 'UNAUTHORIZED');
    });

    it('answers 401 UNAUTHORIZED with no Authorization header', async () => {
      expectError(
        await app.http.get('/api/v1/pokemons/25'),
        401,
        'UNAUTHORIZED',
      );
    });
  });

  it('sent none of these requests to the identity provider', () => {
    expect(app.provider.calls).toEqual([]);
  });
});
