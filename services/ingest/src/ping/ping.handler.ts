import { Inject, Injectable } from '@nestjs/common';
import { markRefusal } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IngestCatalog } from '../catalog/ingest-catalog';
import { clientInfo } from '../checkins/client-info';
import { RecordCheckinsUseCase } from '../checkins/record-checkins.usecase';
import { isUuid, PING_SLUG, pingSignal, type ParsedSignal } from './ping-signal';

/** A Healthchecks answer: plain text and a status, which is all its clients (curl -f, runitor) read. */
class PingAnswer {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {}
}

const NOT_FOUND = new PingAnswer(404, 'not found');
const BAD_URL = new PingAnswer(400, 'invalid url format');
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
      if (!(error instanceof DomainError)) throw error;
      if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
      markRefusal(reply, error.code);
      answer = new PingAnswer(error.kind === 'rate_limited' ? 429 : error.kind === 'unavailable' ? 503 : 400, error.kind === 'rate_limited' ? 'rate limited' : error.message);
    }
    await reply
      .status(answer.status)
      .header('ping-body-limit', String(this.config.VIGIL_PING_BODY_LIMIT))
      .header('access-control-expose-headers', 'Ping-Body-Limit')
      .header('cache-control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send(answer.text);
  }

  private async ping(request: FastifyRequest): Promise<PingAnswer> {
    const params = request.params as Record<string, string | undefined>;
    const segments = [params['first'], params['second'], params['third']].filter((segment): segment is string => segment !== undefined);
    const query = (request.query ?? {}) as Record<string, unknown>;

    const rid = query['rid'];
    if (rid !== undefined && (typeof rid !== 'string' || !isUuid(rid))) return new PingAnswer(400, 'invalid uuid format');
    const runId = typeof rid === 'string' ? rid.toLowerCase() : undefined;

    if (isUuid(segments[0]!)) {
      if (segments.length > 2) return NOT_FOUND;
      const parsed = this.signal(segments[1]);
      if (parsed instanceof PingAnswer) return parsed;
      const monitor = await this.catalog.monitorByPingUuid(segments[0]!.toLowerCase());
      if (!monitor) return NOT_FOUND;
      await this.record.recordPing(monitor, { ...parsed, runId, body: this.body(request) }, clientInfo(request));
      return OK;
    }
    if (segments.length < 2) return NOT_FOUND;
    const [pingKey, slug] = segments as [string, string];
    if (!PING_SLUG.test(slug)) return BAD_URL;
    const parsed = this.signal(segments[2]);
    if (parsed instanceof PingAnswer) return parsed;
    const project = await this.catalog.projectForPingKey(pingKey);
    if (!project) return NOT_FOUND;
    const signal = { ...parsed, runId, body: this.body(request) };
    const monitor = await this.catalog.monitorBySlug(project.id, slug);
    if (monitor) {
      await this.record.recordPing(monitor, signal, clientInfo(request));
      return OK;
    }
    if (query['create'] !== '1') return NOT_FOUND;
    const { created } = await this.record.provisionAndRecordPing(project, slug, signal, clientInfo(request));
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

  /** The body a job posted (its output), cut to the advertised limit. */
  private body(request: FastifyRequest): string | null {
    const raw = request.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0 || this.config.VIGIL_PING_BODY_LIMIT === 0) return null;
    return raw.subarray(0, this.config.VIGIL_PING_BODY_LIMIT).toString('utf8');
  }
}
