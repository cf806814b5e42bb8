import { useFastApp, type UsedFastApp } from '../support/fast-app.js';
import { fastContext } from '../support/fuzz/context.js';
import type { Context } from '../support/fuzz/tokens.js';
import { expectError, type Answer } from '../support/http.js';

/**
 * The routes that check a code for a signed-in user (TOTP verify, TOTP
 * off, email verify) allow RATE_LIMIT_WRONG_CODES_PER_USER wrong codes per
 * user per window, then answer 429 without asking Cognito: a stolen token
 * cannot guess a 6-digit code, from however many addresses.
 */
const LIMIT = 3;

const ROUTES = [
  {
    name: 'POST /api/v1/auth/mfa/totp/verify',
    method: 'POST',
    path: '/api/v1/auth/mfa/totp/verify',
    operation: 'VerifySoftwareToken',
  },
  {
    name: 'DELETE /api/v1/auth/mfa/totp',
    method: 'DELETE',
    path: '/api/v1/auth/mfa/totp',
    operation: 'VerifySoftwareToken',
  },
  {
    name: 'POST /api/v1/auth/me/email/verify',
    method: 'POST',
    path: '/api/v1/auth/me/email/verify',
    operation: 'VerifyUserAttribute',
  },
] as const;

function send(
  app: UsedFastApp,
  route: (typeof ROUTES)[number],
  user: Context,
  address: string,
): Promise<Answer> {
  return app.http.raw(
    route.method,
    route.path,
    JSON.stringify({ code: '000000' }),
    {
      'content-type': 'application/json',
      authorization: `Bearer ${user.tokens.accessToken}`,
      // A different client address each time (TRUST_PROXY=1): the limit
      // follows the user, not the address.
      'x-forwarded-for': address,
    },
  );
}

function cognitoCalls(app: UsedFastApp, operation: string): number {
  return app.provider.calls.filter((call) => call.operation === operation)
    .length;
}

describe.each(ROUTES)('$name with wrong codes', (route) => {
  const app = useFastApp({
    RATE_LIMIT_WRONG_CODES_PER_USER: String(LIMIT),
    TRUST_PROXY: '1',
  });

  it(`answers 400 CODE_MISMATCH ${LIMIT} times, then 429 with Retry-After from any address, without asking Cognito`, async () => {
    app.provider.answer('VerifySoftwareToken', () => ({ Status: 'ERROR' }));
    app.provider.answer('VerifyUserAttribute', () => ({
      error: 'CodeMismatchException',
    }));
    const user = fastContext();
    for (let i = 0; i < LIMIT; i++) {
      expectError(
        await send(app, route, user, `198.51.100.${i + 1}`),
        400,
        'CODE_MISMATCH',
      );
    }
    const before = cognitoCalls(app, route.operation);
    const refused = await send(app, route, user, '203.0.113.7');
    expectError(refused, 429, 'TOO_MANY_REQUESTS');
    expect(refused.body.message).toMatch(/^Too many wrong codes/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(cognitoCalls(app, route.operation)).toBe(before);

    // Another user is not limited by it.
    expectError(
      await send(app, route, fastContext(), '203.0.113.7'),
      400,
      'CODE_MISMATCH',
    );
  });
});
