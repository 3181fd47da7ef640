import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { VigilConfig } from '@vigil/config';
import { redactUrl, type Logger } from '@vigil/logging';
import type { FastifyInstance } from 'fastify';
import { loggingModule, type RequestLogMode } from './request-logging.module';
import { HealthController } from './health.controller';
import { ReadinessRegistry } from './readiness.registry';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

export interface ServiceCoreOptions {
  requestLog?: RequestLogMode;
}

/** In 'failures' mode: one line per request answered 4xx (info) or 5xx (error), from a Fastify hook. */
@Injectable()
class FailedRequestLog implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      if (reply.statusCode >= 400) {
        const entry = { req: { id: request.id, method: request.method, url: redactUrl(request.url) }, res: { statusCode: reply.statusCode }, responseTime: Math.round(reply.elapsedTime) };
        if (reply.statusCode >= 500) this.logger.error(entry, 'request failed');
        else this.logger.info(entry, 'request refused');
      }
      done();
    });
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
        ReadinessRegistry,
        ...(mode === 'failures' ? [FailedRequestLog] : []),
      ],
      exports: [VigilConfig, ROOT_LOGGER, ReadinessRegistry],
    };
  }
}
