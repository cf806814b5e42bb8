import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Box sprites of the `pokesprite-images` package (68 x 56 PNG, MIT). */
const PACKAGE = 'pokesprite-images';

export interface SpriteFiles {
  /** The package's `pokemon-gen8/regular` folder. */
  root: string;
  /** File name (in `root`) by national dex number. */
  byNumber: ReadonlyMap<number, string>;
  /** The package's "unknown Pokemon" sprite, for numbers it has no sprite of. */
  unknown: string;
}

/**
 * Where the sprite of each species lies, read once from the package's own
 * index (`data/pokemon.json`: dex number -> slug). Species newer than the
 * package (it stops at #905) get the unknown sprite, so the page never asks
 * for an image that is not there.
 */
export function spriteFiles(): SpriteFiles {
  const base = dirname(
    createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`),
  );
  const index = JSON.parse(
    readFileSync(join(base, 'data', 'pokemon.json'), 'utf8'),
  ) as Record<string, { slug: { eng: string } }>;
  const byNumber = new Map<number, string>();
  for (const [number, species] of Object.entries(index)) {
    byNumber.set(Number(number), `${species.slug.eng}.png`);
  }
  return {
    root: join(base, 'pokemon-gen8', 'regular'),
    byNumber,
    unknown: join(base, 'pokemon-gen8', 'unknown.png'),
  };
}
