import type { DeadLetterReason, NotificationDeadLetterV1 } from '@vigil/contracts';
import type { ClaimedDelivery, RecordedAttempt } from './delivery-ledger';

/** The dead-letter record of a delivery given up after `attempts` attempts, the last one `last`. */
export function deadLetterOf(
  delivery: ClaimedDelivery,
  attempts: number,
  reason: DeadLetterReason,
  last: Omit<RecordedAttempt, 'attempt' | 'outcome'> | null,
  deadAt: number,
): NotificationDeadLetterV1 {
  const alert = delivery.alert;
  return {
    version: 1,
    delivery_id: delivery.id,
    idempotency_key: delivery.idempotencyKey,
    event_id: delivery.eventId ?? delivery.idempotencyKey,
    kind: delivery.kind === 'resolved' ? 'issue.resolved' : 'issue.opened',
    issue_id: delivery.issueId ?? alert.issueId,
    organization_id: alert.organization.id,
    project_id: alert.project.id,
    monitor_id: alert.monitor.id,
    environment: alert.environment,
    integration_id: delivery.integration.id,
    integration_type: delivery.integration.type,
    reason,
    attempts: Math.max(1, attempts),
    last_status_code: last?.statusCode ?? null,
    last_error_code: last?.errorCode ?? null,
    last_error: last?.error?.slice(0, 1024) ?? null,
    created_at: delivery.createdAt,
    dead_at: deadAt,
  };
}
