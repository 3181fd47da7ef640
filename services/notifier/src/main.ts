import { runService } from '@vigil/bootstrap';
import { NotifierModule } from './notifier.module';

void runService({
  name: 'notifier',
  port: (config) => config.VIGIL_NOTIFIER_PORT,
  module: (config, logger) => NotifierModule.forRoot(config, logger),
});
