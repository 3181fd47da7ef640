import { UUID_PATTERN, type TopicSchema } from '../formats';

/**
 * `ok` and `error` a check-in reported; `missed` and `timeout` the scheduler detected; `unknown` a miss whose window
 * overlapped an outage of Vigil's own pipeline (decision 0023): neither a failure nor a success, so it counts toward
 * no issue threshold and breaks no streak.
 */
export const RUN_RESULT_KINDS = ['ok', 'error', 'missed', 'timeout', 'unknown'] as const;
export type RunResultKind = (typeof RUN_RESULT_KINDS)[number];

/**
 * Every finished run of a monitor-environment as the scheduler judged it, in the order it judged them: results
 * check-ins reported (`ok`, `error`) and outcomes it detected (`missed`, `timeout`, `unknown`) in one stream, keyed by
 * monitor-environment, so a consumer counting consecutive failures and recoveries (the issues service) sees
 * them in the right order without merging two topics. Not included: starts and logs, a result closing a run
 * that had already timed out (the timeout stands), and anything of a paused or disabled monitor.
 */
export interface RunResultV1 {
  version: 1;
  /** Deterministic: the check-in's `event_id`, or the monitor event's `event_id` for a miss, timeout or unknown. */
  event_id: string;
  kind: RunResultKind;
  organization_id: string;
  project_id: number;
  monitor_id: string;
  monitor_slug: string;
  environment: string;
  /** The run: the check-in id, the timed-out run's id, or the id minted for a miss (or an unknown). */
  checkin_id: string;
  /** The expected run time it counts for (the slot a check-in was credited at, a miss's slot), or null. */
  slot: number | null;
  /** Event time: the check-in's received_at, or the pulse time the outcome was detected at. */
  at: number;
}

export const runResultV1Schema: TopicSchema<RunResultV1> = {
  $id: 'vigil.run-results.v1',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'event_id', 'kind', 'organization_id', 'project_id', 'monitor_id', 'monitor_slug', 'environment', 'checkin_id', 'slot', 'at'],
  properties: {
    version: { type: 'integer', const: 1 },
    event_id: { type: 'string', minLength: 1, maxLength: 200 },
    kind: { type: 'string', enum: [...RUN_RESULT_KINDS] },
    organization_id: { type: 'string', pattern: UUID_PATTERN },
    project_id: { type: 'integer', minimum: 1 },
    monitor_id: { type: 'string', pattern: UUID_PATTERN },
    monitor_slug: { type: 'string', minLength: 1, maxLength: 50 },
    environment: { type: 'string', minLength: 1, maxLength: 64 },
    checkin_id: { type: 'string', pattern: UUID_PATTERN },
    slot: { type: ['integer', 'null'], minimum: 0 },
    at: { type: 'integer', minimum: 0 },
  },
};

export const runResultV1Example: RunResultV1 = {
  version: 1,
  event_id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b:production:1795000020000:missed',
  kind: 'missed',
  organization_id: '2d1f4b8e-7c6a-4f3e-9b2d-1a0c9e8f7d6c',
  project_id: 1,
  monitor_id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b',
  monitor_slug: 'nightly-backup',
  environment: 'production',
  checkin_id: '9c1e3b5a-7c9e-4b3d-8f7a-9c1e3b5a7c9e',
  slot: 1795000020000,
  at: 1795000080000,
};
