import { Inject, Injectable } from '@nestjs/common';
import { VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { CatalogProject } from '../catalog/catalog-snapshot';
import { IngestCatalog } from '../catalog/ingest-catalog';
import { sentryKeyFrom } from '../auth/sentry-auth';
import { clientInfo } from '../checkins/client-info';
import { detailOf, ProcessingErrorRecorder } from '../checkins/processing-errors';
import { RecordCheckinsUseCase } from '../checkins/record-checkins.usecase';
import { parseSentryCheckin, type SentryCheckinPayload } from '../checkins/sentry-checkin.schema';
import { IngestMetrics, outcomeOf } from '../http/ingest-metrics';
import { parseEnvelope } from './envelope.parser';

export const MAX_DECOMPRESSED_BYTES = 1024 * 1024;

export function decodeBody(request: FastifyRequest): Buffer {
  const body = request.body;
  const raw = Buffer.isBuffer(body) ? body : typeof body === 'string' ? Buffer.from(body) : Buffer.alloc(0);
  const encoding = String(request.headers['content-encoding'] ?? '').toLowerCase();
  try {
    if (encoding === 'gzip') return gunzipSync(raw, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    if (encoding === 'deflate') return inflateSync(raw, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
  } catch (error) {
    const tooLarge = error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    if (tooLarge) throw new DomainError('too_large', 'body_too_large', `the decompressed body exceeds ${MAX_DECOMPRESSED_BYTES} bytes`, 'body');
    throw new DomainError('invalid', 'invalid_encoding', `the body is not valid ${encoding}`, 'content-encoding');
  }
  if (encoding !== '' && encoding !== 'identity')
    throw new DomainError('invalid', 'invalid_encoding', `content-encoding "${encoding}" is not supported (use gzip or deflate)`, 'content-encoding');
  return raw;
}

export function parseProjectId(raw: string): number {
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1)
    throw new DomainError('invalid', 'invalid_project_id', 'project_id in the URL must be a positive integer', 'project_id');
  return Number(raw);
}

/** Authenticates a Sentry request by its DSN key, for the project in the URL. */
export async function authenticateSentry(catalog: IngestCatalog, request: FastifyRequest, projectId: number, pathKey?: string): Promise<CatalogProject> {
  const key = pathKey ?? sentryKeyFrom(request.headers, (request.query ?? {}) as Record<string, unknown>);
  if (!key) throw new DomainError('unauthorized', 'missing_key', 'no DSN key: send X-Sentry-Auth, Authorization or ?sentry_key=', 'sentry_key');
  const project = await catalog.projectForKey(projectId, key);
  if (!project) throw new DomainError('forbidden', 'unknown_key', 'the DSN key is not valid for this project', 'sentry_key');
  return project;
}

/** A check_in item's text, parsed and validated; the error names the item when it is not JSON. */
function readItem(text: string, index: number): SentryCheckinPayload {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DomainError('invalid', 'invalid_checkin', `check_in item ${index + 1} is not valid JSON`, 'check_in');
  }
  return parseSentryCheckin(json);
}

function slugOf(text: string): string | null {
  try {
    const value = JSON.parse(text) as { monitor_slug?: unknown };
    return typeof value.monitor_slug === 'string' ? value.monitor_slug : null;
  } catch {
    return null;
  }
}

/**
 * POST /api/<project_id>/envelope/: Sentry SDK envelopes; `check_in` items are recorded, others ignored.
 * SDKs never read the answer, so every rejected check-in is also recorded as a processing error.
 */
@Injectable()
export class EnvelopeHandler {
  constructor(
    private readonly catalog: IngestCatalog,
    private readonly processingErrors: ProcessingErrorRecorder,
    @Inject(RecordCheckinsUseCase) private readonly record: RecordCheckinsUseCase,
    @Inject(VigilConfig) private readonly config: VigilConfig,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {}

  async handle(request: FastifyRequest<{ Params: { projectId: string } }>, reply: FastifyReply): Promise<void> {
    // A request refused before its items are read (a bad key, a body that is no envelope) counts as one check-in.
    const seen = { items: 1 };
    try {
      const { accepted, rateLimited } = await this.accept(request, seen);
      this.metrics.checkin('sentry_envelope', 'accepted', accepted);
      this.metrics.checkin('sentry_envelope', 'rate_limited', rateLimited);
    } catch (error) {
      this.metrics.checkin('sentry_envelope', outcomeOf(error), seen.items);
      throw error;
    }
    await reply.status(200).send({});
  }

  private async accept(
    request: FastifyRequest<{ Params: { projectId: string } }>,
    seen: { items: number },
  ): Promise<{ accepted: number; rateLimited: number }> {
    const projectId = parseProjectId(request.params.projectId);
    const project = await authenticateSentry(this.catalog, request, projectId);
    const envelope = parseEnvelope(decodeBody(request));
    const texts = envelope.items.filter((item) => item.type === 'check_in').map((item) => item.payload.toString('utf8'));
    seen.items = texts.length;
    if (texts.length === 0) return { accepted: 0, rateLimited: 0 };
    const max = this.config.VIGIL_INGEST_MAX_CHECKINS_PER_ENVELOPE;
    if (texts.length > max) {
      // Refused whole, and recorded once: thousands of items must not cost thousands of anything.
      const error = new DomainError(
        'invalid',
        'too_many_checkins',
        `the envelope carries ${texts.length} check_in items; at most ${max} are accepted in one envelope`,
        'check_in',
      );
      this.processingErrors.record(project, 'sentry_envelope', { monitorSlug: null, environment: null, payload: texts[0] ?? null, errors: [detailOf(error)] });
      throw error;
    }

    const checkins: SentryCheckinPayload[] = [];
    let firstError: DomainError | undefined;
    texts.forEach((text, index) => {
      try {
        checkins.push(readItem(text, index));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        firstError ??= error;
        this.processingErrors.record(project, 'sentry_envelope', { monitorSlug: slugOf(text), environment: null, payload: text, errors: [detailOf(error)] });
      }
    });
    if (firstError) throw firstError;

    try {
      const outcome = await this.record.recordSentry(project, checkins, 'sentry_envelope', clientInfo(request));
      if (outcome.accepted.length === 0 && outcome.rateLimited > 0) {
        const first = outcome.firstRefusal;
        const code = first?.code ?? 'rate_limited';
        const message =
          texts.length === 1 && first
            ? first.message
            : 'every check-in of the envelope is over a rate limit (of its monitor, or of monitor creations in the project)';
        throw new DomainError('rate_limited', code, message, 'monitor_slug', outcome.retryAfterSeconds);
      }
      return { accepted: outcome.accepted.length, rateLimited: outcome.rateLimited };
    } catch (error) {
      if (error instanceof DomainError && (error.kind === 'invalid' || error.kind === 'not_found')) {
        texts.forEach((text, index) =>
          this.processingErrors.record(project, 'sentry_envelope', {
            monitorSlug: checkins[index]?.monitor_slug ?? null,
            environment: checkins[index]?.environment ?? null,
            payload: text,
            errors: [detailOf(error)],
          }),
        );
      }
      throw error;
    }
  }
}
