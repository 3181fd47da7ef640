import { UUID_PATTERN, type TopicSchema } from '../formats';
import { TRACK_STATES, type TrackState } from './scheduler-state.topic';

/**
 * A monitor-environment changed state (`new`, `ok`, `late`, `missed`, `timeout`, `error`, `paused`), as the
 * scheduler judged it in event time. Keyed by monitor-environment, so one track's changes stay in order.
 * For dashboards and internal services; issues are opened from check-ins and monitor events, not from these.
 */
export interface MonitorStateV1 {
  version: 1;
  /** Deterministic, so a repeat after a restart or rebalance can be dropped: `<monitor_id>:<environment>:<at>:<to>`. */
  event_id: string;
  organization_id: string;
  project_id: number;
  monitor_id: string;
  monitor_slug: string;
  environment: string;
  from: TrackState;
  to: TrackState;
  /** Event time of the input that caused the change (a check-in's received_at or a pulse), epoch milliseconds. */
  at: number;
}

export const monitorStateV1Schema: TopicSchema<MonitorStateV1> = {
  $id: 'vigil.monitor-states.v1',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'event_id', 'organization_id', 'project_id', 'monitor_id', 'monitor_slug', 'environment', 'from', 'to', 'at'],
  properties: {
    version: { type: 'integer', const: 1 },
    event_id: { type: 'string', minLength: 1, maxLength: 200 },
    organization_id: { type: 'string', pattern: UUID_PATTERN },
    project_id: { type: 'integer', minimum: 1 },
    monitor_id: { type: 'string', pattern: UUID_PATTERN },
    monitor_slug: { type: 'string', minLength: 1, maxLength: 50 },
    environment: { type: 'string', minLength: 1, maxLength: 64 },
    from: { type: 'string', enum: [...TRACK_STATES] },
    to: { type: 'string', enum: [...TRACK_STATES] },
    at: { type: 'integer', minimum: 0 },
  },
};

export const monitorStateV1Example: MonitorStateV1 = {
  version: 1,
  event_id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b:production:1795000080000:missed',
  organization_id: '2d1f4b8e-7c6a-4f3e-9b2d-1a0c9e8f7d6c',
  project_id: 1,
  monitor_id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b',
  monitor_slug: 'nightly-backup',
  environment: 'production',
  from: 'late',
  to: 'missed',
  at: 1795000080000,
};
