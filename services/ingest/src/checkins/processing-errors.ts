import { Inject, Injectable } from '@nestjs/common';
import { ROOT_LOGGER } from '@vigil/bootstrap';
import { toStorableText, type CheckinSource, type ProcessingErrorDetail, type ProcessingErrorV1 } from '@vigil/contracts';
import { DomainError } from '@vigil/errors';
import { TopicProducer } from '@vigil/kafka';
import { RefusalLog, type Logger } from '@vigil/logging';
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
    @Inject(RefusalLog) private readonly refusals: RefusalLog,
  ) {}

  record(project: CatalogProject, source: CheckinSource, rejected: RejectedCheckin): void {
    // Counted with the refused requests, every one (the budget below bounds only what is recorded): a
    // misconfigured fleet must not write a log line per check-in.
    this.refusals.record(
      {
        protocol: `${source}-checkin`,
        code: rejected.errors
          .map((e) => e.code)
          .join(',')
          .slice(0, 200),
      },
      { project_id: project.id, monitor_slug: rejected.monitorSlug?.slice(0, 256) ?? null, environment: rejected.environment?.slice(0, 256) ?? null },
    );
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
      errors: rejected.errors
        .slice(0, 16)
        .map((error) => ({ code: error.code.slice(0, 64), field: cleaned(error.field, 128), message: cleaned(error.message, 1024) })),
      payload: cleaned(rejected.payload, MAX_RECORDED_PAYLOAD),
      received_at: Date.now(),
    };
    this.producer.produce('vigil.processing-errors.v1', String(project.id), message).catch((error: unknown) => {
      this.logger.warn({ err: error, project_id: project.id }, 'processing error not recorded');
    });
  }
}
