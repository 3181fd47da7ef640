import { Module, type DynamicModule } from '@nestjs/common';
import { KafkaProducerModule, PostgresModule, ServiceCoreModule } from '@vigil/bootstrap';
import type { VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';
import { MonitorFeed } from './monitors/monitor-feed';
import { DetectionWorker } from './worker/detection-worker';

/** Detection of missed and timed-out runs from check-ins and clock pulses (see src/detection). */
@Module({})
export class SchedulerModule {
  static forRoot(config: VigilConfig, logger: Logger): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [ServiceCoreModule.forRoot(config, logger), PostgresModule, KafkaProducerModule],
      providers: [MonitorFeed, DetectionWorker],
    };
  }
}
