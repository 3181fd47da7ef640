import { Global, Module, type DynamicModule } from '@nestjs/common';
import { VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';
import { loggingModule } from './request-logging.module';
import { HealthController } from './health.controller';
import { ReadinessRegistry } from './readiness.registry';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** What every service has: its validated config, its logger, request logging and the health endpoints. */
@Global()
@Module({})
export class ServiceCoreModule {
  static forRoot(config: VigilConfig, logger: Logger): DynamicModule {
    return {
      module: ServiceCoreModule,
      imports: [loggingModule(logger)],
      controllers: [HealthController],
      providers: [{ provide: VigilConfig, useValue: config }, { provide: ROOT_LOGGER, useValue: logger }, ReadinessRegistry],
      exports: [VigilConfig, ROOT_LOGGER, ReadinessRegistry],
    };
  }
}
