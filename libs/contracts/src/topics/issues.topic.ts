import { UUID_PATTERN, type TopicSchema } from '../formats';
import type { RunResultKind } from './run-results.topic';

export const ISSUE_EVENT_KINDS = ['issue.opened', 'issue.updated', 'issue.resolved'] as const;
export type IssueEventKind = (typeof ISSUE_EVENT_KINDS)[number];

/**
 * The run results an issue event can carry: the failures that open and update issues and the `ok` that resolves
 * them. `unknown` (a miss while Vigil's own pipeline was down, decision 0023) is not among them: the issues
 * service ignores it, so no issue event and no alert ever comes from one.
 */
export const ISSUE_EVENT_STATUSES = ['ok', 'error', 'missed', 'timeout'] as const satisfies readonly RunResultKind[];
export type IssueEventStatus = (typeof ISSUE_EVENT_STATUSES)[number];

/**
 * A change of a monitor-environment's issue, written by the issues service: `issue.opened` when
 * `failure_issue_threshold` consecutive failures were reached, `issue.updated` for each further failure while
 * it is open, `issue.resolved` after `recovery_threshold` consecutive `ok` results. Keyed by
 * monitor-environment. The notifier delivers alerts for opened and resolved; any internal service may subscribe.
 */
export interface IssueEventV1 {
  version: 1;
  /** Deterministic per transition: `<issue_id>:<kind>:<run result event_id>`. The notifier's idempotency key. */
  event_id: string;
  kind: IssueEventKind;
  issue_id: string;
  organization_id: string;
  project_id: number;
  monitor_id: string;
  monitor_slug: string;
  environment: string;
  /** The run result that caused this event: a failure (opened, updated) or `ok` (resolved). */
  status: IssueEventStatus;
  checkin_id: string;
  slot: number | null;
  /**
   * Failures attached to this issue so far: the consecutive failures that opened it (at least the threshold),
   * plus every failure while it stayed open (an `ok` short of the recovery threshold does not reset it).
   */
  failure_count: number;
  /** When the issue opened and, for `issue.resolved`, resolved: event time, epoch milliseconds. */
  opened_at: number;
  resolved_at: number | null;
  /** The monitor or the environment is muted: the issue is recorded, nobody is notified. */
  muted: boolean;
}

export const issueEventV1Schema: TopicSchema<IssueEventV1> = {
  $id: 'vigil.issues.v1',
  type: 'object',
  additionalProperties: false,
  required: [
    'version',
    'event_id',
    'kind',
    'issue_id',
    'organization_id',
    'project_id',
    'monitor_id',
    'monitor_slug',
    'environment',
    'status',
    'checkin_id',
    'slot',
    'failure_count',
    'opened_at',
    'resolved_at',
    'muted',
  ],
  properties: {
    version: { type: 'integer', const: 1 },
    event_id: { type: 'string', minLength: 1, maxLength: 300 },
    kind: { type: 'string', enum: [...ISSUE_EVENT_KINDS] },
    issue_id: { type: 'string', pattern: UUID_PATTERN },
    organization_id: { type: 'string', pattern: UUID_PATTERN },
    project_id: { type: 'integer', minimum: 1 },
    monitor_id: { type: 'string', pattern: UUID_PATTERN },
    monitor_slug: { type: 'string', minLength: 1, maxLength: 50 },
    environment: { type: 'string', minLength: 1, maxLength: 64 },
    status: { type: 'string', enum: [...ISSUE_EVENT_STATUSES] },
    checkin_id: { type: 'string', pattern: UUID_PATTERN },
    slot: { type: ['integer', 'null'], minimum: 0 },
    failure_count: { type: 'integer', minimum: 1 },
    opened_at: { type: 'integer', minimum: 0 },
    resolved_at: { type: ['integer', 'null'], minimum: 0 },
    muted: { type: 'boolean' },
  },
};

export const issueEventV1Example: IssueEventV1 = {
  version: 1,
  event_id: '3f6b8d0e-2a4c-4e6f-8a0b-2c4e6f8a0b2c:issue.opened:5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b:production:1795000020000:missed',
  kind: 'issue.opened',
  issue_id: '3f6b8d0e-2a4c-4e6f-8a0b-2c4e6f8a0b2c',
  organization_id: '2d1f4b8e-7c6a-4f3e-9b2d-1a0c9e8f7d6c',
  project_id: 1,
  monitor_id: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b',
  monitor_slug: 'nightly-backup',
  environment: 'production',
  status: 'missed',
  checkin_id: '9c1e3b5a-7c9e-4b3d-8f7a-9c1e3b5a7c9e',
  slot: 1795000020000,
  failure_count: 1,
  opened_at: 1795000080000,
  resolved_at: null,
  muted: false,
};
