import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Pokemon } from './pokemon.model.js';

/** National dex numbers of the species served (all base species to date). */
export const MIN_DEX_NUMBER = 1;
export const MAX_DEX_NUMBER = 1025;

/**
 * CommonJS code run in a short-lived child process. It is a plain string (not
 * a serialized TS function) so it runs the same from the TypeScript sources
 * under Vitest and from the compiled `dist/` under node; the dex is resolved
 * by the parent and passed as an absolute path.
 */
const EXTRACT_SOURCE = `
'use strict';
const { Dex } = require(process.argv[1]);
const min = Number(process.argv[2]);
const max = Number(process.argv[3]);
const items = [];
for (const s of Dex.species.all()) {
  if (s.num < min || s.num > max || s.name !== s.baseSpecies) continue;
  if (s.isNonstandard && s.isNonstandard !== 'Past') continue;
  const a = s.abilities;
  items.push({
    id: s.num,
    name: s.name,
    type: s.types[0],
    types: s.types.slice(),
    generation: s.gen,
    baseStats: {
      hp: s.baseStats.hp,
      atk: s.baseStats.atk,
      def: s.baseStats.def,
      spa: s.baseStats.spa,
      spd: s.baseStats.spd,
      spe: s.baseStats.spe,
    },
    abilities: [a['0'], a['1'], a.H, a.S].filter(Boolean),
    weightKg: s.weightkg,
  });
}
items.sort((x, y) => x.id - y.id);
process.stdout.write(JSON.stringify(items));
`;

/**
 * Extracts the base species from `@pkmn/dex` in a child process, so the
 * ~70 MB the dex costs never lands in the API process: a worker thread was
 * tried, and glibc kept ~35 MB of its freed memory in the process after it
 * exited. The child costs ~300 ms once, at boot.
 */
export function loadPokemon(): Promise<Pokemon[]> {
  const dexPath = createRequire(import.meta.url).resolve('@pkmn/dex');
  const args = [
    '-e',
    EXTRACT_SOURCE,
    dexPath,
    String(MIN_DEX_NUMBER),
    String(MAX_DEX_NUMBER),
  ];
  return new Promise<Pokemon[]>((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { maxBuffer: 16 * 1024 * 1024, timeout: 30_000 },
      (error, stdout) => {
        if (error) {
          reject(
            new Error(`Loading the Pokemon data failed: ${error.message}`),
          );
          return;
        }
        resolve(JSON.parse(stdout) as Pokemon[]);
      },
    );
  });
}
