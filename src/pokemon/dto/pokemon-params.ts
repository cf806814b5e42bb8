import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** Path parameters of `GET /pokemons/:idOrName`. */
export class PokemonParams {
  @ApiProperty({
    example: 'bulbasaur',
    maxLength: 50,
    description:
      'National dex number (e.g. 1) or name, case-insensitive ' +
      '(e.g. "Mr. Mime", "mr-mime", "mrmime")',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  idOrName: string;
}
