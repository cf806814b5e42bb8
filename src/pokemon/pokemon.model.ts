import { ApiProperty } from '@nestjs/swagger';
import { PokemonBaseStats } from './pokemon-base-stats.model.js';

/** One base species, as served by `GET /pokemons`. */
export class Pokemon {
  @ApiProperty({ example: 1, description: 'National Pokedex number (1-1025)' })
  id: number;

  @ApiProperty({ example: 'Bulbasaur' })
  name: string;

  @ApiProperty({ example: 'Grass', description: 'Primary type (types[0])' })
  type: string;

  @ApiProperty({ example: ['Grass', 'Poison'], type: [String] })
  types: string[];

  @ApiProperty({ example: 1, minimum: 1, maximum: 9 })
  generation: number;

  @ApiProperty({ type: PokemonBaseStats })
  baseStats: PokemonBaseStats;

  @ApiProperty({
    example: ['Overgrow', 'Chlorophyll'],
    type: [String],
    description: 'Regular abilities first, then the hidden one',
  })
  abilities: string[];

  @ApiProperty({ example: 6.9 })
  weightKg: number;
}
