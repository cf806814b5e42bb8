import { ApiProperty } from '@nestjs/swagger';

/** The six base stats of a species. */
export class PokemonBaseStats {
  @ApiProperty({ example: 45, description: 'Hit points' })
  hp: number;

  @ApiProperty({ example: 49, description: 'Attack' })
  atk: number;

  @ApiProperty({ example: 49, description: 'Defense' })
  def: number;

  @ApiProperty({ example: 65, description: 'Special Attack' })
  spa: number;

  @ApiProperty({ example: 65, description: 'Special Defense' })
  spd: number;

  @ApiProperty({ example: 45, description: 'Speed' })
  spe: number;
}
