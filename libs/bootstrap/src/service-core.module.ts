import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { VigilConfig } from '@vigil/config';
import { redactUrl, RefusalLog, type Logger } from '@vigil/logging';
import type { FastifyInstance } from 'fastify';
import { loggingModule, QUIET_PATHS, type RequestLogMode } from './request-logging.module';
import { HealthController } from './health.controller';
import { ReadinessRegistry } from './readiness.registry';
import { refusalCode } from './refusal-code';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

export interface ServiceCoreOptions {
  requestLog?: RequestLogMode;
  /** Names the protocol of a route pattern in refusal counts; by default the route pattern itself. */
  protocolOf?: (route: string) => string;
}

const PROTOCOL_OF = Symbol('PROTOCOL_OF');

/**
 * Answers of 4xx go to the RefusalLog (counted per protocol, status and code, never one line each); in
 * 'failures' mode each 5xx is also logged here, at error, since no per-request logger runs. Health probes are
 * left out: a load balancer polling /readyz of a service that is not ready is not news.
 */
@Injectable()
class RequestOutcomeLog implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(RefusalLog) private readonly refusals: RefusalLog,
    @Inject(VigilConfig) private readonly config: VigilConfig,
    @Inject(PROTOCOL_OF) private readonly options: { protocolOf: (route: string) => string; logFailures: boolean },
  ) {}

  onApplicationBootstrap(): void {
    this.refusals.start();
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      const status = reply.statusCode;
      if (status >= 400 && !QUIET_PATHS.has(request.url.split('?')[0] ?? '')) {
        if (status < 500) {
          const route = request.routeOptions.url ?? '(no route)';
          this.refusals.record(
            { protocol: this.options.protocolOf(route), status, code: refusalCode(reply, status) },
            { method: request.method, url: redactUrl(request.url), request_id: String(request.id), ip: request.ip },
          );
        } else if (this.options.logFailures) {
          this.logger.error(
            {
              req: { id: request.id, method: request.method, url: redactUrl(request.url) },
              res: { statusCode: status },
              responseTime: Math.round(reply.elapsedTime),
            },
            'request failed',
          );
        }
      }
      done();
    });
  }

  onApplicationShutdown(): void {
    this.refusals.stop();
  }
}

/** What every service has: its validated config, its logger, request logging and the health endpoints. */
@Global()
@Module({})
export class ServiceCoreModule {
  static forRoot(config: VigilConfig, logger: Logger, options: ServiceCoreOptions = {}): DynamicModule {
    const mode = options.requestLog ?? 'every-request';
    return {
      module: ServiceCoreModule,
      imports: [loggingModule(logger, mode)],
      controllers: [HealthController],
      providers: [
        { provide: VigilConfig, useValue: config },
        { provide: ROOT_LOGGER, useValue: logger },
        { provide: RefusalLog, useValue: new RefusalLog(logger, { intervalMs: config.VIGIL_REFUSAL_LOG_INTERVAL_MS }) },
        { provide: PROTOCOL_OF, useValue: { protocolOf: options.protocolOf ?? ((route: string) => route), logFailures: mode === 'failures' } },
        ReadinessRegistry,
        RequestOutcomeLog,
      ],
      exports: [VigilConfig, ROOT_LOGGER, ReadinessRegistry, RefusalLog],
    };
  }
}
