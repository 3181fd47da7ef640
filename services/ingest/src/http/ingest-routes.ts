import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { markRefusal } from '@vigil/bootstrap';
import { DomainError, ERROR_KINDS, errorBody } from '@vigil/errors';
import type { Logger } from '@vigil/logging';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { CronHandler } from '../envelope/cron.handler';
import { EnvelopeHandler } from '../envelope/envelope.handler';
import { PingHandler } from '../ping/ping.handler';
import { IngestMetrics, type IngestProtocol } from './ingest-metrics';

type Handler<R extends FastifyRequest> = (request: R, reply: FastifyReply) => Promise<void>;

/**
 * The check-in routes, registered on Fastify directly rather than as Nest controllers: they take thousands
 * of requests a second, and Nest's router, interceptor and exception layers cost a large share of each
 * (see docs/benchmarks.md). Everything else (health, DI, lifecycle) stays with Nest.
 */
export function registerIngestRoutes(app: NestFastifyApplication, logger: Logger): void {
  const fastify = app.getHttpAdapter().getInstance();
  const envelope = app.get(EnvelopeHandler);
  const cron = app.get(CronHandler);
  const ping = app.get(PingHandler);
  const metrics = app.get(IngestMetrics);

  const guarded =
    <R extends FastifyRequest>(protocol: IngestProtocol, handler: Handler<R>): RouteHandlerMethod =>
    async (request, reply) => {
      const answered = metrics.timer(protocol);
      try {
        await handler(request as R, reply);
        answered();
      } catch (error) {
        answered();
        if (!(error instanceof DomainError)) {
          logger.error({ err: error }, 'unhandled error');
          await reply.status(500).send({ error: { code: 'internal', message: 'internal error' } });
          return;
        }
        if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
        markRefusal(reply, error.code);
        await reply.status(ERROR_KINDS[error.kind]).send(errorBody(error));
      }
    };

  fastify.post(
    '/api/:projectId/envelope',
    guarded('sentry_envelope', (request: FastifyRequest<{ Params: { projectId: string } }>, reply) => envelope.handle(request, reply)),
  );
  const cronRoute = guarded('sentry_cron', (request: FastifyRequest<{ Params: { projectId: string; slug: string; key?: string } }>, reply) =>
    cron.handle(request, reply),
  );
  fastify.route({ method: ['GET', 'POST'], url: '/api/:projectId/cron/:slug', handler: cronRoute });
  fastify.route({ method: ['GET', 'POST'], url: '/api/:projectId/cron/:slug/:key', handler: cronRoute });
  const pingRoute = guarded('healthchecks_ping', (request: FastifyRequest, reply) => ping.handle(request, reply));
  // One wildcard: path parameters are cut at 100 characters with Fastify's own JSON 414; the handler splits the path.
  fastify.route({ method: ['GET', 'POST', 'OPTIONS'], url: '/ping/*', handler: pingRoute });
}
