import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, loadConfig, type VigilConfig } from '@vigil/config';
import { createLogger, type Logger } from '@vigil/logging';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { DomainErrorFilter } from './domain-error.filter';
import { ReadinessRegistry } from './readiness.registry';

export interface ServiceDefinition {
  name: string;
  port: (config: VigilConfig) => number;
  module: (config: VigilConfig, logger: Logger) => DynamicModule;
  /** Largest request body in bytes. */
  bodyLimit?: number;
  /** Take every request body as raw bytes (no JSON or form parsing): for protocols that are not plain JSON. */
  rawBodies?: boolean;
  /** Addresses or CIDR ranges of reverse proxies whose X-Forwarded-For sets `request.ip`; none by default. */
  trustedProxies?: (config: VigilConfig) => string[];
  /** Hook for protocol-specific body parsers and the like. */
  configure?: (app: NestFastifyApplication, config: VigilConfig) => void;
}

/** Config first (a bad variable stops the process with its name), then the Nest app on Fastify. */
export function loadConfigOrExit(service: string): VigilConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

export async function runService(definition: ServiceDefinition): Promise<NestFastifyApplication> {
  const config = loadConfigOrExit(definition.name);
  const logger = createLogger(definition.name, config.VIGIL_LOG_LEVEL);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  const proxies = definition.trustedProxies?.(config) ?? [];
  const adapter = new FastifyAdapter({ bodyLimit: definition.bodyLimit ?? 1024 * 1024, trustProxy: proxies.length > 0 ? proxies : false, return503OnClosing: true, routerOptions: { ignoreTrailingSlash: true } });
  const app = await NestFactory.create<NestFastifyApplication>(definition.module(config, logger), adapter, { bufferLogs: true, bodyParser: !definition.rawBodies });
  app.useLogger(app.get(NestPinoLogger));
  app.useGlobalFilters(new DomainErrorFilter(logger));
  definition.configure?.(app, config);

  // SIGTERM: /readyz turns 503, the listener stops taking requests and lets in-flight ones finish,
  // then the modules' shutdown hooks flush producers and commit consumer offsets.
  const readiness = app.get(ReadinessRegistry);
  let stopping = false;
  const stop = (signal: NodeJS.Signals | 'restart', exitCode = 0): void => {
    if (stopping) return;
    stopping = true;
    readiness.markShuttingDown();
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.VIGIL_SHUTDOWN_TIMEOUT_MS);
    force.unref();
    app
      .close()
      .then(() => {
        logger.info('stopped');
        process.exit(exitCode);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      });
  };
  // Node passes the signal's number too: it must not become the exit code.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A part that cannot recover by itself (a consumer that does not get back into its group): exit with
  // EX_SOFTWARE after the graceful path, so the supervisor (services.sh, systemd, Kubernetes) starts a new process.
  readiness.onRestartRequested((reason) => {
    logger.fatal({ err: reason }, 'exiting for a restart');
    stop('restart', 70);
  });

  const port = definition.port(config);
  await app.listen(port, config.VIGIL_HOST);
  logger.info({ port, host: config.VIGIL_HOST }, `${definition.name} listening`);
  return app;
}
