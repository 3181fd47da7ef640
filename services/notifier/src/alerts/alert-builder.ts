import type { IssueEventV1 } from '@vigil/contracts';
import { monitorUrl, type Alert, type AlertKind } from '@vigil/integrations';

/** What Postgres adds to an issue event: the names people read. */
export interface MonitorContext {
  organizationSlug: string;
  projectSlug: string;
  /** Null when the monitor was deleted since the event was written: the event's slug stands in. */
  monitorName: string | null;
}

const KIND: Readonly<Record<'issue.opened' | 'issue.resolved', AlertKind>> = {
  'issue.opened': 'opened',
  'issue.resolved': 'resolved',
};

/**
 * The alert of one notified issue transition for one delivery. Rules:
 * - `idempotencyKey` is the delivery's id (one per transition and integration), so a receiver sees the same id
 *   on every attempt and every redelivery of this transition;
 * - `occurredAt` is when the issue opened (`issue.opened`) or resolved (`issue.resolved`, falling back to the
 *   opening when a producer left `resolved_at` out);
 * - `slot` is the run's expected time, or `occurredAt` for a result that counts for no slot;
 * - the monitor's name comes from Postgres; a deleted monitor is named by its slug.
 * Throws for `issue.updated`, which notifies nobody (see `notifyDecision`).
 */
export function buildAlert(event: IssueEventV1, context: MonitorContext, deliveryId: string, appUrl: string): Alert {
  if (event.kind === 'issue.updated') throw new Error('issue.updated notifies nobody: no alert is built for it');
  const kind = KIND[event.kind];
  const occurredAt = kind === 'resolved' ? (event.resolved_at ?? event.opened_at) : event.opened_at;
  return {
    kind,
    issueId: event.issue_id,
    idempotencyKey: deliveryId,
    organization: { id: event.organization_id, slug: context.organizationSlug },
    project: { id: event.project_id, slug: context.projectSlug },
    monitor: { id: event.monitor_id, slug: event.monitor_slug, name: context.monitorName ?? event.monitor_slug },
    environment: event.environment,
    status: event.status,
    slot: event.slot ?? occurredAt,
    checkinId: event.checkin_id,
    occurredAt,
    failureCount: event.failure_count,
    url: monitorUrl(appUrl, context.organizationSlug, event.monitor_slug, event.environment),
  };
}
