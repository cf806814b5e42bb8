import fc from 'fast-check';
import { isUtf8 } from 'node:buffer';
import { anyString, wellFormed } from './text.js';

/** Path segments (good, malformed, over-long) and query strings. */

/** Every byte of the UTF-8 of a text as a percent escape, in either case. */
export function escapeAll(text: string, upper: boolean): string {
  return [...Buffer.from(wellFormed(text), 'utf8')]
    .map((byte) => {
      const hex = byte.toString(16).padStart(2, '0');
      return `%${upper ? hex.toUpperCase() : hex}`;
    })
    .join('');
}

/** Fastify's (find-my-way's) default longest path parameter. */
export const MAX_PARAM_LENGTH = 100;

/**
 * A path segment that decodes, at most 100 characters as sent: names,
 * numbers, any text, odd escapes. Longer ones have their own property.
 */
export const pathSegments = fc
  .oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '25',
        'pikachu',
        'Pikachu',
        'mr-mime',
        'Mr.%20Mime',
        'mrmime',
        'nidoran-f',
        encodeURIComponent('Nidoran♀'),
        encodeURIComponent('Farfetch’d'),
        'type%3A%20null',
        encodeURIComponent('Flabébé'),
        'ho-oh',
        '0',
        '0025',
        '1025',
        '1026',
        '-1',
        '%2025%20',
        '25.0',
        '1e3',
        '9'.repeat(30),
        '9'.repeat(51),
        'Infinity',
        'NaN',
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'hasOwnProperty',
        'valueOf',
        '__defineGetter__',
        'x'.repeat(50),
        'x'.repeat(51),
        'x'.repeat(100),
        '%00',
        '%2F',
        '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
        '..%2F..%2F',
        '%5C',
        ';',
        '%3B',
        '*',
        '~',
        '%EF%BB%BF25',
        '%E2%80%AE',
      ),
    },
    {
      weight: 3,
      arbitrary: anyString.map((text) => encodeURIComponent(wellFormed(text))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(anyString, fc.boolean())
        .map(([text, upper]) => escapeAll(text, upper)),
    },
  )
  .filter((segment) => segment.length <= MAX_PARAM_LENGTH);

/**
 * A path segment whose escapes do not decode: bytes that are not UTF-8
 * (`%80`, `%FF`, overlong `%C0%AF`), truncated sequences, broken escapes.
 */
export const malformedSegments = fc.oneof(
  fc.constantFrom(
    '%',
    '%%',
    '%G1',
    '%1',
    '%80',
    '%FF',
    '%E2%82',
    '%C0%AF',
    '%ED%A0%80',
    'pikachu%',
    '25%zz',
  ),
  fc
    .uint8Array({ minLength: 1, maxLength: 8 })
    .filter((bytes) => !isUtf8(bytes))
    .map((bytes) =>
      [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
    ),
  fc
    .tuple(pathSegments, fc.constantFrom('%', '%8', '%C3', '%F0%9F%98'))
    .map(([segment, broken]) => segment + broken),
);

/** Query strings: the route's real keys and random ones, repeated keys, odd numbers. */
export function queryStrings(keys: readonly string[]): fc.Arbitrary<string> {
  return fc
    .array(
      fc.tuple(
        fc.oneof(
          {
            weight: 4,
            arbitrary: fc.constantFrom(...keys),
          },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              '__proto__',
              'constructor',
              'toString',
              'limit[]',
              'limit[0]',
              '__proto__[limit]',
              'email',
              'LIMIT',
              '',
            ),
          },
          { weight: 1, arbitrary: anyString },
        ),
        fc.oneof(
          {
            weight: 3,
            arbitrary: fc.constantFrom(
              '1',
              '20',
              '200',
              '201',
              '0',
              '-1',
              '-0',
              '1.5',
              '1e2',
              '1e400',
              '0x10',
              '0b1',
              '+5',
              ' 5',
              '5 ',
              '007',
              '20abc',
              '١٢',
              'NaN',
              'Infinity',
              '9'.repeat(400),
              '',
              'fire',
              'FIRE',
              'char',
              'x'.repeat(51),
              'true',
              'null',
            ),
          },
          { weight: 2, arbitrary: fc.integer().map(String) },
          { weight: 1, arbitrary: fc.double().map(String) },
          { weight: 2, arbitrary: anyString },
        ),
        fc.boolean(),
      ),
      { maxLength: 6 },
    )
    .map((pairs) => {
      const encode = (text: string, raw: boolean): string =>
        raw ? text.replace(/[#\s]/g, '') : encodeURIComponent(wellFormed(text));
      const query = pairs
        .map(([key, value, raw]) => `${encode(key, raw)}=${encode(value, raw)}`)
        .join('&');
      return query ? `?${query}` : '';
    });
}
