import { UUID_PATTERN, type TopicSchema } from '../formats';

/** The channels an integration delivers through. The integration config of each is in `@vigil/integrations`. */
export const INTEGRATION_TYPES = ['email', 'slack', 'pagerduty', 'webhook'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

/** The issue transitions the notifier delivers (`issue.updated` notifies nobody). */
export const NOTIFIED_ISSUE_EVENT_KINDS = ['issue.opened', 'issue.resolved'] as const;
export type NotifiedIssueEventKind = (typeof NOTIFIED_ISSUE_EVENT_KINDS)[number];

/**
 * - `permanent`: the receiver refused in a way retrying cannot change (4xx other than 408/429, SMTP 5xx, a
 *   refused address, email not set up);
 * - `exhausted`: the last allowed attempt (`VIGIL_NOTIFIER_MAX_ATTEMPTS`) failed too.
 */
export const DEAD_LETTER_REASONS = ['permanent', 'exhausted'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/**
 * An alert the notifier gave up on: one issue transition that one integration never accepted. Written once the
 * delivery is final, keyed by integration id (one receiver's outage stays in order on one partition). The
 * delivery and every attempt stay in Postgres (`deliveries`, `delivery_attempts`) and in the API; this record
 * is for operators' alerting and replay tools. It carries no credential and no alert text.
 */
export interface NotificationDeadLetterV1 {
  version: 1;
  /** The delivery (Postgres `deliveries.id`), also the `Vigil-Delivery` the receiver saw. */
  delivery_id: string;
  /** `<event_id>:<integration_id>`: unique per issue transition and integration. */
  idempotency_key: string;
  /** The `vigil.issues.v1` event that asked for the alert. */
  event_id: string;
  kind: NotifiedIssueEventKind;
  issue_id: string;
  organization_id: string;
  project_id: number;
  monitor_id: string;
  environment: string;
  integration_id: string;
  integration_type: IntegrationType;
  reason: DeadLetterReason;
  /** Attempts made, the last included. */
  attempts: number;
  /** The last attempt's HTTP status or SMTP reply code, or null when the receiver never answered. */
  last_status_code: number | null;
  /** The last attempt's machine-readable failure (`http_status`, `timeout`, `connection_reset`, ...). */
  last_error_code: string | null;
  /** The last attempt's failure for people (never a URL path, secret or routing key). */
  last_error: string | null;
  /** When the delivery was created and when it was given up, epoch milliseconds. */
  created_at: number;
  dead_at: number;
}

export const notificationDeadLetterV1Schema: TopicSchema<NotificationDeadLetterV1> = {
  $id: 'vigil.notifications-dead-letter.v1',
  type: 'object',
  additionalProperties: false,
  required: [
    'version',
    'delivery_id',
    'idempotency_key',
    'event_id',
    'kind',
    'issue_id',
    'organization_id',
    'project_id',
    'monitor_id',
    'environment',
    'integration_id',
    'integration_type',
    'reason',
    'attempts',
    'last_status_code',
    'last_error_code',
    'last_error',
    'created_at',
    'dead_at',
  ],
  properties: {
    version: { type: 'integer', const: 1 },
    delivery_id: { type: 'string', pattern: UUID_PATTERN },
    idempotency_key: { type: 'string', minLength: 1, maxLength: 400 },
    event_id: { type: 'string', minLength: 1, maxLength: 300 },
    kind: { type: 'string', enum: [...NOTIFIED_ISSUE_EVENT_KINDS] },
    issue_id: { type: 'string', pattern: UUID_PATTERN },
    organization_id: { type: 'string', pattern: UUID_PATTERN },
    project_id: { type: 'integer', minimum: 1 },
    monitor_id: { type: 'string', pattern: UUID_PATTERN },
    environment: { type: 'string', minLength: 1, maxLength: 64 },
    integration_id: { type: 'string', pattern: UUID_PATTERN },
    integration_type: { type: 'string', enum: [...INTEGRATION_TYPES] },
    reason: { type: 'string', enum: [...DEAD_LETTER_REASONS] },
    attempts: { type: 'integer', minimum: 1 },
    last_status_code: { type: ['integer', 'null'], minimum: 0 },
    last_error_code: { type: ['string', 'null'], maxLength: 64 },
    last_error: { type: ['string', 'null'], maxLength: 1024 },
    created_at: { type: 'integer', minimum: 0 },
    dead_at: { type: 'integer', minimum: 0 },
  },
};

export const notificationDeadLetterV1Example: NotificationDeadLetterV1 = {
  version: 1,
  delivery_id: '0f1e2d3c-4b5a-5968-8776-5a4b3c2d1e0f',
  idempotency_key:
    '3f6b8d0e-2a4c-4e6f-8a0b-2c4e6f8a0b2c:issue.opened:5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b:production:1795000020000:missed:6d4c2b1a-0f9e-4d8c-8b7a-6f5e4d3c2b1a',
  event_id: '3f6b8d0e-2a4c-4e6f-8a0b-2c4e6f8a0b2c:issue.opened:5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b:production:1795000020000:missed',
  kind: 'issue.opened',
  issue_id: '3f6b8d0e-2a4c-4e6f-8a0b-2c4e6f8a0b2c',
  organization_id: '2d1f4b8e-7c6a-4f3e-9b2d-1a0c9e8f7d6c',
  project_id: 1,
  monitor_id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b',
  environment: 'production',
  integration_id: '6d4c2b1a-0f9e-4d8c-8b7a-6f5e4d3c2b1a',
  integration_type: 'webhook',
  reason: 'exhausted',
  attempts: 5,
  last_status_code: 503,
  last_error_code: 'http_status',
  last_error: 'HTTP 503',
  created_at: 1795000080000,
  dead_at: 1795000512000,
};
