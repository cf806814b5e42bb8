import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { Metrics } from './metrics.js';

/**
 * GET /metrics on METRICS_PORT: a plain node:http listener of its own, so
 * that the API's port never serves it (and its hooks never count it). Any
 * other path or method answers 404 with no body.
 */
@Injectable()
export class MetricsServer implements OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(
    private readonly metrics: Metrics,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {}

  /** Listens on `host` (the API's own listen address) when METRICS_PORT is set. */
  async listen(host: string): Promise<void> {
    const port = this.app.metricsPort;
    if (port === undefined || !this.metrics.enabled) return;
    const server = createServer((request, response) => {
      const path = (request.url ?? '').split('?', 1)[0];
      if (path !== '/metrics' || request.method !== 'GET') {
        response.writeHead(404).end();
        return;
      }
      this.metrics.scrape().then(
        (text) =>
          response
            .writeHead(200, {
              'content-type': this.metrics.registry!.contentType,
            })
            .end(text),
        (error: unknown) => {
          this.logger.error(`Metrics could not be collected: ${String(error)}`);
          response.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((listening, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        listening();
      });
    });
    this.server = server;
    const { port: bound } = server.address() as AddressInfo;
    const shown = host === '127.0.0.1' || host === '::1' ? 'localhost' : host;
    this.logger.log(`Metrics: http://${shown}:${bound}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((closed) => server.close(() => closed()));
  }
}
