import fc from 'fast-check';

/** Text and JSON building blocks of the fuzz. */

export const json = (value: unknown): string => JSON.stringify(value);

/** Lone surrogates replaced (encodeURIComponent throws on them). */
export function wellFormed(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

/** A character a header value may carry (tab, printable ASCII, Latin-1). */
export const headerChar = fc
  .oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
    { weight: 1, arbitrary: fc.constant(0x09) },
  )
  .map((code) => String.fromCharCode(code));

export function headerText(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: headerChar, maxLength });
}

export const loneSurrogates = fc.string({
  unit: fc
    .integer({ min: 0xd800, max: 0xdfff })
    .map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 4,
});

/**
 * Strings of every kind: ASCII, any code point, graphemes, controls. (Lone
 * surrogates, which JSON can carry as `\ud800`, have their own property
 * below: they find a bug of their own.)
 */
export const anyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 15 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e',
    '\ufeff',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    '${jndi:ldap://x}',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '../../etc/passwd',
  ),
);

/** A huge string: mostly under the 64 KB body limit, sometimes over it. */
export const hugeString = fc
  .tuple(
    fc.constantFrom('a', 'é', '😀', '\u0000', ' ', '\\'),
    fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 257, max: 12_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 12_000, max: 70_000 }) },
    ),
  )
  .map(([unit, count]) => unit.repeat(count));

/** JSON text of `depth` nested arrays or objects (built as text). */
export function nested(kind: 'array' | 'object', depth: number): string {
  return kind === 'array'
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/**
 * Nested JSON as deep as a real client might send. Deeper nesting, up to the
 * body limit, has its own property below (it finds a bug of its own).
 */
export const nestedJson = fc
  .tuple(
    fc.constantFrom('array' as const, 'object' as const),
    fc.integer({ min: 2, max: 64 }),
  )
  .map(([kind, depth]) => nested(kind, depth));

/** JSON text of a value that is wrong for any field. */
export const weirdJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'null',
    'true',
    'false',
    '0',
    '-0',
    '-1',
    '1e400',
    '-1e400',
    '1e-400',
    '123456789012345678901234567890',
    '""',
    '" "',
    '[]',
    '{}',
    '[null]',
    '{"$ne":null}',
    '{"$gt":""}',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"admin":true}}}',
    '"\\u0000"',
  ),
  fc.integer().map(json),
  fc.double().map(json),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  anyString.map(json),
  fc.jsonValue({ maxDepth: 3 }).map(json),
  fc.array(anyString, { maxLength: 4 }).map(json),
  hugeString.map(json),
  nestedJson,
);

/** Random bytes (often invalid UTF-8) as base64url. */
export const base64urlSegment = fc
  .uint8Array({ maxLength: 48 })
  .map((bytes) => Buffer.from(bytes).toString('base64url'));

/** Upper-cases the characters whose flip (cycling through `flips`) is set. */
export function oddCasing(text: string, flips: boolean[]): string {
  let i = 0;
  return text.replace(/./gsu, (char) =>
    flips[i++ % Math.max(flips.length, 1)] ? char.toUpperCase() : char,
  );
}

export const WHITESPACE = [
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\u00a0',
  '\u2003',
  '\ufeff',
  '',
];
