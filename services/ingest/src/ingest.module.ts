import { Module, type DynamicModule } from '@nestjs/common';
import { KafkaProducerModule, PostgresModule, ServiceCoreModule } from '@vigil/bootstrap';
import type { VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';
import { ProjectKeyRepository } from './auth/project-key.repository';
import { RecordCheckinsUseCase } from './checkins/record-checkins.usecase';
import { EnvelopeController } from './envelope/envelope.controller';
import { MonitorRepository } from './monitors/monitor.repository';
import { PingController } from './ping/ping.controller';

@Module({})
export class IngestModule {
  static forRoot(config: VigilConfig, logger: Logger): DynamicModule {
    return {
      module: IngestModule,
      imports: [ServiceCoreModule.forRoot(config, logger), PostgresModule, KafkaProducerModule],
      controllers: [EnvelopeController, PingController],
      providers: [ProjectKeyRepository, MonitorRepository, RecordCheckinsUseCase],
    };
  }
}
