import { toClickHouseDateTime } from '@vigil/clickhouse';
import type { MonitorStateV1, TrackState } from '@vigil/contracts';

/** A row of the ClickHouse `monitor_states` table (libs/clickhouse/migrations/0004). */
export interface MonitorStateRow extends Record<string, unknown> {
  event_id: string;
  organization_id: string;
  project_id: number;
  monitor_id: string;
  environment: string;
  from_state: TrackState;
  to_state: TrackState;
  at: string;
  at_ms: number;
  kafka_offset: string;
}

/**
 * A state change as history stores it. The Kafka offset orders changes of one track that share an event time
 * (a track is one partition, and the scheduler publishes its changes in the order they happened).
 */
export function rowFromMonitorState(message: MonitorStateV1, offset: string): MonitorStateRow {
  return {
    event_id: message.event_id,
    organization_id: message.organization_id,
    project_id: message.project_id,
    monitor_id: message.monitor_id,
    environment: message.environment,
    from_state: message.from,
    to_state: message.to,
    at: toClickHouseDateTime(message.at),
    at_ms: message.at,
    kafka_offset: offset,
  };
}
