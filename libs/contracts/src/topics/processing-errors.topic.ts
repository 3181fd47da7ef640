import { UUID_PATTERN, type TopicSchema } from '../formats';
import { CHECKIN_SOURCES, type CheckinSource } from './checkins.topic';

/**
 * Processing errors about check-ins that were accepted but not applied as sent, one definition each (named as
 * Sentry's `ProcessingErrorType`s where Sentry has one). Check-ins refused at the edge carry their refusal's
 * error code instead (`invalid_checkin`, `unknown_monitor`, `rate_limited`, ...).
 */
export const PROCESSING_ERROR_TYPES = {
  /** A close (`ok`/`error`) for a run that already finished: ignored, the first close stands. Recorded by history. */
  checkin_finished: 'the check-in closes a run that already finished; the first close stands',
  /** A close naming a run that was opened in another environment: dropped, not a run of its own. Recorded by history. */
  checkin_environment_mismatch: 'the check-in closes a run that was opened in another environment',
  /** A check-in to a disabled monitor: dropped. Recorded by ingest. */
  monitor_disabled: 'the monitor is disabled; its check-ins are dropped',
  /** An invalid `monitor_config` for an existing monitor: the check-in is kept under the current config. Recorded by ingest. */
  invalid_monitor_config: 'monitor_config is invalid',
  /** A `monitor_config` value past Sentry's limits: stored at the limit. Recorded by ingest. */
  monitor_config_clamped: 'a monitor_config value is out of range and was stored at the limit',
} as const;
export type ProcessingErrorType = keyof typeof PROCESSING_ERROR_TYPES;

/** One rule a rejected check-in broke: the machine-readable code, the field, and a sentence for people. */
export interface ProcessingErrorDetail {
  code: string;
  field: string | null;
  message: string;
}

/**
 * A check-in that ingest rejected where the client never reads the answer (SDK envelopes), or dropped by a
 * rate limit: recorded so the API can show users why a check-in is missing. Keyed by project id.
 */
export interface ProcessingErrorV1 {
  version: 1;
  error_id: string;
  organization_id: string;
  project_id: number;
  /** The slug as the client sent it (it may be the invalid part), or null if there was none. */
  monitor_slug: string | null;
  environment: string | null;
  source: CheckinSource;
  errors: ProcessingErrorDetail[];
  /** The check-in as received, cut to 16 KiB, or null if it could not be read at all. */
  payload: string | null;
  received_at: number;
}

export const processingErrorV1Schema: TopicSchema<ProcessingErrorV1> = {
  $id: 'vigil.processing-errors.v1',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'error_id', 'organization_id', 'project_id', 'monitor_slug', 'environment', 'source', 'errors', 'payload', 'received_at'],
  properties: {
    version: { type: 'integer', const: 1 },
    error_id: { type: 'string', pattern: UUID_PATTERN },
    organization_id: { type: 'string', pattern: UUID_PATTERN },
    project_id: { type: 'integer', minimum: 1 },
    monitor_slug: { type: 'string', maxLength: 256, nullable: true },
    environment: { type: 'string', maxLength: 256, nullable: true },
    source: { type: 'string', enum: [...CHECKIN_SOURCES] },
    errors: {
      type: 'array',
      minItems: 1,
      maxItems: 16,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'field', 'message'],
        properties: {
          code: { type: 'string', minLength: 1, maxLength: 64 },
          field: { type: 'string', maxLength: 128, nullable: true },
          message: { type: 'string', minLength: 1, maxLength: 1024 },
        },
      },
    },
    payload: { type: 'string', maxLength: 16384, nullable: true },
    received_at: { type: 'integer', minimum: 0 },
  },
};

export const processingErrorV1Example: ProcessingErrorV1 = {
  version: 1,
  error_id: '9c1f6a2e-4b7d-4e8a-b1c3-5d7e9f1a3b5c',
  organization_id: '2d1f4b8e-7c6a-4f3e-9b2d-1a0c9e8f7d6c',
  project_id: 1,
  monitor_slug: 'nightly-backup',
  environment: 'production',
  source: 'sentry_envelope',
  errors: [{ code: 'invalid_monitor_config', field: 'monitor_config.schedule', message: 'monitor_config.schedule "61 * * * *" is not a valid crontab' }],
  payload: '{"monitor_slug":"nightly-backup","status":"ok","monitor_config":{"schedule":{"type":"crontab","value":"61 * * * *"}}}',
  received_at: 1795000000000,
};
