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
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiException } from '../common/errors/api-exception.js';
import { ErrorResponse } from '../common/errors/error-response.dto.js';
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
@ApiUnauthorizedResponse({
  type: ErrorResponse,
  description: 'UNAUTHORIZED: no, or no valid, access or ID token',
})
@Controller('pokemons')
export class PokemonController {
  constructor(private readonly pokemon: PokemonService) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'List Pokemon species, ordered by national dex number',
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
  @ApiBadRequestResponse({ description: 'Invalid or unknown query parameter' })
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
  @ApiOperation({ summary: 'One Pokemon by national dex number or name' })
  @ApiOkResponse({ type: Pokemon })
  @ApiBadRequestResponse({ description: 'idOrName longer than 50 characters' })
  @ApiNotFoundResponse({ description: 'No Pokemon with this number or name' })
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
