import { runService } from '@vigil/bootstrap';
import { IngestModule } from './ingest.module';

void runService({
  name: 'ingest',
  port: (config) => config.VIGIL_INGEST_PORT,
  module: (config, logger) => IngestModule.forRoot(config, logger),
  bodyLimit: 1024 * 1024,
  rawBodies: true,
  trustedProxies: (config) => config.VIGIL_TRUSTED_PROXIES.split(',').filter((entry) => entry !== ''),
  configure: (app) => {
    // Envelopes are newline-delimited and often gzip-encoded; ping bodies are anything. Take them raw.
    const fastify = app.getHttpAdapter().getInstance();
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  },
});
