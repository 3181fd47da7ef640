import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, loadConfig, type VigilConfig } from '@vigil/config';
import { createLogger, RefusalLog, type Logger } from '@vigil/logging';
import { renderMetrics, serveMetrics } from '@vigil/metrics';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { DomainErrorFilter } from './domain-error.filter';
import { registerProcessMetrics } from './metrics/process-metrics';
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
  /**
   * Serves /metrics on a listener of its own at this port instead of on the service's port: for a service whose
   * port is public (ingest). Either way only while VIGIL_METRICS is on.
   */
  metricsPort?: (config: VigilConfig) => number;
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

/**
 * The HTTP server, with a bound on the time to receive a whole request (a body trickled a byte at a time would
 * otherwise hold its connection and its buffer for ever: Fastify turns Node's bound off). Node looks for late
 * requests every `connectionsCheckingInterval`, so that is a fraction of the bound.
 */
function boundedServer(handler: (request: IncomingMessage, response: ServerResponse) => void, requestTimeoutMs: number): Server {
  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(60_000, requestTimeoutMs),
      connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(requestTimeoutMs / 4))),
    },
    handler,
  );
  server.keepAliveTimeout = 72_000; // Fastify's default, which a server of our own must set itself
  return server;
}

/** Answers at the connection level (a request too slow, or not HTTP) in the error shape of every other answer. */
function clientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'request_timeout', 'the request was not received in full in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'headers_too_large', 'the request headers are too large']
        : [400, 'Bad Request', 'bad_request', 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

export async function runService(definition: ServiceDefinition): Promise<NestFastifyApplication> {
  const config = loadConfigOrExit(definition.name);
  const logger = createLogger(definition.name, config.VIGIL_LOG_LEVEL);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  const proxies = definition.trustedProxies?.(config) ?? [];
  const adapter = new FastifyAdapter({
    bodyLimit: definition.bodyLimit ?? 1024 * 1024,
    trustProxy: proxies.length > 0 ? proxies : false,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    serverFactory: (handler: (request: IncomingMessage, response: ServerResponse) => void) => boundedServer(handler, config.VIGIL_HTTP_REQUEST_TIMEOUT_MS),
    clientErrorHandler: clientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(definition.module(config, logger), adapter, {
    bufferLogs: true,
    bodyParser: !definition.rawBodies,
  });
  app.useLogger(app.get(NestPinoLogger));
  app.useGlobalFilters(new DomainErrorFilter(logger));
  definition.configure?.(app, config);
  const metricsServer = await startMetrics(definition, app, config);

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
    metricsServer?.close();
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
  logger.info(
    { port, host: config.VIGIL_HOST, metrics: config.VIGIL_METRICS === 'off' ? 'off' : (definition.metricsPort?.(config) ?? port) },
    `${definition.name} listening`,
  );
  return app;
}

/** Prometheus metrics at /metrics, on the service's port or on a listener of its own (see `metricsPort`). */
async function startMetrics(definition: ServiceDefinition, app: NestFastifyApplication, config: VigilConfig): Promise<Server | null> {
  if (config.VIGIL_METRICS === 'off') return null;
  registerProcessMetrics(app.get(RefusalLog));
  if (definition.metricsPort) return serveMetrics(definition.metricsPort(config), config.VIGIL_HOST);
  app
    .getHttpAdapter()
    .getInstance()
    .get('/metrics', async (_request, reply) => {
      const { contentType, body } = await renderMetrics();
      await reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
    });
  return null;
}
