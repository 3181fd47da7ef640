import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IngestCatalog } from '../catalog/ingest-catalog';
import { clientInfo } from '../checkins/client-info';
import { RecordCheckinsUseCase } from '../checkins/record-checkins.usecase';
import { parseSentryCheckin, type SentryCheckinPayload } from '../checkins/sentry-checkin.schema';
import { IngestMetrics, outcomeOf } from '../http/ingest-metrics';
import { parseDuration } from './cron-duration';
import { authenticateSentry, decodeBody, parseProjectId } from './envelope.handler';

/**
 * The check-in a DSN cron request carries. JSON-body mode (content type application/json): the full
 * check-in, monitor_config included, with the slug from the URL. Query mode: `status`, `check_in_id`,
 * `environment`, `duration` (seconds); without check_in_id the signal belongs to the latest open run.
 */
export function cronCheckin(slug: string, request: FastifyRequest): SentryCheckinPayload {
  const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(decodeBody(request).toString('utf8'));
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError('invalid', 'invalid_json', 'the body is not valid JSON', 'body');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new DomainError('invalid', 'invalid_checkin', 'the body must be a JSON object', 'body');
    return parseSentryCheckin({ ...body, monitor_slug: slug });
  }
  const query = (request.query ?? {}) as Record<string, unknown>;
  const candidate: Record<string, unknown> = { monitor_slug: slug, status: query['status'] };
  for (const name of ['check_in_id', 'environment'] as const) if (query[name] !== undefined) candidate[name] = query[name];
  if (query['duration'] !== undefined) candidate['duration'] = parseDuration(query['duration']);
  return parseSentryCheckin(candidate);
}

/**
 * The DSN cron endpoint, for jobs that check in with curl: `GET|POST /api/<project_id>/cron/<slug>/<key>/`,
 * or without the key segment when it is sent in X-Sentry-Auth, Authorization or ?sentry_key=. Answers 202.
 * A check-in over its rate limit is answered 202 too, as Relay answers, and kept as a processing error: jobs
 * call this with `curl -f` under `set -e`, and a 429 would abort the job the monitor watches.
 */
@Injectable()
export class CronHandler {
  constructor(
    private readonly catalog: IngestCatalog,
    @Inject(RecordCheckinsUseCase) private readonly record: RecordCheckinsUseCase,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {}

  handle(request: FastifyRequest<{ Params: { projectId: string; slug: string; key?: string } }>, reply: FastifyReply): Promise<void> {
    return this.checkIn(request.params.projectId, request.params.slug, request.params.key, request, reply);
  }

  private async checkIn(rawProjectId: string, slug: string, key: string | undefined, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      const project = await authenticateSentry(this.catalog, request, parseProjectId(rawProjectId), key);
      const checkin = cronCheckin(slug, request);
      const outcome = await this.record.recordSentry(project, [checkin], 'sentry_cron', clientInfo(request));
      this.metrics.checkin('sentry_cron', outcome.accepted.length > 0 ? 'accepted' : 'rate_limited');
    } catch (error) {
      this.metrics.checkin('sentry_cron', outcomeOf(error));
      throw error;
    }
    await reply.status(202).send();
  }
}
