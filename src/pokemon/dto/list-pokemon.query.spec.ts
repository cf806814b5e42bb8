import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ListPokemonQuery } from './list-pokemon.query.js';

async function check(
  plain: Record<string, unknown>,
): Promise<{ query: ListPokemonQuery; failed: string[] }> {
  const query = plainToInstance(ListPokemonQuery, plain);
  const errors = await validate(query, {
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  return { query, failed: errors.map((e) => e.property) };
}

describe('ListPokemonQuery', () => {
  it('defaults to limit 20 and offset 0 with no filters', async () => {
    const { query, failed } = await check({});
    expect(failed).toEqual([]);
    expect(query.limit).toBe(20);
    expect(query.offset).toBe(0);
    expect(query.type).toBeUndefined();
    expect(query.name).toBeUndefined();
    expect(query.generation).toBeUndefined();
  });

  it('converts numeric strings from the query string to numbers', async () => {
    const { query, failed } = await check({
      limit: '200',
      offset: '40',
      generation: '9',
      type: 'fire',
      name: 'char',
    });
    expect(failed).toEqual([]);
    expect(query).toMatchObject({
      limit: 200,
      offset: 40,
      generation: 9,
      type: 'fire',
      name: 'char',
    });
  });

  it.each([['0'], ['201'], ['abc'], ['1.5'], ['']])(
    'refuses limit %j',
    async (limit) => {
      expect((await check({ limit })).failed).toEqual(['limit']);
    },
  );

  it('refuses a negative offset', async () => {
    expect((await check({ offset: '-1' })).failed).toEqual(['offset']);
  });

  it.each([['0'], ['10'], ['x']])(
    'refuses generation %j',
    async (generation) => {
      expect((await check({ generation })).failed).toEqual(['generation']);
    },
  );

  it('refuses a name or type longer than 50 characters', async () => {
    const long = 'a'.repeat(51);
    expect((await check({ name: long, type: long })).failed.sort()).toEqual([
      'name',
      'type',
    ]);
  });

  it('refuses a repeated parameter (array value)', async () => {
    expect((await check({ type: ['fire', 'water'] })).failed).toEqual(['type']);
  });

  it('refuses an unknown field', async () => {
    expect((await check({ sort: 'name' })).failed).toEqual(['sort']);
  });
});
