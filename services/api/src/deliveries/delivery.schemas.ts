import { ATTEMPT_RECORD_OUTCOMES, DELIVERY_KINDS, DELIVERY_STATUSES } from '@vigil/db';
import { INTEGRATION_TYPES } from '@vigil/integrations';
import { ISO_DATE_TIME, UUID, arrayOf, nullable, objectOf, type JsonSchema } from '../common/openapi/json-schema';

const ATTEMPT: JsonSchema = objectOf(
  {
    attempt: { type: 'integer', minimum: 1 },
    outcome: nullable({ type: 'string', enum: [...ATTEMPT_RECORD_OUTCOMES] }),
    statusCode: nullable({ type: 'integer' }),
    errorCode: nullable({ type: 'string' }),
    error: nullable({ type: 'string' }),
    durationMs: nullable({ type: 'integer', minimum: 0 }),
    target: nullable({ type: 'string', description: "The URL's origin, or a count of recipients: never a credential." }),
    response: nullable({ type: 'string', description: 'The start of the response body.' }),
    dateStarted: ISO_DATE_TIME,
    dateFinished: nullable(ISO_DATE_TIME),
  },
  ['attempt', 'outcome', 'statusCode', 'errorCode', 'error', 'durationMs', 'target', 'response', 'dateStarted', 'dateFinished'],
);

export const DELIVERY: JsonSchema = objectOf(
  {
    id: UUID,
    kind: { type: 'string', enum: [...DELIVERY_KINDS] },
    status: { type: 'string', enum: [...DELIVERY_STATUSES] },
    issueId: nullable(UUID),
    eventId: nullable(UUID),
    integration: objectOf({ id: UUID, name: { type: 'string' }, type: { type: 'string', enum: [...INTEGRATION_TYPES] } }, ['id', 'name', 'type']),
    monitor: objectOf({ id: { type: 'string' }, slug: { type: 'string' }, name: { type: 'string' } }, ['id', 'slug', 'name']),
    environment: { type: 'string' },
    attemptCount: { type: 'integer', minimum: 0 },
    nextAttemptAt: nullable(ISO_DATE_TIME),
    deadReason: nullable({ type: 'string' }),
    dateCreated: ISO_DATE_TIME,
    dateUpdated: ISO_DATE_TIME,
    attempts: arrayOf(ATTEMPT),
  },
  [
    'id',
    'kind',
    'status',
    'issueId',
    'eventId',
    'integration',
    'monitor',
    'environment',
    'attemptCount',
    'nextAttemptAt',
    'deadReason',
    'dateCreated',
    'dateUpdated',
    'attempts',
  ],
);
