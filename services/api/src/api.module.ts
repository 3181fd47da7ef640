import { Module, type DynamicModule } from '@nestjs/common';
import { ClickHouseModule, PostgresModule, ServiceCoreModule } from '@vigil/bootstrap';
import type { VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';
import { ApiTokenRepository } from './auth/api-token.repository';
import { OrganizationAccess } from './auth/organization-access';
import { CheckinHistoryRepository } from './checkins/checkin-history.repository';
import { MonitorReadRepository } from './monitors/monitor-read.repository';
import { MonitorsController } from './monitors/monitors.controller';
import { ProcessingErrorRepository } from './processing-errors/processing-error.repository';
import { ProcessingErrorsController } from './processing-errors/processing-errors.controller';

@Module({})
export class ApiModule {
  static forRoot(config: VigilConfig, logger: Logger): DynamicModule {
    return {
      module: ApiModule,
      imports: [ServiceCoreModule.forRoot(config, logger), PostgresModule, ClickHouseModule],
      controllers: [MonitorsController, ProcessingErrorsController],
      providers: [ApiTokenRepository, OrganizationAccess, MonitorReadRepository, CheckinHistoryRepository, ProcessingErrorRepository],
    };
  }
}
