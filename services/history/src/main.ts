import { runService } from '@vigil/bootstrap';
import { HistoryModule } from './history.module';

void runService({
  name: 'history',
  port: (config) => config.VIGIL_HISTORY_PORT,
  module: (config, logger) => HistoryModule.forRoot(config, logger),
});
