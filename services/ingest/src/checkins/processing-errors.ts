import { Inject, Injectable } from '@nestjs/common';
import { ROOT_LOGGER } from '@vigil/bootstrap';
import { toStorableText, type CheckinSource, type ProcessingErrorDetail, type ProcessingErrorV1 } from '@vigil/contracts';
import { DomainError } from '@vigil/errors';
import { TopicProducer } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { randomUUID } from 'node:crypto';
import type { CatalogProject } from '../catalog/catalog-snapshot';
import { RateLimiter } from '../limits/rate-limiter';

export const MAX_RECORDED_PAYLOAD = 16 * 1024;

export interface RejectedCheckin {
  monitorSlug: string | null;
  environment: string | null;
  payload: string | null;
  errors: ProcessingErrorDetail[];
}

export function detailOf(error: DomainError): ProcessingErrorDetail {
  return { code: error.code, field: error.field ?? null, message: error.message };
}

function cleaned<T extends string | null | undefined>(value: T, max: number): string | (T & null) {
  return value === null || value === undefined ? (null as T & null) : toStorableText(value.slice(0, max));
}

/**
 * Records check-ins that were rejected where the client never reads the answer, so the API can tell users
 * why a check-in is missing. Best effort, and bounded per project (a misconfigured fleet must not turn
 * into a flood): recording never fails or delays the request.
 */
@Injectable()
export class ProcessingErrorRecorder {
  private readonly budget = new RateLimiter(120, 60);

  constructor(
    @Inject(TopicProducer) private readonly producer: TopicProducer,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  record(project: CatalogProject, source: CheckinSource, rejected: RejectedCheckin): void {
    if (this.budget.take(String(project.id)) > 0) return;
    const message: ProcessingErrorV1 = {
      version: 1,
      error_id: randomUUID(),
      organization_id: project.organizationId,
      project_id: project.id,
      // What was refused may be the very text no store can hold (a NUL, a lone surrogate): recorded cleaned.
      monitor_slug: cleaned(rejected.monitorSlug, 256),
      environment: cleaned(rejected.environment, 256),
      source,
      errors: rejected.errors.slice(0, 16).map((error) => ({ code: error.code.slice(0, 64), field: cleaned(error.field, 128), message: cleaned(error.message, 1024) })),
      payload: cleaned(rejected.payload, MAX_RECORDED_PAYLOAD),
      received_at: Date.now(),
    };
    this.logger.info({ project_id: project.id, monitor_slug: message.monitor_slug, codes: message.errors.map((e) => e.code) }, 'check-in rejected');
    this.producer.produce('vigil.processing-errors.v1', String(project.id), message).catch((error: unknown) => {
      this.logger.warn({ err: error, project_id: project.id }, 'processing error not recorded');
    });
  }
}
