import { Inject, Injectable } from '@nestjs/common';
import { markRefusal } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IngestCatalog } from '../catalog/ingest-catalog';
import { clientInfo } from '../checkins/client-info';
import { RecordCheckinsUseCase } from '../checkins/record-checkins.usecase';
import { IngestMetrics, type CheckinOutcome } from '../http/ingest-metrics';
import { isPingUuid, isUuid, PING_SLUG, pingSignal, SLUG_SEGMENT, type ParsedSignal } from './ping-signal';

/** A Healthchecks answer: plain text and a status, which is all its clients (curl -f, runitor) read. */
class PingAnswer {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {}
}

const NOT_FOUND = new PingAnswer(404, 'not found');
const BAD_URL = new PingAnswer(400, 'invalid url format');
const SLUG_TOO_LONG = new PingAnswer(400, 'invalid url format: a slug has at most 50 characters');

/** Healthchecks stores at most 200 characters of a ping's user agent. */
const USER_AGENT_LIMIT = 200;
const OK = new PingAnswer(200, 'OK');
const CREATED = new PingAnswer(201, 'Created');

/**
 * Healthchecks ping URLs, answered as Healthchecks answers them:
 * `/ping/<uuid>[/start|/fail|/log|/<exit status>]` and `/ping/<ping_key>/<slug>[/...]`, by HEAD, GET or POST,
 * with `?rid=<uuid>` naming the run and `?create=1` provisioning a slug that does not exist yet.
 */
@Injectable()
export class PingHandler {
  constructor(
    private readonly catalog: IngestCatalog,
    @Inject(RecordCheckinsUseCase) private readonly record: RecordCheckinsUseCase,
    @Inject(VigilConfig) private readonly config: VigilConfig,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {}

  async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    void reply.header('access-control-allow-origin', '*');
    if (request.method === 'OPTIONS') {
      await reply
        .status(204)
        .header('access-control-allow-methods', 'GET, HEAD, POST, OPTIONS')
        .header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'Content-Type')
        .header('access-control-max-age', '600')
        .send();
      return;
    }
    let answer: PingAnswer;
    try {
      answer = await this.ping(request);
    } catch (error) {
      if (!(error instanceof DomainError)) {
        this.metrics.checkin('healthchecks_ping', 'failed');
        throw error;
      }
      if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
      markRefusal(reply, error.code);
      answer = new PingAnswer(
        error.kind === 'rate_limited' ? 429 : error.kind === 'unavailable' ? 503 : 400,
        error.kind === 'rate_limited' ? 'rate limited' : error.message,
      );
    }
    this.metrics.checkin('healthchecks_ping', pingOutcome(answer.status));
    await reply
      .status(answer.status)
      .header('ping-body-limit', String(this.config.VIGIL_PING_BODY_LIMIT))
      .header('access-control-expose-headers', 'Ping-Body-Limit')
      .header('cache-control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send(answer.text);
  }

  private async ping(request: FastifyRequest): Promise<PingAnswer> {
    // One wildcard route takes every ping URL: Fastify's path parameters stop at 100 characters with its own JSON 414.
    const path = ((request.params as Record<string, string | undefined>)['*'] ?? '').replace(/\/$/, '');
    const segments = path.split('/');
    if (segments.length > 3 || segments.some((segment) => segment === '')) return NOT_FOUND;
    const query = (request.query ?? {}) as Record<string, unknown>;

    const rid = query['rid'];
    if (rid !== undefined && (typeof rid !== 'string' || !isUuid(rid))) return new PingAnswer(400, 'invalid uuid format');
    const runId = typeof rid === 'string' ? rid.toLowerCase() : undefined;
    const client = clientInfo(request);
    if (client.userAgent !== null) client.userAgent = client.userAgent.slice(0, USER_AGENT_LIMIT);

    if (isPingUuid(segments[0]!)) {
      if (segments.length > 2) return NOT_FOUND;
      const parsed = this.signal(segments[1]);
      if (parsed instanceof PingAnswer) return parsed;
      const monitor = await this.catalog.monitorByPingUuid(segments[0]!);
      if (!monitor) return NOT_FOUND;
      await this.record.recordPing(monitor, { ...parsed, runId, body: this.body(request) }, client);
      return OK;
    }
    if (segments.length < 2) return NOT_FOUND;
    const [pingKey, slug] = segments as [string, string];
    // As Healthchecks: a segment that cannot be a slug matches no URL; an upper-case slug is a bad URL.
    if (!SLUG_SEGMENT.test(pingKey) || !SLUG_SEGMENT.test(slug)) return NOT_FOUND;
    if (slug !== slug.toLowerCase()) return BAD_URL;
    const parsed = this.signal(segments[2]);
    if (parsed instanceof PingAnswer) return parsed;
    const create = query['create'] === '1';
    // Longer slugs cannot exist in Vigil: not found, and not creatable (Healthchecks' limit is 100).
    if (!PING_SLUG.test(slug)) return create ? SLUG_TOO_LONG : NOT_FOUND;
    const project = await this.catalog.projectForPingKey(pingKey);
    if (!project) return NOT_FOUND;
    const signal = { ...parsed, runId, body: this.body(request) };
    const monitor = await this.catalog.monitorBySlug(project.id, slug);
    if (monitor) {
      await this.record.recordPing(monitor, signal, client);
      return OK;
    }
    if (!create) return NOT_FOUND;
    const { created } = await this.record.provisionAndRecordPing(project, slug, signal, client);
    return created ? CREATED : OK;
  }

  private signal(suffix: string | undefined): ParsedSignal | PingAnswer {
    try {
      return pingSignal(suffix);
    } catch (error) {
      if (error instanceof DomainError) return error.kind === 'not_found' ? NOT_FOUND : BAD_URL;
      throw error;
    }
  }

  /** The bytes a job posted (its output), cut to the advertised limit: kept as bytes, whatever they are. */
  private body(request: FastifyRequest): Buffer | null {
    const raw = request.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0 || this.config.VIGIL_PING_BODY_LIMIT === 0) return null;
    return raw.subarray(0, this.config.VIGIL_PING_BODY_LIMIT);
  }
}

function pingOutcome(status: number): CheckinOutcome {
  if (status < 300) return 'accepted';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'failed' : 'rejected';
}
