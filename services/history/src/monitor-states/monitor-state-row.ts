import { toClickHouseDateTime } from '@vigil/clickhouse';
import type { MonitorStateV1, TrackState } from '@vigil/contracts';

/** A row of the ClickHouse `monitor_states` table (libs/clickhouse/migrations/0004). */
export interface MonitorStateRow extends Record<string, unknown> {
  event_id: string;
  organization_id: string;
  project_id: number;
  monitor_id: string;
  monitor_slug: string;
  environment: string;
  from_state: TrackState;
  to_state: TrackState;
  at: string;
  at_ms: number;
}

/** A state change as history keeps it, dated at the event time of the input that caused it. */
export function rowFromMonitorState(change: MonitorStateV1): MonitorStateRow {
  return {
    event_id: change.event_id,
    organization_id: change.organization_id,
    project_id: change.project_id,
    monitor_id: change.monitor_id,
    monitor_slug: change.monitor_slug,
    environment: change.environment,
    from_state: change.from,
    to_state: change.to,
    at: toClickHouseDateTime(change.at),
    at_ms: change.at,
  };
}
