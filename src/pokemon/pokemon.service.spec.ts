import { PAGE_CACHE_BYTES, PokemonService } from './pokemon.service.js';

describe('PokemonService (real @pkmn/dex data)', () => {
  const service = new PokemonService();
  const page = { limit: 200, offset: 0 };

  beforeAll(async () => {
    await service.onModuleInit();
  }, 30_000);

  describe('data', () => {
    it('holds exactly the 1025 base species, one per national dex number', () => {
      const { items, total } = service.list({ limit: 2000, offset: 0 });
      expect(total).toBe(1025);
      expect(items.map((p) => p.id)).toEqual(
        Array.from({ length: 1025 }, (_, i) => i + 1),
      );
    });

    it('gives Bulbasaur as number 1, primary type Grass, Grass/Poison, generation 1', () => {
      expect(service.findOne('1')).toEqual({
        id: 1,
        name: 'Bulbasaur',
        type: 'Grass',
        types: ['Grass', 'Poison'],
        generation: 1,
        baseStats: { hp: 45, atk: 49, def: 49, spa: 65, spd: 65, spe: 45 },
        abilities: ['Overgrow', 'Chlorophyll'],
        weightKg: 6.9,
      });
    });

    it('gives Pecharunt as number 1025, generation 9', () => {
      expect(service.findOne('1025')).toMatchObject({
        id: 1025,
        name: 'Pecharunt',
        generation: 9,
        types: ['Poison', 'Ghost'],
      });
    });

    it('keeps base forms only: Charizard, not a Mega form', () => {
      const { items } = service.list({ ...page, name: 'charizard' });
      expect(items.map((p) => p.name)).toEqual(['Charizard']);
    });

    it('includes species that are no longer in the current games (isNonstandard Past)', () => {
      expect(service.findOne('pikachu')?.id).toBe(25);
      expect(service.findOne('Spinda')).toMatchObject({
        id: 327,
        type: 'Normal',
      });
    });

    it('sets type to the first of types for every species', () => {
      const { items } = service.list({ limit: 2000, offset: 0 });
      for (const p of items) {
        expect(p.type).toBe(p.types[0]);
        expect(p.generation).toBeGreaterThanOrEqual(1);
        expect(p.generation).toBeLessThanOrEqual(9);
      }
    });
  });

  describe('list filters', () => {
    it('filters by type case-insensitively, matching primary or secondary type: 81 Fire species', () => {
      const lower = service.list({ ...page, type: 'fire' });
      const upper = service.list({ ...page, type: 'FIRE' });
      expect(lower.total).toBe(81);
      expect(upper.items).toEqual(lower.items);
      expect(lower.items.every((p) => p.types.includes('Fire'))).toBe(true);
      // Ho-Oh is Fire/Flying: matched by its primary type.
      expect(lower.items.some((p) => p.name === 'Ho-Oh')).toBe(true);
      // Talonflame is Fire as its secondary type only.
      expect(
        service.list({ ...page, type: 'fire', name: 'talonflame' }).total,
      ).toBe(1);
    });

    it('matches nothing for an unknown type', () => {
      expect(service.list({ ...page, type: 'plasma' })).toEqual({
        items: [],
        total: 0,
      });
    });

    it('filters by case-insensitive name substring', () => {
      const { items, total } = service.list({ ...page, name: 'SAUR' });
      expect(items.map((p) => p.name)).toEqual([
        'Bulbasaur',
        'Ivysaur',
        'Venusaur',
      ]);
      expect(total).toBe(3);
    });

    it('filters by generation: generation 1 has 151 species', () => {
      const { items, total } = service.list({ ...page, generation: 1 });
      expect(total).toBe(151);
      expect(items[0].id).toBe(1);
      expect(items.at(-1)?.name).toBe('Mew');
    });

    it('combines filters: Fire species of generation 1 whose name contains "char"', () => {
      const { items, total } = service.list({
        ...page,
        type: 'Fire',
        generation: 1,
        name: 'char',
      });
      expect(items.map((p) => p.name)).toEqual([
        'Charmander',
        'Charmeleon',
        'Charizard',
      ]);
      expect(total).toBe(3);
    });

    it('returns results ordered by id', () => {
      const { items } = service.list({ ...page, type: 'dragon' });
      const ids = items.map((p) => p.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });

    it('matches accented names whatever their Unicode normalization', () => {
      for (const name of ['labé'.normalize('NFC'), 'labé'.normalize('NFD')]) {
        expect(service.list({ ...page, name }).items.map((p) => p.id)).toEqual([
          669,
        ]);
      }
    });
  });

  describe('list paging', () => {
    it('returns `limit` items from `offset`, with total unaffected by paging', () => {
      const { items, total } = service.list({ limit: 3, offset: 3 });
      expect(items.map((p) => p.name)).toEqual([
        'Charmander',
        'Charmeleon',
        'Charizard',
      ]);
      expect(total).toBe(1025);
    });

    it('pages a filtered list and keeps the filtered total', () => {
      const { items, total } = service.list({
        limit: 10,
        offset: 150,
        generation: 1,
      });
      expect(items.map((p) => p.name)).toEqual(['Mew']);
      expect(total).toBe(151);
    });

    it('gives no items but the right total for an offset past the end', () => {
      expect(service.list({ limit: 20, offset: 5000 })).toEqual({
        items: [],
        total: 1025,
      });
    });
  });

  describe('findOne', () => {
    it('finds by national dex number', () => {
      expect(service.findOne('25')?.name).toBe('Pikachu');
    });

    it('finds by name in any case', () => {
      expect(service.findOne('bulbasaur')?.id).toBe(1);
      expect(service.findOne('BULBASAUR')?.id).toBe(1);
      expect(service.findOne('BuLbAsAuR')?.id).toBe(1);
    });

    it('finds by full name with punctuation or by the @pkmn id form', () => {
      expect(service.findOne('Mr. Mime')?.id).toBe(122);
      expect(service.findOne('mr-mime')?.id).toBe(122);
      expect(service.findOne('mrmime')?.id).toBe(122);
      expect(service.findOne('ho-oh')?.id).toBe(250);
      expect(service.findOne('Flabébé'.normalize('NFC'))?.id).toBe(669);
      expect(service.findOne('Flabébé'.normalize('NFD'))?.id).toBe(669);
      expect(service.findOne('flabebe')?.id).toBe(669);
    });

    it('gives undefined for an unknown name or a number outside 1..1025', () => {
      expect(service.findOne('agumon')).toBeUndefined();
      expect(service.findOne('0')).toBeUndefined();
      expect(service.findOne('1026')).toBeUndefined();
      expect(service.findOne('')).toBeUndefined();
    });
  });

  describe('page (the bytes the list route sends)', () => {
    it('is exactly JSON.stringify of the filtered, paged items, with their total', () => {
      const query = { limit: 5, offset: 2, type: 'Fire', generation: 1 };
      const { items, total } = service.list(query);
      const built = service.page(query);
      expect(built.body.toString('utf8')).toBe(JSON.stringify(items));
      expect(built.total).toBe(total);
    });

    it('is an empty array past the end', () => {
      expect(service.page({ limit: 20, offset: 5000 }).body.toString()).toBe(
        '[]',
      );
    });

    it('builds a page once and serves the same bytes for the same query, in any case of the filters', () => {
      const first = service.page({ limit: 151, offset: 0, type: 'water' });
      const again = service.page({ limit: 151, offset: 0, type: 'WATER' });
      expect(again.body).toBe(first.body);
      const other = service.page({ limit: 151, offset: 1, type: 'water' });
      expect(other.body).not.toBe(first.body);
      expect(other.body.toString()).not.toBe(first.body.toString());
    });

    it('keeps the page cache within its byte budget under a flood of distinct queries, and still answers', async () => {
      const flooded = new PokemonService();
      await flooded.onModuleInit();
      for (let offset = 0; offset < 4000; offset += 1) {
        flooded.page({ limit: 200, offset: offset % 1000, name: `${offset}` });
        flooded.page({ limit: 200, offset });
        expect(flooded.pageCacheBytes).toBeLessThanOrEqual(PAGE_CACHE_BYTES);
      }
      // Full: 200-item pages (~40 KB each) filled it.
      expect(flooded.pageCacheBytes).toBeGreaterThan(PAGE_CACHE_BYTES * 0.9);
      const first = flooded.page({ limit: 2, offset: 0 });
      expect(JSON.parse(first.body.toString())).toMatchObject([
        { id: 1 },
        { id: 2 },
      ]);
    });
  });
});
