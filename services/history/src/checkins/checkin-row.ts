import { toClickHouseDateTime } from '@vigil/clickhouse';
import type { CheckinMessageV1, MonitorEventV1 } from '@vigil/contracts';

/** A row of the ClickHouse `checkins` table (libs/clickhouse/migrations/0001_checkins.sql). */
export interface CheckinRow extends Record<string, unknown> {
  event_id: string;
  checkin_id: string;
  organization_id: string;
  project_id: number;
  monitor_id: string;
  monitor_slug: string;
  environment: string;
  status: 'in_progress' | 'ok' | 'error' | 'missed' | 'timeout';
  duration_ms: number | null;
  received_at: string;
  received_at_ms: number;
  release: string;
  trace_id: string;
  source: 'sentry_envelope' | 'sentry_cron' | 'ping' | 'scheduler';
}

export function rowFromCheckin(message: CheckinMessageV1): CheckinRow {
  return {
    event_id: message.event_id,
    checkin_id: message.checkin_id,
    organization_id: message.organization_id,
    project_id: message.project_id,
    monitor_id: message.monitor_id,
    monitor_slug: message.monitor_slug,
    environment: message.environment,
    status: message.status,
    duration_ms: message.duration_ms,
    received_at: toClickHouseDateTime(message.received_at),
    received_at_ms: message.received_at,
    release: message.release ?? '',
    trace_id: message.trace_id ?? '',
    source: message.source,
  };
}

/** A missed or timed-out run is history like any other check-in, dated at its slot. */
export function rowFromMonitorEvent(event: MonitorEventV1): CheckinRow {
  return {
    event_id: event.event_id,
    checkin_id: event.checkin_id,
    organization_id: event.organization_id,
    project_id: event.project_id,
    monitor_id: event.monitor_id,
    monitor_slug: event.monitor_slug,
    environment: event.environment,
    status: event.kind,
    duration_ms: null,
    received_at: toClickHouseDateTime(event.kind === 'missed' ? event.slot : event.emitted_at),
    received_at_ms: event.kind === 'missed' ? event.slot : event.emitted_at,
    release: '',
    trace_id: '',
    source: 'scheduler',
  };
}
