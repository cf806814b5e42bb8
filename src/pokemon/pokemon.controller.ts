import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiException } from '../common/errors/api-exception.js';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { ListPokemonQuery } from './dto/list-pokemon.query.js';
import { PokemonParams } from './dto/pokemon-params.js';
import { Pokemon } from './pokemon.model.js';
import { PokemonService } from './pokemon.service.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The Pokemon list. Protected by the global auth guard. The list answers
 * pre-serialized JSON (see PokemonService.page); the OpenAPI document
 * describes it as the Pokemon[] it is.
 */
@ApiTags('pokemon')
@ApiBearerAuth()
@Controller('pokemons')
export class PokemonController {
  constructor(private readonly pokemon: PokemonService) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'List Pokemon species, ordered by national dex number',
    description:
      "The 1025 base species, with an access or ID token. `limit` defaults to 20 (max 200); `type` matches any of a species' types; `name` is a case-insensitive substring. The header X-Total-Count is the number of matches before paging.",
  })
  @ApiOkResponse({
    type: Pokemon,
    isArray: true,
    headers: {
      'X-Total-Count': {
        description: 'Number of matches before paging',
        schema: { type: 'integer', example: 1025 },
      },
    },
  })
  list(
    @Query() query: ListPokemonQuery,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Buffer {
    const { body, total } = this.pokemon.page(query);
    res.header('X-Total-Count', String(total));
    res.type(JSON_TYPE);
    return body;
  }

  @Get(':idOrName')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'One Pokemon by national dex number or name',
    description:
      '`idOrName` is a national dex number (`25`) or a name (`pikachu`, any case), at most 50 characters.',
  })
  @ApiErrors({
    answers: [
      [
        HttpStatus.NOT_FOUND,
        'NOT_FOUND',
        'No Pokemon with id or name "mewthree".',
      ],
    ],
  })
  @ApiOkResponse({ type: Pokemon })
  findOne(@Param() params: PokemonParams): Pokemon {
    const found = this.pokemon.findOne(params.idOrName);
    if (!found) {
      throw new ApiException(
        HttpStatus.NOT_FOUND,
        'NOT_FOUND',
        `No Pokemon with id or name "${params.idOrName}".`,
      );
    }
    return found;
  }
}
