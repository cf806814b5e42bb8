import fc from 'fast-check';
import { anyString, json, weirdJson } from './text.js';

/** Request bodies: JSON objects with a route's fields, broken JSON, bytes. */

export type Body = string | Uint8Array;

/** Extra keys: prototype pollution, near-miss spellings, random ones. */
export const extraKeys = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'admin',
    'Email',
    'EMAIL',
    'email ',
    'password\u0000',
    'groups',
    'cognito:groups',
    '',
  ),
  anyString,
);

export type Fields = Record<string, fc.Arbitrary<unknown>>;

/**
 * A JSON object as text, with the route's real field names (each good,
 * wrong, missing or given twice) and sometimes extra keys. Written by hand,
 * so that `__proto__` is a real key and keys may repeat.
 */
export function objectBody(fields: Fields): fc.Arbitrary<string> {
  const entries = Object.entries(fields).map(([name, good]) =>
    fc.oneof(
      {
        weight: 12,
        arbitrary: good.map((value): [string, string][] => [
          [name, json(value)],
        ]),
      },
      {
        weight: 2,
        arbitrary: weirdJson.map((value): [string, string][] => [
          [name, value],
        ]),
      },
      { weight: 1, arbitrary: fc.constant<[string, string][]>([]) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(good, weirdJson)
          .map(([value, weird]): [string, string][] => [
            [name, weird],
            [name, json(value)],
          ]),
      },
    ),
  );
  const extras = fc.oneof(
    { weight: 4, arbitrary: fc.constant<[string, string][]>([]) },
    {
      weight: 1,
      arbitrary: fc.array(fc.tuple(extraKeys, weirdJson), {
        minLength: 1,
        maxLength: 3,
      }),
    },
  );
  return fc
    .tuple(fc.tuple(...entries), extras)
    .map(([pairs, more]) =>
      [...pairs.flat(), ...more]
        .map(([key, value]) => `${json(key)}:${value}`)
        .join(','),
    )
    .map((inner) => `{${inner}}`);
}

/** A syntactically broken variant of a JSON text. */
export function broken(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(
      text,
      fc.nat(),
      fc.constantFrom(
        'truncate',
        'insert',
        'delete',
        'trailing comma',
        'single quotes',
        'append',
        'bom',
        'comment',
      ),
      fc.constantFrom(
        '{',
        '}',
        '[',
        ']',
        ':',
        ',',
        '"',
        '\\',
        '\u0000',
        ' ',
        'x',
        '\n',
      ),
    )
    .map(([source, at, how, char]) => {
      const i = source.length === 0 ? 0 : at % source.length;
      switch (how) {
        case 'truncate':
          return source.slice(0, i);
        case 'insert':
          return source.slice(0, i) + char + source.slice(i);
        case 'delete':
          return source.slice(0, i) + source.slice(i + 1);
        case 'trailing comma':
          return source.replace(/}$/, ',}');
        case 'single quotes':
          return source.replaceAll('"', "'");
        case 'append':
          return source + char + source;
        case 'bom':
          return `\ufeff${source}`;
        default:
          return `/* ${char} */${source}`;
      }
    });
}

/** Any body for a route: mostly objects, sometimes anything else. */
export function bodies(fields: Fields): fc.Arbitrary<Body | undefined> {
  const object = objectBody(fields);
  return fc.oneof(
    { weight: 12, arbitrary: object },
    { weight: 2, arbitrary: weirdJson },
    { weight: 3, arbitrary: broken(object) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        '\n',
        '{}',
        '[]',
        'null',
        'undefined',
        "{'email':'a@b.c'}",
        '{"a":1}{"b":2}',
        '{"a":NaN}',
        '{"a":Infinity}',
        '{"__proto__":{"polluted":true}}',
        '{"constructor":{"prototype":{"polluted":true}}}',
      ),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}
