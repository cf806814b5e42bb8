import fc from 'fast-check';
import { WHITESPACE, anyString, base64urlSegment, oddCasing } from './text.js';

/** Values for the fields of the API's bodies, by kind. */

/** Emails: valid, odd casing and whitespace, unicode, broken, too long. */
export function emails(known: string): fc.Arbitrary<string> {
  const base = fc.oneof(
    fc.emailAddress(),
    fc
      .stringMatching(/^[a-z0-9]{1,10}$/)
      .map((tag) => `fuzz-${tag}@example.com`),
    fc.constant(known),
  );
  return fc.oneof(
    { weight: 4, arbitrary: base },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          base,
          fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
          fc.constantFrom(...WHITESPACE),
          fc.constantFrom(...WHITESPACE),
        )
        .map(
          ([email, flips, before, after]) =>
            before + oddCasing(email, flips) + after,
        ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'a@b',
        'a@b.c',
        '@example.com',
        'ash@',
        'ash@@example.com',
        'ash@example..com',
        '"ash"@example.com',
        'ash+tag@example.com',
        'ÄSH@EXAMPLE.COM',
        'ash@exämple.com',
        'İ@example.com',
        'ß@example.com',
        'ash@example.com\u0000',
        'ash@[127.0.0.1]',
        `${'a'.repeat(64)}@${'b'.repeat(180)}.com`,
        `${'a'.repeat(300)}@example.com`,
      ),
    },
    { weight: 1, arbitrary: anyString },
  );
}

export const STRONG_PASSWORD = 'N3w-Passw0rd!';

export const newPasswords = fc.oneof(
  { weight: 3, arbitrary: fc.constant(STRONG_PASSWORD) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.stringMatching(/^[A-Z]{1,3}$/),
        fc.stringMatching(/^[a-z]{1,3}$/),
        fc.stringMatching(/^\d{1,3}$/),
        fc.constantFrom('!', '-', ' ', '^', '~', '`', '\\'),
        fc.string({ unit: 'binary', maxLength: 20 }),
      )
      .map((parts) => parts.join('').padEnd(8, 'x')),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'weak',
      'password',
      'Ab1!',
      `Aa1!${'x'.repeat(252)}`,
      `Aa1!${'x'.repeat(253)}`,
      'Пароль1!Aa',
      '😀😀😀😀Aa1!',
    ),
  },
  { weight: 1, arbitrary: anyString },
);

export const codes = fc.oneof(
  fc.stringMatching(/^\d{6}$/),
  fc.constantFrom(
    '123456',
    '000000',
    '12 34',
    ' 123456',
    'x'.repeat(64),
    'x'.repeat(65),
    '١٢٣٤٥٦',
  ),
  anyString,
);

export const opaqueTokens = (refreshToken: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc
      .array(base64urlSegment, { minLength: 1, maxLength: 5 })
      .map((parts) => parts.join('.')),
    fc.constantFrom(refreshToken, 'x'.repeat(8192), 'x'.repeat(8193)),
    anyString,
  );
