import { Module, type DynamicModule } from '@nestjs/common';
import { ClickHouseModule, KafkaProducerModule, ServiceCoreModule } from '@vigil/bootstrap';
import type { VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';
import { HistoryWriter } from './checkins/history-writer';
import { HistoryRetentionJob } from './retention/history-retention.job';

@Module({})
export class HistoryModule {
  static forRoot(config: VigilConfig, logger: Logger): DynamicModule {
    return {
      module: HistoryModule,
      imports: [ServiceCoreModule.forRoot(config, logger), ClickHouseModule, KafkaProducerModule],
      providers: [HistoryWriter, HistoryRetentionJob],
    };
  }
}
