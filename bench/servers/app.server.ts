import { Controller, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppModule } from '../../src/app.module.js';
import { createApp } from '../../src/app.factory.js';
import { Public } from '../../src/auth/decorators/public.decorator.js';
import { JwksKeyStore } from '../../src/auth/verification/jwks-key-store.js';
import { PokemonController } from '../../src/pokemon/pokemon.controller.js';
import { PokemonModule } from '../../src/pokemon/pokemon.module.js';
import { serve } from './protocol.js';

/**
 * (b) The same handler as GET /api/v1/pokemons, opened with @Public(). Not
 * in the OpenAPI document, whose route facts know own handlers only.
 */
@ApiExcludeController()
@Public()
@Controller('bench/pokemons')
class UnguardedPokemonController extends PokemonController {}

@Module({
  imports: [AppModule, PokemonModule],
  controllers: [UnguardedPokemonController],
})
class BenchAppModule {}

/** (b) and (c): this app, exactly as production builds it, plus the twin route. */
const app = await createApp({ module: BenchAppModule });
await app.listen({ port: 0, host: '127.0.0.1' });
const keys = app.get(JwksKeyStore);
serve(app.getHttpServer(), () => ({ jwksFetches: keys.fetches }));
