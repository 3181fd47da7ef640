import { runService } from '@vigil/bootstrap';
import { SchedulerModule } from './scheduler.module';

void runService({
  name: 'scheduler',
  port: (config) => config.VIGIL_SCHEDULER_PORT,
  module: (config, logger) => SchedulerModule.forRoot(config, logger),
});
