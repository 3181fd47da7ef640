import { Module, type DynamicModule } from '@nestjs/common';
import { ServiceCoreModule } from '@vigil/bootstrap';
import type { VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';

/** The process shell: config, logging, health and graceful shutdown. Its domain arrives with its own issue. */
@Module({})
export class SchedulerModule {
  static forRoot(config: VigilConfig, logger: Logger): DynamicModule {
    return { module: SchedulerModule, imports: [ServiceCoreModule.forRoot(config, logger)] };
  }
}
