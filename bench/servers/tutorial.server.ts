import {
  Controller,
  Get,
  Injectable,
  Module,
  Query,
  UseGuards,
  ValidationPipe,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ListPokemonQuery } from '../../src/pokemon/dto/list-pokemon.query.js';
import type { Pokemon } from '../../src/pokemon/pokemon.model.js';
import { PokemonModule } from '../../src/pokemon/pokemon.module.js';
import { PokemonService } from '../../src/pokemon/pokemon.service.js';
import { serve } from './protocol.js';

/**
 * (d) The tutorial's guard, as the tutorial configures it: Nest on Express,
 * passport-jwt with jwks-rsa's passportJwtSecret (a PEM per request),
 * `audience` = client id (so only ID tokens pass), AuthGuard on the route.
 */
const authority = process.env.AWS_COGNITO_AUTHORITY!;
const clientId = process.env.AWS_COGNITO_CLIENT_ID!;
let jwksFetches = 0;

@Injectable()
class TutorialJwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    const secret = passportJwtSecret({
      cache: true,
      rateLimit: true,
      jwksRequestsPerMinute: 5,
      jwksUri: `${authority}/.well-known/jwks.json`,
      // Counts JWKS requests for the report; fetches as jwks-rsa would.
      fetcher: async (uri: string) => {
        jwksFetches += 1;
        return (await (await fetch(uri)).json()) as { keys: unknown[] };
      },
    });
    super({
      secretOrKeyProvider: secret,
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      audience: clientId,
      issuer: authority,
      algorithms: ['RS256'],
    });
  }

  validate(payload: { sub: string; email: string }): {
    idUser: string;
    email: string;
  } {
    return { idUser: payload.sub, email: payload.email };
  }
}

@Controller('api/v1/pokemons')
class TutorialPokemonController {
  constructor(private readonly pokemon: PokemonService) {}

  @Get()
  @UseGuards(AuthGuard('jwt'))
  list(
    @Query(new ValidationPipe({ transform: true })) query: ListPokemonQuery,
  ): Pokemon[] {
    return this.pokemon.list(query).items;
  }
}

@Module({
  imports: [PassportModule, PokemonModule],
  controllers: [TutorialPokemonController],
  providers: [TutorialJwtStrategy],
})
class TutorialModule {}

const app = await NestFactory.create(TutorialModule, {
  logger: ['error', 'warn'],
});
await app.listen(0, '127.0.0.1');
serve(app.getHttpServer(), () => ({ jwksFetches }));
