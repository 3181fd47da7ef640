import { runService } from '@vigil/bootstrap';
import { ApiModule } from './api.module';

void runService({
  name: 'api',
  port: (config) => config.VIGIL_API_PORT,
  module: (config, logger) => ApiModule.forRoot(config, logger),
});
