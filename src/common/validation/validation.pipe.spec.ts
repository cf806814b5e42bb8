import type { ArgumentMetadata } from '@nestjs/common';
import { ChangePasswordDto } from '../../auth/dto/change-password.dto.js';
import { ConfirmPasswordDto } from '../../auth/dto/confirm-password.dto.js';
import { LoginDto } from '../../auth/dto/login.dto.js';
import { RegisterDto } from '../../auth/dto/register.dto.js';
import { ApiException } from '../errors/api-exception.js';
import { createValidationPipe } from './validation.pipe.js';

const pipe = createValidationPipe();

function body(metatype: ArgumentMetadata['metatype']): ArgumentMetadata {
  return { type: 'body', metatype };
}

/** The ApiException the pipe rejects with (fails the test if it accepts). */
async function rejection(
  value: unknown,
  metatype: ArgumentMetadata['metatype'],
): Promise<ApiException> {
  const error: unknown = await pipe.transform(value, body(metatype)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiException);
  const exception = error as ApiException;
  expect(exception.getStatus()).toBe(400);
  return exception;
}

function messages(exception: ApiException): string[] {
  const { messages } = exception;
  return Array.isArray(messages) ? messages : [messages];
}

const STRONG = 'N3w-Passw0rd!';

const register = {
  name: 'Ash Ketchum',
  email: 'ash@example.com',
  password: STRONG,
};

describe('createValidationPipe', () => {
  describe('emails', () => {
    it.each<[string, ArgumentMetadata['metatype'], Record<string, unknown>]>([
      ['RegisterDto', RegisterDto, register],
      ['LoginDto', LoginDto, { email: 'x', password: 'abc' }],
      [
        'ChangePasswordDto',
        ChangePasswordDto,
        { email: 'x', currentPassword: 'old', newPassword: STRONG },
      ],
      [
        'ConfirmPasswordDto',
        ConfirmPasswordDto,
        { email: 'x', confirmationCode: '123456', newPassword: STRONG },
      ],
    ])('are trimmed and lower-cased in %s', async (_name, metatype, plain) => {
      const result = (await pipe.transform(
        { ...plain, email: '  Ash.Ketchum@Example.COM \t' },
        body(metatype),
      )) as { email: string };
      expect(result).toBeInstanceOf(metatype!);
      expect(result.email).toBe('ash.ketchum@example.com');
    });

    it('refuses a value that is not an email', async () => {
      const exception = await rejection(
        { email: 'ash-at-example.com', password: 'abc' },
        LoginDto,
      );
      expect(exception.code).toBe('VALIDATION_FAILED');
      expect(messages(exception)).toEqual(['email must be an email address']);
    });
  });

  describe('the password policy', () => {
    it('does not apply to the password given at login', async () => {
      await expect(
        pipe.transform(
          { email: 'ash@example.com', password: 'abc' },
          body(LoginDto),
        ),
      ).resolves.toMatchObject({ email: 'ash@example.com', password: 'abc' });
    });

    it('does not apply to currentPassword, but applies to newPassword', async () => {
      await expect(
        pipe.transform(
          {
            email: 'ash@example.com',
            currentPassword: 'old',
            newPassword: STRONG,
          },
          body(ChangePasswordDto),
        ),
      ).resolves.toMatchObject({ currentPassword: 'old', newPassword: STRONG });

      const exception = await rejection(
        {
          email: 'ash@example.com',
          currentPassword: 'old',
          newPassword: 'weak',
        },
        ChangePasswordDto,
      );
      expect(exception.code).toBe('PASSWORD_POLICY');
      expect(
        messages(exception).every((m) => m.startsWith('newPassword ')),
      ).toBe(true);
    });

    it('refuses an empty login password as a validation fault', async () => {
      const exception = await rejection(
        { email: 'ash@example.com', password: '' },
        LoginDto,
      );
      expect(exception.code).toBe('VALIDATION_FAILED');
    });

    it.each([
      ['too short', 'Ab1!xyz', 'password must be at least 8 characters long'],
      [
        'no upper-case letter',
        'n3w-passw0rd!',
        'password must contain an upper-case letter',
      ],
      [
        'no lower-case letter',
        'N3W-PASSW0RD!',
        'password must contain a lower-case letter',
      ],
      ['no digit', 'New-Password!', 'password must contain a digit'],
      ['no symbol', 'N3wPassw0rd', 'password must contain a symbol'],
    ])(
      'answers PASSWORD_POLICY naming the rule at register: %s (%s)',
      async (_rule, password, sentence) => {
        const exception = await rejection(
          { ...register, password },
          RegisterDto,
        );
        expect(exception.code).toBe('PASSWORD_POLICY');
        expect(messages(exception)).toEqual([sentence]);
      },
    );

    it.each([
      [
        'too short',
        'Ab1!xyz',
        'newPassword must be at least 8 characters long',
      ],
      ['no symbol', 'N3wPassw0rd', 'newPassword must contain a symbol'],
    ])(
      'answers PASSWORD_POLICY naming the rule at confirm-password: %s (%s)',
      async (_rule, newPassword, sentence) => {
        const exception = await rejection(
          { email: 'ash@example.com', confirmationCode: '123456', newPassword },
          ConfirmPasswordDto,
        );
        expect(exception.code).toBe('PASSWORD_POLICY');
        expect(messages(exception)).toEqual([sentence]);
      },
    );

    it('lists every rule a new password breaks, not just one', async () => {
      const exception = await rejection(
        { ...register, password: 'password' },
        RegisterDto,
      );
      expect(exception.code).toBe('PASSWORD_POLICY');
      expect([...messages(exception)].sort()).toEqual([
        'password must contain a digit',
        'password must contain a symbol',
        'password must contain an upper-case letter',
      ]);
    });

    it('answers VALIDATION_FAILED when a weak password comes with an unknown field', async () => {
      const exception = await rejection(
        { ...register, password: 'weak', admin: true },
        RegisterDto,
      );
      expect(exception.code).toBe('VALIDATION_FAILED');
      expect(messages(exception)).toContain('property admin should not exist');
    });

    it('answers VALIDATION_FAILED when a weak password comes with a bad email', async () => {
      const exception = await rejection(
        { ...register, email: 'not-an-email', password: 'weak' },
        RegisterDto,
      );
      expect(exception.code).toBe('VALIDATION_FAILED');
      expect(messages(exception)).toContain('email must be an email address');
    });

    it('answers VALIDATION_FAILED for a password that is not a string', async () => {
      const exception = await rejection(
        { ...register, password: 12345678 },
        RegisterDto,
      );
      expect(exception.code).toBe('VALIDATION_FAILED');
      expect(messages(exception)).toContain('password must be a string');
    });
  });

  describe('the shape of the body', () => {
    it('accepts a valid register body as a RegisterDto', async () => {
      const result = await pipe.transform({ ...register }, body(RegisterDto));
      expect(result).toBeInstanceOf(RegisterDto);
      expect(result).toEqual(register);
    });

    it('refuses an unknown field', async () => {
      const exception = await rejection(
        { email: 'ash@example.com', password: 'abc', role: 'admin' },
        LoginDto,
      );
      expect(exception.code).toBe('VALIDATION_FAILED');
      expect(messages(exception)).toEqual(['property role should not exist']);
    });

    it.each([
      ['a missing field', { email: 'ash@example.com' }],
      ['a numeric email', { email: 42, password: 'abc' }],
      [
        'an object as password',
        { email: 'ash@example.com', password: { $ne: '' } },
      ],
      ['an array as password', { email: 'ash@example.com', password: ['abc'] }],
      ['a null password', { email: 'ash@example.com', password: null }],
      ['a boolean email', { email: true, password: 'abc' }],
    ])('refuses %s', async (_label, value) => {
      const exception = await rejection(value, LoginDto);
      expect(exception.code).toBe('VALIDATION_FAILED');
      expect(messages(exception).length).toBeGreaterThan(0);
    });

    it('refuses a confirmation code with spaces', async () => {
      const exception = await rejection(
        {
          email: 'ash@example.com',
          confirmationCode: '12 34',
          newPassword: STRONG,
        },
        ConfirmPasswordDto,
      );
      expect(exception.code).toBe('VALIDATION_FAILED');
    });

    it.each([
      ['an undefined body', undefined],
      ['a null body', null],
      ['an empty array body', []],
      ['an array body', [{ email: 'ash@example.com', password: 'abc' }]],
      ['a string body', 'email=ash@example.com'],
      ['a number body', 42],
    ])(
      'answers %s with VALIDATION_FAILED, not a crash',
      async (_label, value) => {
        const exception = await rejection(value, LoginDto);
        expect(exception.code).toBe('VALIDATION_FAILED');
        expect(messages(exception).length).toBeGreaterThan(0);
      },
    );
  });
});
