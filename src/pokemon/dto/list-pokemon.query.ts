import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { FAST_PATH } from '../../common/validation/fast-path.js';

/** Whole numbers written in plain digits, as clients write them. */
const DIGITS = /^\d{1,9}$/;

function integer(value: unknown, min: number, max: number): number | undefined {
  if (typeof value !== 'string' || !DIGITS.test(value)) return undefined;
  const number = Number(value);
  return number >= min && number <= max ? number : undefined;
}

/**
 * 1 to 50 characters as validator.js's isLength (the rule of @MinLength
 * and @MaxLength) counts them: a surrogate pair once, a character and its
 * U+FE0E/U+FE0F once. That count is never above the string's length, and
 * never 0 for a string that is not empty, so 1 to 50 UTF-16 units always
 * pass.
 */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length >= 1 && value.length <= 50
    ? value
    : undefined;
}

/** Each field's fast rule: its value as the DTO's rules make it, or undefined. */
const FAST_FIELDS = new Map<
  string,
  (raw: unknown) => number | string | undefined
>([
  ['limit', (raw) => integer(raw, 1, 200)],
  ['offset', (raw) => integer(raw, 0, Infinity)],
  ['type', text],
  ['name', text],
  ['generation', (raw) => integer(raw, 1, 9)],
]);

/** Query of `GET /pokemons`. */
export class ListPokemonQuery {
  @ApiPropertyOptional({
    example: 20,
    default: 20,
    minimum: 1,
    maximum: 200,
    description: 'Page size',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 20;

  @ApiPropertyOptional({
    example: 0,
    default: 0,
    minimum: 0,
    description: 'Number of matches to skip',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset: number = 0;

  @ApiPropertyOptional({
    example: 'fire',
    maxLength: 50,
    description:
      'Type name, case-insensitive. Matches a species if ANY of its types ' +
      'is this one (primary or secondary). An unknown type matches nothing.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  type?: string;

  @ApiPropertyOptional({
    example: 'saur',
    maxLength: 50,
    description: 'Case-insensitive substring of the name',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  name?: string;

  @ApiPropertyOptional({ example: 1, minimum: 1, maximum: 9 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(9)
  generation?: number;

  /**
   * The fast path of the global pipe (FAST_PATH): the query as the rules
   * above make it, for a query they accept whose numbers are plain digits;
   * `undefined` for anything else (unknown or repeated parameters, any
   * value out of its rule, numbers in another spelling), which the rules
   * themselves then judge.
   */
  static [FAST_PATH](value: unknown): ListPokemonQuery | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const query = new ListPokemonQuery();
    for (const [key, raw] of Object.entries(value)) {
      const parsed = FAST_FIELDS.get(key)?.(raw);
      if (parsed === undefined) return undefined;
      (query as unknown as Record<string, unknown>)[key] = parsed;
    }
    return query;
  }
}
