import { runService } from '@vigil/bootstrap';
import { IssuesModule } from './issues.module';

void runService({
  name: 'issues',
  port: (config) => config.VIGIL_ISSUES_PORT,
  module: (config, logger) => IssuesModule.forRoot(config, logger),
});
