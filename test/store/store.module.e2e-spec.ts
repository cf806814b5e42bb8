import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { ConfigModule, registerAs } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/env.validation.js';
import { MemorySharedStore } from '../../src/store/memory.store.js';
import {
  RedisHealthIndicator,
  redisHealthProviders,
} from '../../src/store/redis.health.js';
import { RedisSharedStore } from '../../src/store/redis.store.js';
import { SharedStore } from '../../src/store/shared-store.js';
import { StoreModule } from '../../src/store/store.module.js';
import { timeUntil, useStores } from '../support/stores.js';
import { SharedThrottlerStorage } from '../../src/store/throttler.storage.js';

const stores = useStores();

@Controller('limited')
@UseGuards(ThrottlerGuard)
class LimitedController {
  @Get()
  get(): { ok: true } {
    return { ok: true };
  }
}

@Module({
  imports: [
    StoreModule,
    TerminusModule,
    ThrottlerModule.forRootAsync({
      inject: [SharedThrottlerStorage],
      useFactory: (storage: SharedThrottlerStorage) => ({
        throttlers: [{ ttl: 60_000, limit: 3 }],
        storage,
      }),
    }),
  ],
  controllers: [LimitedController],
  providers: redisHealthProviders,
})
class TwinModule {}

const open: NestFastifyApplication[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

/** An app as an instance of this API would be, on the given environment. */
async function instance(
  env: Record<string, string>,
): Promise<NestFastifyApplication> {
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const namespaces = Object.entries(config).map(([name, part]) =>
    registerAs(name, (): object => part),
  );
  const app = await NestFactory.create<NestFastifyApplication>(
    {
      module: TwinModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: namespaces,
        }),
      ],
    },
    new FastifyAdapter(),
    { logger: false },
  );
  open.push(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function statusOf(app: NestFastifyApplication): Promise<number> {
  const reply = await app.inject({ method: 'GET', url: '/limited' });
  return reply.statusCode;
}

describe('StoreModule', () => {
  it('keeps the state in memory without REDIS_URL, with no Redis health check', async () => {
    const app = await instance({});
    expect(app.get(SharedStore)).toBeInstanceOf(MemorySharedStore);
    expect(app.get(RedisHealthIndicator)).toBeNull();
    expect(await Promise.all([1, 2, 3, 4].map(() => statusOf(app)))).toEqual([
      200, 200, 200, 429,
    ]);
  });

  it('shares the state through Redis with REDIS_URL: a throttler limit holds across instances', async () => {
    const env = { REDIS_URL: stores.redis.url, REDIS_TIMEOUT_MS: '300' };
    const a = await instance(env);
    const b = await instance(env);
    expect(a.get(SharedStore)).toBeInstanceOf(RedisSharedStore);
    const statuses = [
      await statusOf(a),
      await statusOf(b),
      await statusOf(a),
      await statusOf(b),
    ];
    expect(statuses).toEqual([200, 200, 200, 429]);
    await a.get(SharedStore).revoke(['jti:1'], 60_000);
    const other = b.get(SharedStore);
    expect(
      await timeUntil(() => other.isRevoked(['jti:1']), 1000),
    ).toBeLessThan(1000);
  });

  it('reports Redis up, then down while it does not answer', async () => {
    const app = await instance({
      REDIS_URL: stores.redis.url,
      REDIS_TIMEOUT_MS: '200',
    });
    const indicator = app.get(RedisHealthIndicator);
    expect(indicator).toBeInstanceOf(RedisHealthIndicator);
    expect(app.get(HealthIndicatorService)).toBeDefined();
    expect(await indicator.check()).toEqual({ redis: { status: 'up' } });
    stores.redis.pause();
    expect(await indicator.check()).toEqual({
      redis: {
        status: 'down',
        reason: 'unreachable',
        cause: 'The shared store did not answer in time.',
      },
    });
  });

  it('closes its Redis connections when the app closes', async () => {
    const app = await instance({ REDIS_URL: stores.redis.url });
    const raw = new Redis(stores.redis.url);
    try {
      const ours = async (): Promise<number> =>
        ((await raw.client('LIST')) as string)
          .split('\n')
          .filter((line) => / name=nca-store/.test(line)).length;
      expect(await ours()).toBe(2);
      open.splice(open.indexOf(app), 1);
      await app.close();
      expect(await ours()).toBe(0);
    } finally {
      raw.disconnect();
    }
  });
});
