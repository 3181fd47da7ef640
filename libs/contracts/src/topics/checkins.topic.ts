import { UUID_PATTERN, type TopicSchema } from '../formats';

/** Statuses a client can send. `missed` and `timeout` are never sent by clients: the scheduler derives them. */
export const CHECKIN_STATUSES = ['in_progress', 'ok', 'error'] as const;
export type CheckinStatus = (typeof CHECKIN_STATUSES)[number];

/** Which protocol the check-in arrived through. */
export const CHECKIN_SOURCES = ['sentry_envelope', 'sentry_cron', 'ping'] as const;
export type CheckinSource = (typeof CHECKIN_SOURCES)[number];

/**
 * One accepted check-in, as ingest acknowledged it to the client.
 * Keyed by monitor-environment (see `monitorEnvironmentKey`) so one track always lands on one partition.
 */
export interface CheckinMessageV1 {
  version: 1;
  /** Unique per accepted request; a consumer that sees it twice is seeing a redelivery. */
  event_id: string;
  /** The run this signal belongs to: Sentry's check_in_id, Healthchecks' rid, or one ingest generated. */
  checkin_id: string;
  organization_id: string;
  project_id: number;
  monitor_id: string;
  monitor_slug: string;
  environment: string;
  status: CheckinStatus;
  /** Run duration in milliseconds as the client reported it, or null. */
  duration_ms: number | null;
  /** When ingest accepted it, epoch milliseconds. */
  received_at: number;
  release: string | null;
  trace_id: string | null;
  source: CheckinSource;
}

export const checkinMessageV1Schema: TopicSchema<CheckinMessageV1> = {
  $id: 'vigil.checkins.v1',
  type: 'object',
  additionalProperties: false,
  required: [
    'version', 'event_id', 'checkin_id', 'organization_id', 'project_id', 'monitor_id', 'monitor_slug',
    'environment', 'status', 'duration_ms', 'received_at', 'release', 'trace_id', 'source',
  ],
  properties: {
    version: { type: 'integer', const: 1 },
    event_id: { type: 'string', pattern: UUID_PATTERN },
    checkin_id: { type: 'string', pattern: UUID_PATTERN },
    organization_id: { type: 'string', pattern: UUID_PATTERN },
    project_id: { type: 'integer', minimum: 1 },
    monitor_id: { type: 'string', pattern: UUID_PATTERN },
    monitor_slug: { type: 'string', minLength: 1, maxLength: 50 },
    environment: { type: 'string', minLength: 1, maxLength: 64 },
    status: { type: 'string', enum: [...CHECKIN_STATUSES] },
    duration_ms: { type: 'integer', minimum: 0, nullable: true },
    received_at: { type: 'integer', minimum: 0 },
    release: { type: 'string', maxLength: 250, nullable: true },
    trace_id: { type: 'string', pattern: '^[0-9a-f]{32}$', nullable: true },
    source: { type: 'string', enum: [...CHECKIN_SOURCES] },
  },
};

export const checkinMessageV1Example: CheckinMessageV1 = {
  version: 1,
  event_id: '0f8b3c52-6a8e-4a53-9d3e-0c3f5f3c2b11',
  checkin_id: 'b7e4a6f2-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
  organization_id: '2d1f4b8e-7c6a-4f3e-9b2d-1a0c9e8f7d6c',
  project_id: 1,
  monitor_id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b',
  monitor_slug: 'nightly-backup',
  environment: 'production',
  status: 'ok',
  duration_ms: 42000,
  received_at: 1795000000000,
  release: 'backup@1.4.2',
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  source: 'sentry_envelope',
};
