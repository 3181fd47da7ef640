import { UUID_PATTERN, type TopicSchema } from '../formats';

/**
 * Outcomes the scheduler derives from the clock; clients never send these. `unknown` is a miss Vigil cannot
 * blame on the job: its window for a check-in overlapped an incident of Vigil's own pipeline (the outage guard,
 * decision 0023), so the check-in may have been sent and lost. It is recorded and shown, never alerted on.
 */
export const MONITOR_EVENT_KINDS = ['missed', 'timeout', 'unknown'] as const;
export type MonitorEventKind = (typeof MONITOR_EVENT_KINDS)[number];

/**
 * A run that did not happen (missed), did not finish within max_runtime (timeout), or did not report while Vigil
 * could not have heard it (unknown). Keyed by monitor-environment, like check-ins.
 */
export interface MonitorEventV1 {
  version: 1;
  /**
   * Deterministic, so a repeat after a restart or rebalance can be dropped: `<monitor_id>:<environment>:<slot>:missed`
   * for a miss (`...:<slot>:unknown` for an unknown one), `<monitor_id>:<environment>:<checkin_id>:timeout` for a
   * timeout (two runs of one slot can each time out).
   */
  event_id: string;
  kind: MonitorEventKind;
  organization_id: string;
  project_id: number;
  monitor_id: string;
  monitor_slug: string;
  environment: string;
  /** The expected run time (schedule slot) this outcome is about, epoch milliseconds. */
  slot: number;
  /** For a timeout, the in-progress check-in that ran too long; for a miss or unknown, a check-in id minted for it. */
  checkin_id: string;
  /** Event time of the clock pulse that produced it, epoch milliseconds. */
  emitted_at: number;
}

export const monitorEventV1Schema: TopicSchema<MonitorEventV1> = {
  $id: 'vigil.monitor-events.v1',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'event_id', 'kind', 'organization_id', 'project_id', 'monitor_id', 'monitor_slug', 'environment', 'slot', 'checkin_id', 'emitted_at'],
  properties: {
    version: { type: 'integer', const: 1 },
    event_id: { type: 'string', minLength: 1, maxLength: 200 },
    kind: { type: 'string', enum: [...MONITOR_EVENT_KINDS] },
    organization_id: { type: 'string', pattern: UUID_PATTERN },
    project_id: { type: 'integer', minimum: 1 },
    monitor_id: { type: 'string', pattern: UUID_PATTERN },
    monitor_slug: { type: 'string', minLength: 1, maxLength: 50 },
    environment: { type: 'string', minLength: 1, maxLength: 64 },
    slot: { type: 'integer', minimum: 0 },
    checkin_id: { type: 'string', pattern: UUID_PATTERN },
    emitted_at: { type: 'integer', minimum: 0 },
  },
};

export const monitorEventV1Example: MonitorEventV1 = {
  version: 1,
  event_id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b:production:1795000020000:missed',
  kind: 'missed',
  organization_id: '2d1f4b8e-7c6a-4f3e-9b2d-1a0c9e8f7d6c',
  project_id: 1,
  monitor_id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b',
  monitor_slug: 'nightly-backup',
  environment: 'production',
  slot: 1795000020000,
  checkin_id: '9c1e3b5a-7c9e-4b3d-8f7a-9c1e3b5a7c9e',
  emitted_at: 1795000080000,
};
