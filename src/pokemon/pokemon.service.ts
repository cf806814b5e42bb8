import { Injectable, OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { loadPokemon } from './pokemon-data.loader.js';
import type { Pokemon } from './pokemon.model.js';

/** The page cache's byte budget (README, "Under abuse and faults"). */
export const PAGE_CACHE_BYTES = 4 * 1024 * 1024;
/** A page entry's cost besides its body and key (objects, the map slot). */
const PAGE_OVERHEAD_BYTES = 192;
const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** Filters and paging of `list`; all filters are optional and combine (AND). */
export interface PokemonListQuery {
  limit: number;
  offset: number;
  /** Type name, case-insensitive; matches any of a species' types. */
  type?: string;
  /** Case-insensitive substring of the name. */
  name?: string;
  generation?: number;
}

export interface PokemonPage {
  items: Pokemon[];
  /** Number of matches before paging. */
  total: number;
}

/**
 * The @pkmn id form: lower-cased, accents and everything but letters and
 * digits dropped ("Mr. Mime" -> "mrmime", "Flabébé" -> "flabebe").
 */
function toId(text: string): string {
  return text
    .normalize('NFD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/** Lower-cased in NFC (the data set spells "Flabébé" in NFD). */
function toSearchKey(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** The in-memory Pokemon list, loaded once from @pkmn/dex via a worker. */
@Injectable()
export class PokemonService implements OnModuleInit {
  private all: Pokemon[] = [];
  private readonly byNumber = new Map<number, Pokemon>();
  private readonly byName = new Map<string, Pokemon>();
  private readonly byType = new Map<string, Pokemon[]>();
  private readonly searchKeys = new Map<Pokemon, string>();
  /** Each item's JSON bytes, made once: the data never changes, so neither do they. */
  private readonly json = new Map<Pokemon, Buffer>();
  /**
   * Pages already built, at most PAGE_CACHE_BYTES of them (bodies, keys and
   * overhead counted; a key is at most ~130 characters: the query's strings
   * are validated to 50). The data never changes, so a page never goes
   * stale: entries leave only when the budget needs room.
   */
  private readonly pages = new LRUCache<
    string,
    { body: Buffer; total: number }
  >({
    maxSize: PAGE_CACHE_BYTES,
    sizeCalculation: (page, key) =>
      page.body.length + 2 * key.length + PAGE_OVERHEAD_BYTES,
  });

  async onModuleInit(): Promise<void> {
    this.setData(await loadPokemon());
  }

  /** Replaces the data and rebuilds the indexes. */
  setData(items: readonly Pokemon[]): void {
    this.all = [...items].sort((a, b) => a.id - b.id);
    this.byNumber.clear();
    this.byName.clear();
    this.byType.clear();
    this.searchKeys.clear();
    this.json.clear();
    this.pages.clear();
    for (const pokemon of this.all) {
      this.json.set(pokemon, Buffer.from(JSON.stringify(pokemon)));
      this.byNumber.set(pokemon.id, pokemon);
      this.byName.set(toSearchKey(pokemon.name), pokemon);
      this.byName.set(toId(pokemon.name), pokemon);
      this.searchKeys.set(pokemon, toSearchKey(pokemon.name));
      for (const type of pokemon.types) {
        const key = type.toLowerCase();
        const list = this.byType.get(key);
        if (list) {
          list.push(pokemon);
        } else {
          this.byType.set(key, [pokemon]);
        }
      }
    }
  }

  list(query: PokemonListQuery): PokemonPage {
    let matches: Pokemon[] =
      query.type === undefined
        ? this.all
        : (this.byType.get(query.type.toLowerCase()) ?? []);
    const name = query.name === undefined ? undefined : toSearchKey(query.name);
    const generation = query.generation;
    if (name !== undefined || generation !== undefined) {
      matches = matches.filter(
        (p) =>
          (name === undefined ||
            (this.searchKeys.get(p) ?? '').includes(name)) &&
          (generation === undefined || p.generation === generation),
      );
    }
    return {
      items: matches.slice(query.offset, query.offset + query.limit),
      total: matches.length,
    };
  }

  /**
   * A page as JSON bytes with its total, from a bounded cache keyed by the
   * query: the data never changes, so a page once built is served as is,
   * with no per-request allocation for the pages clients ask for again.
   */
  page(query: PokemonListQuery): { body: Buffer; total: number } {
    const key = [
      query.limit,
      query.offset,
      query.type?.toLowerCase(),
      query.name === undefined ? undefined : toSearchKey(query.name),
      query.generation,
    ].join('|');
    let page = this.pages.get(key);
    if (!page) {
      const { items, total } = this.list(query);
      page = { body: this.toJson(items), total };
      this.pages.set(key, page);
    }
    return page;
  }

  /** Bytes the page cache holds, as counted against PAGE_CACHE_BYTES. */
  get pageCacheBytes(): number {
    return this.pages.calculatedSize;
  }

  /**
   * The JSON of these items, as the bytes of JSON.stringify(items), joined
   * from each item's bytes made at load: no per-request serialization or
   * UTF-8 encoding (together most of a 151-item request's CPU).
   */
  toJson(items: readonly Pokemon[]): Buffer {
    const parts: Buffer[] = [OPEN];
    items.forEach((p, i) => {
      if (i > 0) parts.push(COMMA);
      parts.push(this.json.get(p) ?? Buffer.from(JSON.stringify(p)));
    });
    parts.push(CLOSE);
    return Buffer.concat(parts);
  }

  /**
   * By national dex number ("25") or by name, case-insensitively, also in the
   * @pkmn id form ("Mr. Mime", "mr-mime", "mrmime").
   */
  findOne(idOrName: string): Pokemon | undefined {
    const text = idOrName.trim();
    if (/^\d+$/.test(text)) {
      return this.byNumber.get(Number(text));
    }
    return this.byName.get(toSearchKey(text)) ?? this.byName.get(toId(text));
  }
}
