import type { DeliveryView } from './delivery-read.repository';

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/**
 * A delivery as the API shows it: what it is about (kind, issue, monitor, environment), where it went, its
 * status, and every attempt with its outcome, response code, error and duration. No credential: the attempt's
 * `target` is the URL's origin or a recipient count.
 */
export function presentDelivery(delivery: DeliveryView): Record<string, unknown> {
  return {
    id: delivery.id,
    kind: delivery.kind,
    status: delivery.status,
    issueId: delivery.issueId,
    eventId: delivery.eventId,
    integration: delivery.integration,
    monitor: { id: delivery.alert.monitor.id, slug: delivery.alert.monitor.slug, name: delivery.alert.monitor.name },
    environment: delivery.alert.environment,
    attemptCount: delivery.attemptCount,
    nextAttemptAt: iso(delivery.nextAttemptAt),
    deadReason: delivery.deadReason,
    dateCreated: iso(delivery.createdAt),
    dateUpdated: iso(delivery.updatedAt),
    attempts: delivery.attempts.map((attempt) => ({
      attempt: attempt.attempt,
      outcome: attempt.outcome,
      statusCode: attempt.statusCode,
      errorCode: attempt.errorCode,
      error: attempt.error,
      durationMs: attempt.durationMs,
      target: attempt.target,
      response: attempt.response,
      dateStarted: iso(attempt.startedAt),
      dateFinished: iso(attempt.finishedAt),
    })),
  };
}
