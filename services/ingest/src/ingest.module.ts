import { Module, type DynamicModule } from '@nestjs/common';
import { KafkaProducerModule, PostgresModule, ServiceCoreModule } from '@vigil/bootstrap';
import type { VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';
import { IngestCatalog } from './catalog/ingest-catalog';
import { ProcessingErrorRecorder } from './checkins/processing-errors';
import { RecordCheckinsUseCase } from './checkins/record-checkins.usecase';
import { CronController } from './envelope/cron.controller';
import { EnvelopeController } from './envelope/envelope.controller';
import { MonitorRepository } from './monitors/monitor.repository';
import { PingController } from './ping/ping.controller';

@Module({})
export class IngestModule {
  static forRoot(config: VigilConfig, logger: Logger): DynamicModule {
    return {
      module: IngestModule,
      imports: [ServiceCoreModule.forRoot(config, logger), PostgresModule, KafkaProducerModule],
      controllers: [EnvelopeController, CronController, PingController],
      providers: [IngestCatalog, MonitorRepository, ProcessingErrorRecorder, RecordCheckinsUseCase],
    };
  }
}
