import { INTERVAL_UNITS, MONITOR_CONFIG_LIMITS as LIMITS, MONITOR_STATUSES, SCHEDULE_TYPES } from '@vigil/db';
import { CURSOR_QUERY } from '../common/pagination/pagination.schemas';
import { PER_PAGE_QUERY } from '../common/openapi/common-params';
import { ID_STRING, ISO_DATE_TIME, UUID, arrayOf, nullable, objectOf, type JsonSchema } from '../common/openapi/json-schema';
import { ISO_TIMESTAMP_PATTERN, STATS_PERIOD_PATTERN } from '../common/time-range';
import { NO_NUL_PATTERN as TEXT } from '../common/postgres-text';
import { SLUG_MAX, SLUG_PATTERN } from '../common/slug';

/** An environment name, as ingest accepts it from SDKs (and without NUL, which Postgres cannot store). */
export const ENVIRONMENT: JsonSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[^/\\r\\n\\f\\t\\u0000]+$' };

const STATUS: JsonSchema = {
  type: 'string',
  enum: [...MONITOR_STATUSES],
  description: '`active` is watched; `paused` raises nothing and resumes as new; `disabled` is not watched at all (Sentry\'s disabled).',
};

/** A monitor in the shape of Sentry's organization monitors API (`presentMonitor`). */
export const MONITOR: JsonSchema = objectOf(
  {
    id: UUID,
    slug: { type: 'string' },
    name: { type: 'string' },
    status: STATUS,
    isMuted: { type: 'boolean', description: 'A muted monitor records its issues but notifies nobody.' },
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
    environments: arrayOf(
      objectOf(
        {
          name: { type: 'string' },
          isMuted: { type: 'boolean', description: 'A muted environment records its issues but notifies nobody.' },
          lastCheckIn: nullable({ ...ISO_DATE_TIME, description: 'When the latest check-in of the environment arrived; null for one muted before any.' }),
        },
        ['name', 'isMuted', 'lastCheckIn'],
      ),
      'The environments the monitor has checked in from, and those muted before they did.',
    ),
    dateCreated: ISO_DATE_TIME,
  },
  ['id', 'slug', 'name', 'status', 'isMuted', 'project', 'owner', 'config', 'environments', 'dateCreated'],
);

const INTERVAL_VALUE: JsonSchema = { type: 'integer', minimum: 1, maximum: LIMITS.intervalMax };
const INTERVAL_UNIT: JsonSchema = { type: 'string', enum: [...INTERVAL_UNITS] };
const CRONTAB: JsonSchema = { type: 'string', minLength: 1, maxLength: LIMITS.crontabMaxLength };

/** A schedule in any of the forms Sentry takes: its API's string and pair, and the SDKs' object. */
const SCHEDULE_INPUT: JsonSchema = {
  description: 'A crontab expression (five fields, or @daily-style), [value, unit] for an interval, or {"type", "value", "unit"} as the SDKs send it.',
  oneOf: [
    CRONTAB,
    { type: 'array', items: { oneOf: [INTERVAL_VALUE, INTERVAL_UNIT] }, minItems: 2, maxItems: 2 },
    objectOf({ type: { type: 'string', enum: [...SCHEDULE_TYPES] }, value: { oneOf: [CRONTAB, INTERVAL_VALUE] }, unit: INTERVAL_UNIT }, ['type', 'value']),
  ],
};

const MINUTES = (max: number, what: string): JsonSchema => nullable({ type: 'integer', minimum: 1, maximum: max, description: `${what}, in minutes (1 to ${max}).` });
const THRESHOLD = (what: string): JsonSchema => nullable({ type: 'integer', minimum: 1, maximum: LIMITS.thresholdMax, description: `${what} (1 to ${LIMITS.thresholdMax}; null: 1).` });

const CONFIG_FIELDS: Record<string, JsonSchema> = {
  schedule_type: { type: 'string', enum: [...SCHEDULE_TYPES], description: 'Optional: the form of `schedule` says it.' },
  schedule: SCHEDULE_INPUT,
  checkin_margin: MINUTES(LIMITS.marginMax, 'How late a check-in may be before the run counts as missed'),
  max_runtime: MINUTES(LIMITS.runtimeMax, 'How long a run may stay in progress before it counts as timed out'),
  timezone: nullable({ type: 'string', minLength: 1, maxLength: LIMITS.timezoneMaxLength, pattern: TEXT, description: 'The IANA zone a crontab runs in (null: UTC).' }),
  failure_issue_threshold: THRESHOLD('Consecutive failures that open an issue'),
  recovery_threshold: THRESHOLD('Consecutive successes that resolve it'),
};

const MUTED: JsonSchema = { type: 'boolean', description: 'Mute the monitor: its issues are recorded, nobody is notified. `is_muted` and `isMuted` are the same field.' };

const MONITOR_FIELDS: Record<string, JsonSchema> = {
  project: { oneOf: [{ type: 'string', minLength: 1, maxLength: 64, pattern: TEXT }, { type: 'integer', minimum: 1 }], description: 'The slug or id of the monitor\'s project.' },
  name: { type: 'string', minLength: 1, maxLength: 128, pattern: TEXT },
  slug: { type: 'string', minLength: 1, maxLength: SLUG_MAX, pattern: SLUG_PATTERN, description: 'Lower-case letters, digits, - and _, not only digits; made from the name when left out. Unique in the organization.' },
  status: STATUS,
  owner: nullable({ type: 'string', minLength: 1, maxLength: LIMITS.ownerMaxLength, pattern: TEXT, description: 'Who owns the monitor, as Sentry writes it (`user:<id>`, `team:<slug>`); free text.' }),
  is_muted: MUTED,
  isMuted: MUTED,
};

export const MONITOR_CREATE: JsonSchema = objectOf({ ...MONITOR_FIELDS, config: objectOf(CONFIG_FIELDS, ['schedule']) }, ['project', 'name', 'config']);

export const MONITOR_UPDATE: JsonSchema = objectOf(
  { ...MONITOR_FIELDS, config: objectOf(CONFIG_FIELDS, [], 'The config fields sent change; the others keep their values.') },
  [],
  'The fields sent change; the others keep their values.',
);

export const MONITOR_ENVIRONMENT_UPDATE: JsonSchema = objectOf(
  { is_muted: { type: 'boolean', description: 'Mute the environment: its issues are recorded, nobody is notified.' }, isMuted: { type: 'boolean', description: 'The same as `is_muted`.' } },
  [],
);

const REPEATABLE = (item: JsonSchema, description: string) => ({ description, schema: { type: 'array', items: item, maxItems: 100 } as JsonSchema });
export const MONITOR_LIST_QUERY = {
  query: { description: 'Only monitors whose name or slug contains this text (any case), or whose id it is.', schema: { type: 'string', maxLength: 200, pattern: TEXT } as JsonSchema },
  project: REPEATABLE({ type: 'string', minLength: 1, maxLength: 64, pattern: TEXT }, 'Only monitors of these projects (slugs or ids; repeat the parameter). -1: every project.'),
  environment: REPEATABLE(ENVIRONMENT, 'Only monitors that have one of these environments (repeat the parameter).'),
  owner: REPEATABLE({ type: 'string', minLength: 1, maxLength: LIMITS.ownerMaxLength, pattern: TEXT }, 'Only monitors of these owners (repeat the parameter); `unassigned`: monitors without one.'),
  ...CURSOR_QUERY,
  ...PER_PAGE_QUERY,
};

export const CHECKIN_LIST_QUERY = {
  environment: REPEATABLE(ENVIRONMENT, 'Only check-ins of these environments (repeat the parameter).'),
  statsPeriod: { description: 'Only runs started within this period before now: a number and s, m, h, d or w (`24h`, `14d`). Wins over start/end.', schema: { type: 'string', pattern: STATS_PERIOD_PATTERN } as JsonSchema },
  statsPeriodStart: { description: 'With statsPeriodEnd: a window in the past (`14d` to `7d` ago).', schema: { type: 'string', pattern: STATS_PERIOD_PATTERN } as JsonSchema },
  statsPeriodEnd: { description: 'See statsPeriodStart.', schema: { type: 'string', pattern: STATS_PERIOD_PATTERN } as JsonSchema },
  start: { description: 'With end: only runs started at or after this ISO 8601 time (UTC when it has no offset).', schema: { type: 'string', pattern: ISO_TIMESTAMP_PATTERN } as JsonSchema },
  end: { description: 'With start: only runs started at or before this time. Without any range: the last 90 days.', schema: { type: 'string', pattern: ISO_TIMESTAMP_PATTERN } as JsonSchema },
  ...CURSOR_QUERY,
  ...PER_PAGE_QUERY,
};

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
