import { useFastApp } from '../support/fast-app.js';
import { fastContext } from '../support/fuzz/context.js';
import { expectError, type Answer } from '../support/http.js';

interface Pokemon {
  id: number;
  name: string;
  type: string;
  types: string[];
  generation: number;
}

/**
 * The protected resource on the fast layer: it knows no identity provider,
 * only the guard, which accepts the token signed with the trusted key. (A
 * real login followed by the list runs end to end in test/fuzz.e2e-spec.ts
 * and test/external-endpoint.e2e-spec.ts.)
 */
describe('the Pokemon list', () => {
  const app = useFastApp();
  const token = fastContext().tokens.accessToken;
  /** All 1025 species, read page by page once. */
  let all: Pokemon[];

  beforeAll(async () => {
    all = [];
    for (let offset = 0; offset < 1025; offset += 200) {
      const page = await app.http.get<Pokemon[]>(
        `/api/v1/pokemons?limit=200&offset=${offset}`,
        token,
      );
      expect(page.status).toBe(200);
      all.push(...page.body);
    }
  });

  function list(query = ''): Promise<Answer<Pokemon[]>> {
    return app.http.get<Pokemon[]>(`/api/v1/pokemons${query}`, token);
  }

  function ids(answer: Answer<Pokemon[]>): number[] {
    return answer.body.map((p) => p.id);
  }

  function range(from: number, to: number): number[] {
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }

  function total(answer: Answer): number {
    return Number(answer.headers.get('x-total-count'));
  }

  describe('GET /api/v1/pokemons', () => {
    it('answers the first 20 species, ids 1..20, and X-Total-Count: 1025 by default', async () => {
      const answer = await list();
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-total-count')).toBe('1025');
      expect(ids(answer)).toEqual(range(1, 20));
      expect(answer.body[0]).toMatchObject({
        id: 1,
        name: 'Bulbasaur',
        type: 'Grass',
        types: ['Grass', 'Poison'],
        generation: 1,
      });
    });

    it('answers the last 25 species, ids 1001..1025, for limit=200&offset=1000', async () => {
      const answer = await list('?limit=200&offset=1000');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-total-count')).toBe('1025');
      expect(ids(answer)).toEqual(range(1001, 1025));
      expect(answer.body.at(-1)).toMatchObject({
        id: 1025,
        name: 'Pecharunt',
        generation: 9,
      });
    });

    it('holds exactly the 1025 species, each id once, in order', () => {
      expect(all.map((p) => p.id)).toEqual(range(1, 1025));
    });

    it('gives every item id, name, type, types and generation, with type === types[0]', () => {
      for (const p of all) {
        expect(p).toMatchObject({
          id: expect.any(Number),
          name: expect.any(String),
          type: expect.any(String),
          types: expect.any(Array),
          generation: expect.any(Number),
        });
        expect(p.name.length).toBeGreaterThan(0);
        expect(p.types.length).toBeGreaterThanOrEqual(1);
        expect(p.types.length).toBeLessThanOrEqual(2);
        expect(p.type).toBe(p.types[0]);
        expect(p.generation).toBeGreaterThanOrEqual(1);
        expect(p.generation).toBeLessThanOrEqual(9);
      }
    });

    it('answers an empty page past the end, with the total kept', async () => {
      const answer = await list('?offset=2000');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual([]);
      expect(total(answer)).toBe(1025);
    });

    it('answers a page of one for limit=1&offset=24 (Pikachu)', async () => {
      const answer = await list('?limit=1&offset=24');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual([
        expect.objectContaining({ id: 25, name: 'Pikachu' }),
      ]);
    });

    it.each(['fire', 'FIRE', 'Fire'])(
      'filters by type=%s: every item has Fire in types, and the total header counts them all',
      async (type) => {
        const answer = await list(`?type=${type}&limit=200`);
        expect(answer.status).toBe(200);
        expect(answer.body.length).toBeGreaterThan(0);
        for (const p of answer.body) expect(p.types).toContain('Fire');
        const expected = all.filter((p) => p.types.includes('Fire'));
        expect(total(answer)).toBe(expected.length);
        expect(ids(answer)).toEqual(expected.map((p) => p.id).slice(0, 200));
        expect(ids(answer)).toContain(4); // Charmander
      },
    );

    it('matches a secondary type too: type=flying includes Charizard (Fire/Flying)', async () => {
      const answer = await list('?type=flying&limit=200');
      expect(answer.status).toBe(200);
      expect(answer.body).toContainEqual(
        expect.objectContaining({ id: 6, types: ['Fire', 'Flying'] }),
      );
    });

    it('answers nothing for an unknown type, total 0', async () => {
      const answer = await list('?type=digital');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual([]);
      expect(answer.headers.get('x-total-count')).toBe('0');
    });

    it('filters by name=chu (substring, any case): Pikachu and Raichu among them', async () => {
      const answer = await list('?name=chu&limit=200');
      expect(answer.status).toBe(200);
      const names = answer.body.map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['Pikachu', 'Raichu']));
      for (const name of names) expect(name.toLowerCase()).toContain('chu');
      expect(total(answer)).toBe(
        all.filter((p) => p.name.toLowerCase().includes('chu')).length,
      );
      const upper = await list('?name=CHU&limit=200');
      expect(upper.body).toEqual(answer.body);
    });

    it('filters by generation=1: total 151, ids 1..151', async () => {
      const answer = await list('?generation=1&limit=200');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-total-count')).toBe('151');
      expect(ids(answer)).toEqual(range(1, 151));
      for (const p of answer.body) expect(p.generation).toBe(1);
    });

    it('combines filters: generation=1&type=water gives the Water species of generation 1', async () => {
      const answer = await list('?generation=1&type=water&limit=200');
      expect(answer.status).toBe(200);
      const expected = all.filter(
        (p) => p.generation === 1 && p.types.includes('Water'),
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(ids(answer)).toEqual(expected.map((p) => p.id));
      expect(total(answer)).toBe(expected.length);
      expect(ids(answer)).toEqual(expect.arrayContaining([7, 8, 9, 130, 131]));
      for (const p of answer.body) {
        expect(p.generation).toBe(1);
        expect(p.types).toContain('Water');
      }
    });

    it('combines all three filters and paging: generation=1&type=water&name=a&limit=2&offset=1', async () => {
      const answer = await list(
        '?generation=1&type=water&name=a&limit=2&offset=1',
      );
      expect(answer.status).toBe(200);
      const expected = all.filter(
        (p) =>
          p.generation === 1 &&
          p.types.includes('Water') &&
          p.name.toLowerCase().includes('a'),
      );
      expect(total(answer)).toBe(expected.length);
      expect(ids(answer)).toEqual(expected.slice(1, 3).map((p) => p.id));
    });

    it.each([
      ['limit=0'],
      ['limit=201'],
      ['limit=abc'],
      ['limit=-1'],
      ['limit=1.5'],
      ['limit='],
      ['limit=1&limit=2'],
      ['offset=-1'],
      ['offset=abc'],
      ['generation=10'],
      ['generation=0'],
      ['generation=one'],
      ['name='],
      [`name=${'a'.repeat(51)}`],
      ['type='],
      ['foo=1'],
      ['limit=5&foo=1'],
    ])('answers 400 VALIDATION_FAILED for ?%s', async (query) => {
      const answer = await app.http.get(`/api/v1/pokemons?${query}`, token);
      expectError(answer, 400, 'VALIDATION_FAILED');
      expect(Array.isArray(answer.body.message)).toBe(true);
    });

    it('names the unknown query parameter in the message', async () => {
      const answer = await app.http.get('/api/v1/pokemons?foo=1', token);
      expectError(answer, 400, 'VALIDATION_FAILED');
      expect(answer.body.message).toEqual(['property foo should not exist']);
    });

    it('answers 401 UNAUTHORIZED without a token', async () => {
      const answer = await app.http.get('/api/v1/pokemons');
      expectError(answer, 401, 'UNAUTHORIZED');
      expect(answer.headers.get('x-total-count')).toBeNull();
    });

    it('answers 401 UNAUTHORIZED without a token even for a bad query', async () => {
      expectError(
        await app.http.get('/api/v1/pokemons?limit=abc'),
        401,
        'UNAUTHORIZED',
      );
    });
  });

  describe('GET /api/v1/pokemons/:idOrName', () => {
    it.each(['25', 'Pikachu', 'pikachu', 'PIKACHU'])(
      'answers Pikachu for /pokemons/%s',
      async (idOrName) => {
        const answer = await app.http.get<Pokemon>(
          `/api/v1/pokemons/${idOrName}`,
          token,
        );
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({
          id: 25,
          name: 'Pikachu',
          type: 'Electric',
          types: ['Electric'],
          generation: 1,
        });
        expect(answer.body).toEqual(all[24]);
      },
    );

    it.each([
      ['1', 1, 'Bulbasaur'],
      ['1025', 1025, 'Pecharunt'],
      ['mr-mime', 122, 'Mr. Mime'],
      ['Mr.%20Mime', 122, 'Mr. Mime'],
    ])('answers /pokemons/%s as #%i %s', async (idOrName, id, name) => {
      const answer = await app.http.get<Pokemon>(
        `/api/v1/pokemons/${idOrName}`,
        token,
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ id, name });
    });

    it.each(['0', '1026', '99999', 'agumon', '-1', '25abc'])(
      'answers 404 NOT_FOUND for /pokemons/%s',
      async (idOrName) => {
        const answer = await app.http.get(
          `/api/v1/pokemons/${idOrName}`,
          token,
        );
        expectError(answer, 404, 'NOT_FOUND');
        expect(typeof answer.body.message).toBe('string');
      },
    );

    it('answers 400 VALIDATION_FAILED for a name longer than 50 characters', async () => {
      const answer = await app.http.get(
        `/api/v1/pokemons/${'x'.repeat(60)}`,
        token,
      );
      expectError(answer, 400, 'VALIDATION_FAILED');
    });

    it('answers 401 UNAUTHORIZED without a token', async () => {
      expectError(
        await app.http.get('/api/v1/pokemons/25'),
        401,
        'UNAUTHORIZED',
      );
    });

    it('answers 401 UNAUTHORIZED without a token for an unknown name too (no 404 leak)', async () => {
      expectError(
        await app.http.get('/api/v1/pokemons/agumon'),
        401,
        'UNAUTHORIZED',
      );
    });
  });
});
