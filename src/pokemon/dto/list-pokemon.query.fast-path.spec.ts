import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import fc from 'fast-check';
import { ApiException } from '../../common/errors/api-exception.js';
import { FAST_PATH } from '../../common/validation/fast-path.js';
import {
  createValidationPipe,
  VALIDATION_OPTIONS,
} from '../../common/validation/validation.pipe.js';
import { ListPokemonQuery } from './list-pokemon.query.js';

const metadata: ArgumentMetadata = {
  type: 'query',
  metatype: ListPokemonQuery,
};
/** class-transformer and class-validator alone: the rules as written. */
const slowPipe = new ValidationPipe(VALIDATION_OPTIONS);
const pipe = createValidationPipe();

type Outcome =
  { ok: true; value: unknown } | { ok: false; status: number; body: unknown };

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    return { ok: false, status: error.getStatus(), body: error.getResponse() };
  }
}

/** A query object as Fastify's parser makes one: own keys only, no Object.prototype. */
function queryOf(entries: [string, string | string[]][]): object {
  const query = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of entries) query[key] = value;
  return query;
}

const KEYS = ['limit', 'offset', 'type', 'name', 'generation'];
const numberText = fc.oneof(
  // The bounds of the rules, and either side of them.
  fc.constantFrom('0', '1', '9', '10', '199', '200', '201'),
  fc.integer({ min: 0, max: 300 }).map(String),
  fc.integer({ min: 0, max: 1e12 }).map(String),
  fc.constantFrom(
    '',
    ' 5',
    '5 ',
    '+5',
    '-1',
    '-0',
    '007',
    '1e2',
    '0x10',
    '1.5',
    '2.0',
    'abc',
    'NaN',
    'Infinity',
    '0000000001',
  ),
);
const textValue = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    '',
    'fire',
    'FIRE',
    'saur',
    '\uFE0F',
    'a\uFE0F',
    '\u2764\uFE0F'.repeat(26),
    '😀'.repeat(26),
    'x'.repeat(50),
    'x'.repeat(51),
    '\uD800',
  ),
);
const value = fc.oneof(
  { weight: 4, arbitrary: numberText },
  { weight: 4, arbitrary: textValue },
  {
    weight: 1,
    arbitrary: fc.array(fc.oneof(numberText, textValue), {
      minLength: 2,
      maxLength: 3,
    }),
  },
);
const key = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...KEYS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'sort',
      'Limit',
      '__proto__',
      'constructor',
      'toString',
      '',
    ),
  },
);
const query = fc
  .uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 6 })
  .map(queryOf);

describe('ListPokemonQuery fast path', () => {
  it('answers every query as class-transformer and class-validator do, or leaves it to them', async () => {
    let fast = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const slow = await outcome(() => slowPipe.transform(q, metadata));
        const quick = ListPokemonQuery[FAST_PATH](q);
        if (quick !== undefined) {
          fast++;
          expect(slow.ok).toBe(true);
          expect(quick).toBeInstanceOf(ListPokemonQuery);
          expect(quick).toEqual((slow as { value: unknown }).value);
        }
        if (!slow.ok) refused++;
        expect(await outcome(() => pipe.transform(q, metadata))).toEqual(slow);
      }),
      { numRuns: 3000, seed: 14 },
    );
    // Both sides were exercised: queries the fast path took, and refusals.
    expect(fast).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  });

  it.each([
    ['the benchmark query', { limit: '151' }, { limit: 151, offset: 0 }],
    ['no query', {}, { limit: 20, offset: 0 }],
    [
      'every field',
      {
        limit: '200',
        offset: '40',
        type: 'fire',
        name: 'char',
        generation: '9',
      },
      { limit: 200, offset: 40, type: 'fire', name: 'char', generation: 9 },
    ],
  ])('takes %s itself', (_name, plain, expected) => {
    const quick = ListPokemonQuery[FAST_PATH](queryOf(Object.entries(plain)));
    expect(quick).toStrictEqual(
      Object.assign(new ListPokemonQuery(), expected),
    );
  });

  it.each([
    ['limit=0', { limit: '0' }],
    ['limit=201', { limit: '201' }],
    ['limit=1e2 (valid, another spelling)', { limit: '1e2' }],
    ['a repeated type', { type: ['fire', 'water'] }],
    ['an unknown field', { sort: 'name' }],
    ['a 51-character name', { name: 'x'.repeat(51) }],
    ['generation=10', { generation: '10' }],
  ])('leaves %s to the rules', (_name, plain) => {
    expect(
      ListPokemonQuery[FAST_PATH](queryOf(Object.entries(plain))),
    ).toBeUndefined();
  });
});
