import { describeTransition, isoUtc, truncate, type Alert } from './alert';
import type { PagerDutyIntegrationConfig, PagerDutySeverity } from './integration-config';

/** Where Events API v2 events are sent (the integration key in the body picks the service). */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
export const PAGERDUTY_SUMMARY_MAX = 1024;

export interface PagerDutyTriggerEvent {
  routing_key: string;
  event_action: 'trigger';
  dedup_key: string;
  payload: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp: string;
    component: string;
    group: string;
    class: string;
    custom_details: Record<string, string | number>;
  };
  links: Array<{ href: string; text: string }>;
  client: string;
  client_url: string;
}

/** A resolve needs only the key of the alert it closes; PagerDuty ignores a payload on resolve. */
export interface PagerDutyResolveEvent {
  routing_key: string;
  event_action: 'resolve';
  dedup_key: string;
}

export type PagerDutyEvent = PagerDutyTriggerEvent | PagerDutyResolveEvent;

/**
 * The PagerDuty alert of an issue: `vigil-issue-<issue id>`. Open and resolve of one issue carry the same
 * key, so PagerDuty groups the trigger and its retries into one alert and the resolve closes that alert.
 * A test notification gets its own key per click (`vigil-test-<idempotency key>`), so it never touches a
 * real incident.
 */
export function pagerDutyDedupKey(alert: Alert): string {
  return alert.kind === 'test' ? `vigil-test-${alert.idempotencyKey}` : `vigil-issue-${alert.issueId}`;
}

/**
 * The Events API v2 body: `trigger` when an issue opens (and for a test), `resolve` when it resolves.
 * Rules: the summary is at most 1024 characters (cut with `…`); `source` names the monitor-environment
 * (`<org>/<project>/<monitor>@<environment>`), `component` the monitor, `group` the project, `class` the
 * failure; `timestamp` is the transition time; `custom_details` carries the ids a responder needs.
 */
export function buildPagerDutyEvent(alert: Alert, config: PagerDutyIntegrationConfig): PagerDutyEvent {
  const dedup_key = pagerDutyDedupKey(alert);
  if (alert.kind === 'resolved') return { routing_key: config.routing_key, event_action: 'resolve', dedup_key };
  const prefix = alert.kind === 'test' ? '[Vigil test] ' : '[Vigil] ';
  const summary = `${prefix}${alert.monitor.name} (${alert.environment}) ${describeTransition(alert)}: expected at ${isoUtc(alert.slot)}, ${alert.failureCount} consecutive failure${alert.failureCount === 1 ? '' : 's'}`;
  return {
    routing_key: config.routing_key,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: truncate(summary, PAGERDUTY_SUMMARY_MAX),
      source: `${alert.organization.slug}/${alert.project.slug}/${alert.monitor.slug}@${alert.environment}`,
      severity: alert.kind === 'test' ? 'info' : config.severity,
      timestamp: new Date(alert.occurredAt).toISOString(),
      component: alert.monitor.slug,
      group: alert.project.slug,
      class: alert.kind === 'test' ? 'test' : alert.status,
      custom_details: {
        monitor: alert.monitor.name,
        monitor_id: alert.monitor.id,
        environment: alert.environment,
        status: alert.status,
        expected_at: isoUtc(alert.slot),
        checkin_id: alert.checkinId,
        failure_count: alert.failureCount,
        issue_id: alert.issueId,
        organization: alert.organization.slug,
        project: alert.project.slug,
      },
    },
    links: [{ href: alert.url, text: 'View monitor in Vigil' }],
    client: 'Vigil',
    client_url: alert.url,
  };
}
