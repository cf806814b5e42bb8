import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics.js';
import { MetricsServer } from './metrics.server.js';

/**
 * The Prometheus series (Metrics) for every module that records one, and
 * their listener on METRICS_PORT (MetricsServer, started by main.ts).
 */
@Global()
@Module({
  providers: [Metrics, MetricsServer],
  exports: [Metrics, MetricsServer],
})
export class MetricsModule {}
