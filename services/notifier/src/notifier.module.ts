import { Module, type DynamicModule } from '@nestjs/common';
import { KafkaProducerModule, PostgresModule, ServiceCoreModule } from '@vigil/bootstrap';
import type { VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';
import { DeliveryRetentionJob } from './retention/delivery-retention.job';
import { NotifierWorker } from './worker/notifier-worker';

/** Alerts for issue transitions: the consumer of `vigil.issues.v1` and the delivery worker (see README.md). */
@Module({})
export class NotifierModule {
  static forRoot(config: VigilConfig, logger: Logger): DynamicModule {
    return {
      module: NotifierModule,
      imports: [ServiceCoreModule.forRoot(config, logger), PostgresModule, KafkaProducerModule],
      providers: [NotifierWorker, DeliveryRetentionJob],
    };
  }
}
