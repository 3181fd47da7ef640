import { FAILURE_KINDS, ISSUE_STATUSES } from '@vigil/db';
import { NO_NUL_PATTERN } from '../common/postgres-text';
import { ID_STRING, ISO_DATE_TIME, UUID, arrayOf, nullable, objectOf, type JsonSchema } from '../common/openapi/json-schema';

/** A run of the issue's monitor-environment, folded from its check-ins in history. */
export const ISSUE_CHECKIN: JsonSchema = objectOf(
  {
    id: UUID,
    status: { type: 'string', enum: ['in_progress', 'ok', 'error', 'missed', 'timeout'], description: 'For a failure: what made the run one.' },
    duration: nullable({ type: 'integer', minimum: 0, description: 'Milliseconds.' }),
    dateCreated: ISO_DATE_TIME,
    dateUpdated: ISO_DATE_TIME,
  },
  ['id', 'status', 'duration', 'dateCreated', 'dateUpdated'],
);

const ISSUE_PROPERTIES: Record<string, JsonSchema> = {
  id: UUID,
  status: { type: 'string', enum: [...ISSUE_STATUSES] },
  project: objectOf({ id: ID_STRING, slug: { type: 'string' } }, ['id', 'slug']),
  monitor: objectOf({ id: UUID, slug: { type: 'string' }, name: { type: 'string' } }, ['id', 'slug', 'name']),
  environment: { type: 'string' },
  failureCount: { type: 'integer', minimum: 1, description: 'The consecutive failures that opened it plus every failure while it was open.' },
  openingStatus: { type: 'string', enum: [...FAILURE_KINDS], description: 'What the run that reached the failure threshold was.' },
  openingCheckInId: UUID,
  resolvingCheckInId: nullable({ ...UUID, description: 'The `ok` run that reached the recovery threshold.' }),
  dateOpened: { ...ISO_DATE_TIME, description: 'Event time of the result that opened it.' },
  dateLastFailure: ISO_DATE_TIME,
  dateResolved: nullable(ISO_DATE_TIME),
};
const ISSUE_REQUIRED = Object.keys(ISSUE_PROPERTIES);

/** An issue as lists show it. */
export const ISSUE: JsonSchema = objectOf(ISSUE_PROPERTIES, ISSUE_REQUIRED);

/** One issue with its runs: the opening and resolving ones, and every failure it counted, oldest first. */
export const ISSUE_DETAIL: JsonSchema = objectOf(
  {
    ...ISSUE_PROPERTIES,
    checkIns: objectOf(
      {
        opening: nullable({ ...ISSUE_CHECKIN, description: 'Null when history no longer holds the run.' }),
        resolving: nullable(ISSUE_CHECKIN),
        failures: arrayOf(ISSUE_CHECKIN, 'The failed runs the issue counted (`failureCount` of them while history holds them), in the order they began.'),
      },
      ['opening', 'resolving', 'failures'],
    ),
  },
  [...ISSUE_REQUIRED, 'checkIns'],
);

export const ISSUE_LIST_QUERY = {
  status: { description: 'Only open or only resolved issues.', schema: { type: 'string', enum: [...ISSUE_STATUSES] } as JsonSchema },
  project: {
    description: 'Only issues of this project (slug or numeric id).',
    schema: { type: 'string', minLength: 1, maxLength: 50, pattern: NO_NUL_PATTERN } as JsonSchema,
  },
  monitor: {
    description: 'Only issues of monitors with this slug.',
    schema: { type: 'string', minLength: 1, maxLength: 50, pattern: NO_NUL_PATTERN } as JsonSchema,
  },
  environment: {
    description: 'Only issues of this environment.',
    schema: { type: 'string', minLength: 1, maxLength: 64, pattern: NO_NUL_PATTERN } as JsonSchema,
  },
};
