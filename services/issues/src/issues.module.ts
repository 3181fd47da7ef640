import { Module, type DynamicModule } from '@nestjs/common';
import { KafkaProducerModule, PostgresModule, ServiceCoreModule } from '@vigil/bootstrap';
import type { VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';
import { IssuesWorker } from './worker/issues-worker';

/** Failure and recovery thresholds: run results in, issues in Postgres and issue events out (see README.md). */
@Module({})
export class IssuesModule {
  static forRoot(config: VigilConfig, logger: Logger): DynamicModule {
    return {
      module: IssuesModule,
      imports: [ServiceCoreModule.forRoot(config, logger), PostgresModule, KafkaProducerModule],
      providers: [IssuesWorker],
    };
  }
}
