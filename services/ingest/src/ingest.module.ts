import { Module, type DynamicModule } from '@nestjs/common';
import { KafkaProducerModule, PostgresModule, ServiceCoreModule } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';
import { IngestBeat } from './beat/ingest-beat';
import { IngestCatalog } from './catalog/ingest-catalog';
import { ProcessingErrorRecorder } from './checkins/processing-errors';
import { RecordCheckinsUseCase } from './checkins/record-checkins.usecase';
import { CronHandler } from './envelope/cron.handler';
import { EnvelopeHandler } from './envelope/envelope.handler';
import { IngestMetrics } from './http/ingest-metrics';
import { MonitorRepository } from './monitors/monitor.repository';
import { PingHandler } from './ping/ping.handler';

/** Refusals are counted per protocol: the route patterns of one protocol are one count. */
export function ingestProtocol(route: string): string {
  if (route.startsWith('/ping/')) return 'healthchecks-ping';
  if (route.endsWith('/envelope')) return 'sentry-envelope';
  if (route.includes('/cron/')) return 'sentry-cron';
  return route;
}

@Module({})
export class IngestModule {
  static forRoot(config: VigilConfig, logger: Logger): DynamicModule {
    return {
      module: IngestModule,
      imports: [ServiceCoreModule.forRoot(config, logger, { requestLog: 'failures', protocolOf: ingestProtocol }), PostgresModule, KafkaProducerModule],
      // The check-in routes are registered on Fastify directly: see http/ingest-routes.ts.
      providers: [
        { provide: IngestMetrics, useFactory: (config: VigilConfig) => new IngestMetrics(config), inject: [VigilConfig] },
        IngestBeat,
        EnvelopeHandler,
        CronHandler,
        PingHandler,
        IngestCatalog,
        MonitorRepository,
        ProcessingErrorRecorder,
        RecordCheckinsUseCase,
      ],
    };
  }
}
