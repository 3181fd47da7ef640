import { runService } from '@vigil/bootstrap';
import { ApiModule } from './api.module';
import { buildOpenApiDocument } from './common/openapi/openapi-document';
import { registerHealthchecksHttp } from './healthchecks/healthchecks-http';
import { registerProjectMetricsRoutes } from './healthchecks/project-metrics';
import { OpenApiDocumentHolder } from './openapi/openapi.controller';
import { registerDashboard } from './web/dashboard.routes';

void runService({
  name: 'api',
  port: (config) => config.VIGIL_API_PORT,
  module: (config, logger) => ApiModule.forRoot(config, logger),
  // The dashboard's sign-in limits count per client address, and its cookies are Secure behind TLS.
  trustedProxies: (config) => config.VIGIL_TRUSTED_PROXIES.split(',').filter((entry) => entry !== ''),
  configure: (app, config) => {
    registerHealthchecksHttp(app);
    registerProjectMetricsRoutes(app);
    registerDashboard(app, config);
    app.get(OpenApiDocumentHolder).set(buildOpenApiDocument(app, ApiModule));
  },
});
