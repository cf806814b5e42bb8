import {
  HttpStatus,
  type CallHandler,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, throwError, of, defer } from 'rxjs';
import {
  ApiException,
  type ErrorCode,
} from '../../common/errors/api-exception.js';
import { loadConfig } from '../../config/env.validation.js';
import type { RateLimitConfig } from '../../config/rate-limit.config.js';
import { COUNTER_ENTRY_BYTES } from '../../store/memory-counters.js';
import { MemorySharedStore } from '../../store/memory.store.js';
import { EmailRateLimitInterceptor } from './email-rate-limit.interceptor.js';
import { EmailRateLimiter, type EmailBucket } from './email-rate-limiter.js';

const LIMITS: RateLimitConfig = {
  ...loadConfig({}).rateLimit,
  failedPasswordsPerEmailAndIp: 3,
  failedPasswordsPerEmail: 5,
  slowdownStepMs: 100,
  slowdownMaxMs: 350,
  requestsPerEmail: 2,
};

const HUGE_EMAIL = `${'x'.repeat(60 * 1024)}@example.com`;

function setup(limits = LIMITS) {
  const store = new MemorySharedStore();
  const limiter = new EmailRateLimiter(limits, store);
  const interceptor = new EmailRateLimitInterceptor(new Reflector(), limiter);
  let calls = 0;
  /** Runs one request through the interceptor; the handler's outcome is `outcome`. */
  const run = async (
    bucket: EmailBucket,
    body: unknown,
    outcome: 'ok' | ErrorCode = 'ok',
    ip = '203.0.113.7',
  ): Promise<'ok' | ErrorCode> => {
    const handler = (): void => undefined;
    Reflect.defineMetadata('auth:emailBucket', bucket, handler);
    const context = {
      getHandler: () => handler,
      switchToHttp: () => ({ getRequest: () => ({ body, ip }) }),
    } as unknown as ExecutionContext;
    const next: CallHandler = {
      handle: () =>
        defer(() => {
          calls += 1;
          return outcome === 'ok'
            ? of({ done: true })
            : throwError(
                () => new ApiException(HttpStatus.BAD_REQUEST, outcome, 'x'),
              );
        }),
    };
    try {
      await lastValueFrom(await interceptor.intercept(context, next));
      return 'ok';
    } catch (error) {
      return (error as ApiException).code;
    }
  };
  return { limiter, store, run, calls: () => calls };
}

describe('EmailRateLimitInterceptor with EmailRateLimiter', () => {
  it('does not count, nor store, a body whose email the DTOs would refuse (a 60 KB one)', async () => {
    const { store, run } = setup();
    for (let i = 0; i < 10; i++) {
      await run('failedPasswords', { email: HUGE_EMAIL }, 'VALIDATION_FAILED');
      await run('requests', { email: HUGE_EMAIL }, 'VALIDATION_FAILED');
      await run('requests', { email: 7 }, 'VALIDATION_FAILED');
    }
    expect(store.counterBytes).toBe(0);
  });

  it('counts the email trimmed and lower-cased, under one fixed-size key', async () => {
    const { store, run } = setup();
    await run('requests', { email: 'Ash@Example.com ' });
    await run('requests', { email: ' ash@example.com' });
    expect(await run('requests', { email: 'ASH@example.com' })).toBe(
      'TOO_MANY_REQUESTS',
    );
    expect(store.counterBytes).toBe(COUNTER_ENTRY_BYTES);
  });

  it('gives a request back when its body is refused for another field', async () => {
    const { run } = setup();
    for (let i = 0; i < 5; i++) {
      expect(
        await run(
          'requests',
          { email: 'ash@example.com' },
          'VALIDATION_FAILED',
        ),
      ).toBe('VALIDATION_FAILED');
    }
    // Every count given back: the limit of 2 is whole again.
    expect(await run('requests', { email: 'ash@example.com' })).toBe('ok');
    expect(await run('requests', { email: 'ash@example.com' })).toBe('ok');
    expect(await run('requests', { email: 'ash@example.com' })).toBe(
      'TOO_MANY_REQUESTS',
    );
  });

  it('blocks an (email, address) pair after its failed passwords, and leaves other addresses alone', async () => {
    const { run } = setup();
    const body = { email: 'misty@example.com', password: 'x' };
    for (let i = 0; i < 3; i++) {
      expect(await run('failedPasswords', body, 'INVALID_CREDENTIALS')).toBe(
        'INVALID_CREDENTIALS',
      );
    }
    expect(await run('failedPasswords', body)).toBe('TOO_MANY_REQUESTS');
    expect(await run('failedPasswords', body, 'ok', '198.51.100.9')).toBe('ok');
  });

  it('counts a refused challenge session (401 UNAUTHORIZED) like a failed password; a wrong code or a success is not one', async () => {
    const { run } = setup({ ...LIMITS, requestsPerEmail: 100 });
    const body = { email: 'erika@example.com', session: 'x' };
    for (let i = 0; i < 5; i++) {
      expect(await run('challenges', body, 'CODE_MISMATCH')).toBe(
        'CODE_MISMATCH',
      );
      expect(await run('challenges', body)).toBe('ok');
    }
    for (let i = 0; i < 3; i++) {
      expect(await run('challenges', body, 'UNAUTHORIZED')).toBe(
        'UNAUTHORIZED',
      );
    }
    expect(await run('challenges', body)).toBe('TOO_MANY_REQUESTS');
    // The same failures as login's: the password is refused from there too.
    expect(await run('failedPasswords', body)).toBe('TOO_MANY_REQUESTS');
    expect(await run('challenges', body, 'ok', '198.51.100.9')).toBe('ok');
  });

  it('limits every challenge request per (email, address), answers that are no refusal included', async () => {
    const { run } = setup();
    const body = { email: 'koga@example.com', session: 'x' };
    expect(await run('challenges', body, 'CODE_MISMATCH')).toBe(
      'CODE_MISMATCH',
    );
    expect(await run('challenges', body)).toBe('ok');
    expect(await run('challenges', body)).toBe('TOO_MANY_REQUESTS');
    expect(await run('challenges', body, 'ok', '198.51.100.9')).toBe('ok');
  });

  it('limits passwordless starts per (email, address); EMAIL_OTP also per email, with the routes that send a message', async () => {
    const { run } = setup();
    const webAuthn = { email: 'sabrina@example.com', method: 'WEB_AUTHN' };
    const emailOtp = { email: 'sabrina@example.com', method: 'EMAIL_OTP' };
    // Another address: its own pair; the email's message count is shared.
    expect(await run('requests', { email: emailOtp.email })).toBe('ok');
    expect(await run('passwordless', emailOtp, 'ok', '198.51.100.9')).toBe(
      'ok',
    );
    expect(await run('passwordless', emailOtp)).toBe('TOO_MANY_REQUESTS');
    // That refusal gave its pair count back: two WEB_AUTHN starts still pass.
    expect(await run('passwordless', webAuthn)).toBe('ok');
    expect(await run('passwordless', webAuthn)).toBe('ok');
    expect(await run('passwordless', webAuthn)).toBe('TOO_MANY_REQUESTS');
  });

  it('gives a passwordless start back, both counts, when its body is refused', async () => {
    const { run } = setup();
    const body = { email: 'erika@example.com', method: 'EMAIL_OTP' };
    for (let i = 0; i < 5; i++) {
      expect(await run('passwordless', body, 'VALIDATION_FAILED')).toBe(
        'VALIDATION_FAILED',
      );
    }
    expect(await run('passwordless', body)).toBe('ok');
    expect(await run('requests', { email: body.email })).toBe('ok');
  });

  it('counts an IPv6 client by its /64, as the per-IP limit does', async () => {
    const { run } = setup();
    const body = { email: 'sabrina@example.com', password: 'x' };
    for (let i = 1; i <= 3; i++) {
      await run(
        'failedPasswords',
        body,
        'INVALID_CREDENTIALS',
        `2001:db8::${i}`,
      );
    }
    expect(await run('failedPasswords', body, 'ok', '2001:db8::ffff')).toBe(
      'TOO_MANY_REQUESTS',
    );
    expect(await run('failedPasswords', body, 'ok', '2001:db8:0:1::1')).toBe(
      'ok',
    );
  });

  it('never counts a 500 or a 503 (an operator fault or an outage) as a failed password', async () => {
    const { run } = setup();
    const body = { email: 'brock@example.com', password: 'x' };
    for (let i = 0; i < 10; i++) {
      await run('failedPasswords', body, 'INTERNAL');
      await run('failedPasswords', body, 'IDP_UNAVAILABLE');
    }
    // The pair's 3 failures are all still to be had.
    for (let i = 0; i < 3; i++) {
      expect(await run('failedPasswords', body, 'INVALID_CREDENTIALS')).toBe(
        'INVALID_CREDENTIALS',
      );
    }
    expect(await run('failedPasswords', body)).toBe('TOO_MANY_REQUESTS');
  });

  it('slows attempts for an email past its failures from any address, one step a failure, capped', async () => {
    const { limiter, store } = setup();
    const fail = (ip: string) =>
      limiter.takePasswordAttempt('gary@example.com', ip);
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const attempt = await fail(`10.0.0.${i}`);
      delays.push(attempt.delayMs);
      attempt.failed();
    }
    // 5 failures free; then 100, 200, 300, and the cap 350.
    expect(delays).toEqual([0, 0, 0, 0, 0, 100, 200, 300, 350, 350]);
    expect((await fail('10.0.1.1')).delayMs).toBe(350);
    // The email's failures, and one (email, address) pair for each of the 11 addresses.
    expect(store.counterBytes).toBe(12 * COUNTER_ENTRY_BYTES);
  });

  it('waits the slowdown before the password is checked', async () => {
    vi.useFakeTimers();
    try {
      const { limiter, run, calls } = setup();
      for (let i = 0; i < 6; i++) {
        (
          await limiter.takePasswordAttempt('erika@example.com', `10.0.0.${i}`)
        ).failed();
      }
      const answer = run('failedPasswords', { email: 'erika@example.com' });
      await vi.advanceTimersByTimeAsync(199);
      expect(calls()).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(calls()).toBe(1);
      expect(await answer).toBe('ok');
    } finally {
      vi.useRealTimers();
    }
  });
});
