import { toClickHouseDateTime } from '@vigil/clickhouse';
import type { BodyEncoding, CheckinMessageV1, CheckinSignal, CheckinSource, MonitorEventKind, MonitorEventV1, RunMatch } from '@vigil/contracts';
import type { ResolvedSignal } from '@vigil/runs';

/** A row of the ClickHouse `checkins` table (libs/clickhouse/migrations/0001, 0002, 0005, 0006, 0009). */
export interface CheckinRow extends Record<string, unknown> {
  event_id: string;
  checkin_id: string;
  organization_id: string;
  project_id: number;
  monitor_id: string;
  monitor_slug: string;
  environment: string;
  status: CheckinSignal | MonitorEventKind;
  duration_ms: number | null;
  received_at: string;
  received_at_ms: number;
  release: string;
  trace_id: string;
  source: CheckinSource | 'scheduler';
  exit_status: number | null;
  body: string;
  /** `base64` when the posted bytes were not UTF-8 (`body` then holds their base64). */
  body_encoding: BodyEncoding;
  remote_addr: string;
  user_agent: string;
  /** Whether the client named the run (migration 0005); a scheduler outcome names its run. */
  run_match: RunMatch;
}

/** A check-in as history stores it: under the run it was resolved to, with the run's duration. */
export function rowFromCheckin(message: CheckinMessageV1, resolved: ResolvedSignal): CheckinRow {
  return {
    event_id: message.event_id,
    checkin_id: resolved.checkinId,
    organization_id: message.organization_id,
    project_id: message.project_id,
    monitor_id: message.monitor_id,
    monitor_slug: message.monitor_slug,
    environment: message.environment,
    status: message.status,
    duration_ms: resolved.durationMs,
    received_at: toClickHouseDateTime(message.received_at),
    received_at_ms: message.received_at,
    release: message.release ?? '',
    trace_id: message.trace_id ?? '',
    source: message.source,
    exit_status: message.exit_status,
    body: message.body ?? '',
    body_encoding: message.body_encoding ?? 'utf8',
    remote_addr: message.remote_addr ?? '',
    user_agent: message.user_agent ?? '',
    run_match: message.run_match,
  };
}

/**
 * A missed, unknown or timed-out run is history like any other check-in: a miss and an unknown (a miss while
 * Vigil's own pipeline was down, decision 0023) dated at their slot, a timeout when it was detected.
 */
export function rowFromMonitorEvent(event: MonitorEventV1): CheckinRow {
  const at = event.kind === 'timeout' ? event.emitted_at : event.slot;
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
    received_at: toClickHouseDateTime(at),
    received_at_ms: at,
    release: '',
    trace_id: '',
    source: 'scheduler',
    exit_status: null,
    body: '',
    body_encoding: 'utf8',
    remote_addr: '',
    user_agent: '',
    run_match: 'exact',
  };
}
