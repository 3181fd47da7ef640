import { Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import type { FastifyRequest } from 'fastify';
import { gunzipSync, inflateSync } from 'node:zlib';
import { ProjectKeyRepository, type ProjectIdentity } from '../auth/project-key.repository';
import { sentryKeyFrom } from '../auth/sentry-auth';
import { RecordCheckinsUseCase } from '../checkins/record-checkins.usecase';
import { parseSentryCheckin } from '../checkins/sentry-checkin.schema';
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
    if (tooLarge) throw new DomainError('too_large', 'body_too_large', `the decompressed body exceeds ${MAX_DECOMPRESSED_BYTES} bytes`);
    throw new DomainError('invalid', 'invalid_encoding', `the body is not valid ${encoding}`, 'content-encoding');
  }
  if (encoding !== '' && encoding !== 'identity') throw new DomainError('invalid', 'invalid_encoding', `content-encoding "${encoding}" is not supported (use gzip or deflate)`, 'content-encoding');
  return raw;
}

export function parseProjectId(raw: string): number {
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) throw new DomainError('invalid', 'invalid_project_id', 'project_id in the URL must be a positive integer', 'project_id');
  return Number(raw);
}

/** Authenticates a Sentry request by its DSN key, for the project in the URL. */
export async function authenticateSentry(keys: ProjectKeyRepository, request: FastifyRequest, projectId: number, pathKey?: string): Promise<ProjectIdentity> {
  const key = pathKey ?? sentryKeyFrom(request.headers, (request.query ?? {}) as Record<string, unknown>);
  if (!key) throw new DomainError('unauthorized', 'missing_key', 'no DSN key: send X-Sentry-Auth, Authorization or ?sentry_key=', 'sentry_key');
  const project = await keys.findActive(projectId, key);
  if (!project) throw new DomainError('forbidden', 'unknown_key', 'the DSN key is not valid for this project', 'sentry_key');
  return project;
}

/** POST /api/<project_id>/envelope/: Sentry SDK envelopes; `check_in` items are recorded, others ignored. */
@Controller('api/:projectId')
export class EnvelopeController {
  constructor(
    private readonly keys: ProjectKeyRepository,
    @Inject(RecordCheckinsUseCase) private readonly record: RecordCheckinsUseCase,
  ) {}

  @Post('envelope')
  @HttpCode(200)
  async envelope(@Param('projectId') rawProjectId: string, @Req() request: FastifyRequest): Promise<Record<string, never>> {
    const projectId = parseProjectId(rawProjectId);
    const project = await authenticateSentry(this.keys, request, projectId);
    const envelope = parseEnvelope(decodeBody(request));
    const checkins = envelope.items
      .filter((item) => item.type === 'check_in')
      .map((item, index) => {
        let json: unknown;
        try {
          json = JSON.parse(item.payload.toString('utf8'));
        } catch {
          throw new DomainError('invalid', 'invalid_checkin', `check_in item ${index + 1} is not valid JSON`);
        }
        return parseSentryCheckin(json);
      });
    if (checkins.length > 0) await this.record.recordSentry(project, checkins, 'sentry_envelope');
    return {};
  }
}
