import { ROOT_LOGGER, runService } from '@vigil/bootstrap';
import type { Logger } from '@vigil/logging';
import { registerIngestRoutes } from './http/ingest-routes';
import { IngestModule } from './ingest.module';

void runService({
  name: 'ingest',
  port: (config) => config.VIGIL_INGEST_PORT,
  metricsPort: (config) => config.VIGIL_INGEST_METRICS_PORT,
  module: (config, logger) => IngestModule.forRoot(config, logger),
  bodyLimit: 1024 * 1024,
  rawBodies: true,
  trustedProxies: (config) => config.VIGIL_TRUSTED_PROXIES.split(',').filter((entry) => entry !== ''),
  configure: (app) => {
    // Envelopes are newline-delimited and often gzip-encoded; ping bodies are anything. Take them raw.
    const fastify = app.getHttpAdapter().getInstance();
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    registerIngestRoutes(app, app.get<Logger>(ROOT_LOGGER));
  },
});
