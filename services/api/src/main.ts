import { runService } from '@vigil/bootstrap';
import { ApiModule } from './api.module';
import { buildOpenApiDocument } from './common/openapi/openapi-document';
import { registerHealthchecksHttp } from './healthchecks/healthchecks-http';
import { registerProjectMetricsRoutes } from './healthchecks/project-metrics';
import { OpenApiDocumentHolder } from './openapi/openapi.controller';

void runService({
  name: 'api',
  port: (config) => config.VIGIL_API_PORT,
  module: (config, logger) => ApiModule.forRoot(config, logger),
  configure: (app) => {
    registerHealthchecksHttp(app);
    registerProjectMetricsRoutes(app);
    app.get(OpenApiDocumentHolder).set(buildOpenApiDocument(app, ApiModule));
  },
});
