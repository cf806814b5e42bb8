import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { appConfig } from './config/app.config.js';
import { httpConfig } from './config/http.config.js';
import {
  ConfigValidationError,
  loadAppConfig,
} from './config/env.validation.js';

async function bootstrap(): Promise<void> {
  // The environment is checked before the rest of the app (the AWS SDK,
  // Fastify, Nest's modules) is loaded: a bad variable is reported in well
  // under a second instead of after the whole load.
  loadAppConfig();
  const [{ createApp, drainConnections }, { CognitoPool }, { MetricsServer }] =
    await Promise.all([
      import('./app.factory.js'),
      import('./cognito/cognito-pool.js'),
      import('./metrics/metrics.server.js'),
    ]);
  const app = await createApp();
  const http = app.get<ConfigType<typeof httpConfig>>(httpConfig.KEY);
  closeOnSignals(app, http.shutdownTimeoutMs, drainConnections);
  const { port, host, loopbackOnly } = app.get<ConfigType<typeof appConfig>>(
    appConfig.KEY,
  );
  const connection = app.get(CognitoPool);
  const listenHost = host ?? (loopbackOnly ? '127.0.0.1' : '0.0.0.0');
  await app.listen({ port, host: listenHost });
  await app.get(MetricsServer).listen(listenHost);

  const url = (await app.getUrl())
    .replace('[::1]', 'localhost')
    .replace('127.0.0.1', 'localhost');
  const logger = new Logger('Bootstrap');
  if (connection.mode === 'embedded') {
    logger.log(
      `Mode: embedded Cognito emulator (cognito-local) at ${connection.endpoint}, data in ${connection.dataDir}`,
    );
    logger.log(
      `Confirmation codes go to the dev outbox: GET ${url}/api/v1/dev/outbox?email=<email>`,
    );
  } else {
    logger.log(
      `Mode: AWS Cognito${connection.endpoint ? ` at ${connection.endpoint}` : ''} (region ${connection.region})`,
    );
    logger.log('Confirmation codes are sent by Cognito (email)');
  }
  logger.log(
    `User pool ${connection.userPoolId}, app client ${connection.clientId}`,
  );
  logger.log(`API: ${url}/api/v1  Docs: ${url}/docs`);
}

/**
 * SIGTERM / SIGINT: stop accepting, let in-flight requests finish (up to
 * the timeout), stop the embedded emulator (a shutdown hook), exit 0.
 */
function closeOnSignals(
  app: NestFastifyApplication,
  timeoutMs: number,
  drainConnections: (app: NestFastifyApplication) => void,
): void {
  const logger = new Logger('Shutdown');
  let closing = false;
  const close = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.log(
      `${signal}: finishing in-flight requests (at most ${timeoutMs} ms)`,
    );
    const force = setTimeout(() => {
      logger.error(
        `In-flight requests did not finish within ${timeoutMs} ms; exiting`,
      );
      process.exit(1);
    }, timeoutMs);
    drainConnections(app);
    app.close().then(
      () => {
        clearTimeout(force);
        logger.log('Stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error(`Shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
