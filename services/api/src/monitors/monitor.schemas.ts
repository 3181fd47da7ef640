import { INTERVAL_UNITS, MONITOR_STATUSES, SCHEDULE_TYPES } from '@vigil/db';
import { ID_STRING, ISO_DATE_TIME, UUID, nullable, objectOf, type JsonSchema } from '../common/openapi/json-schema';

/** A monitor in the shape of Sentry's organization monitors API (`presentMonitor`). */
export const MONITOR: JsonSchema = objectOf(
  {
    id: UUID,
    slug: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', enum: [...MONITOR_STATUSES] },
    isMuted: { type: 'boolean' },
    project: objectOf({ id: ID_STRING, slug: { type: 'string' } }, ['id', 'slug']),
    owner: nullable({ type: 'string' }),
    config: objectOf(
      {
        schedule_type: { type: 'string', enum: [...SCHEDULE_TYPES] },
        schedule: {
          description: 'A crontab expression, or `[value, unit]` for an interval schedule.',
          oneOf: [{ type: 'string' }, { type: 'array', items: { oneOf: [{ type: 'integer' }, { type: 'string', enum: [...INTERVAL_UNITS] }] }, minItems: 2, maxItems: 2 }],
        },
        checkin_margin: nullable({ type: 'integer', description: 'Minutes.' }),
        max_runtime: nullable({ type: 'integer', description: 'Minutes.' }),
        timezone: { type: 'string' },
        failure_issue_threshold: { type: 'integer' },
        recovery_threshold: { type: 'integer' },
      },
      ['schedule_type', 'schedule', 'checkin_margin', 'max_runtime', 'timezone', 'failure_issue_threshold', 'recovery_threshold'],
    ),
    dateCreated: ISO_DATE_TIME,
  },
  ['id', 'slug', 'name', 'status', 'isMuted', 'project', 'owner', 'config', 'dateCreated'],
);

/** One run of a monitor, as Sentry's monitor check-ins API shows it. */
export const CHECKIN: JsonSchema = objectOf(
  {
    id: { type: 'string' },
    environment: { type: 'string' },
    status: { type: 'string', enum: ['in_progress', 'ok', 'error', 'missed', 'timeout'] },
    duration: nullable({ type: 'integer', minimum: 0, description: 'Milliseconds.' }),
    dateCreated: ISO_DATE_TIME,
    dateUpdated: ISO_DATE_TIME,
  },
  ['id', 'environment', 'status', 'duration', 'dateCreated', 'dateUpdated'],
);
