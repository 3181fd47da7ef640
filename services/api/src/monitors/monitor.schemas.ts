import { TRACK_STATES } from '@vigil/contracts';
import { INTERVAL_UNITS, MONITOR_CONFIG_LIMITS as LIMITS, MONITOR_STATUSES, SCHEDULE_TYPES } from '@vigil/db';
import { CURSOR_QUERY, LINK_HEADER } from '../common/pagination/pagination.schemas';
import { DISPLAY_STATUSES, STATE_FILTERS } from '../monitor-environments/display-status';
import { PER_PAGE_QUERY } from '../common/openapi/common-params';
import { ID_STRING, ISO_DATE_TIME, UUID, arrayOf, nullable, objectOf, type JsonSchema } from '../common/openapi/json-schema';
import { ISO_TIMESTAMP_PATTERN, STATS_PERIOD_PATTERN } from '../common/time-range';
import { NO_NUL_PATTERN as TEXT } from '../common/postgres-text';
import { SLUG_MAX, SLUG_PATTERN } from '../common/slug';
import { TAG_FILTER_LENGTH, TAG_FILTER_MAX, TAG_PATTERN } from '../common/tags';

/** An environment name, as ingest accepts it from SDKs (and without NUL, which Postgres cannot store). */
export const ENVIRONMENT: JsonSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[^/\\r\\n\\f\\t\\u0000]+$' };

const STATUS: JsonSchema = {
  type: 'string',
  enum: [...MONITOR_STATUSES],
  description: "`active` is watched; `paused` raises nothing and resumes as new; `disabled` is not watched at all (Sentry's disabled).",
};

const CONFIG: JsonSchema = objectOf(
  {
    schedule_type: { type: 'string', enum: [...SCHEDULE_TYPES] },
    schedule: {
      description: 'A crontab expression, or `[value, unit]` for an interval schedule.',
      oneOf: [
        { type: 'string' },
        { type: 'array', items: { oneOf: [{ type: 'integer' }, { type: 'string', enum: [...INTERVAL_UNITS] }] }, minItems: 2, maxItems: 2 },
      ],
    },
    checkin_margin: nullable({ type: 'integer', description: 'Minutes.' }),
    max_runtime: nullable({ type: 'integer', description: 'Minutes.' }),
    timezone: { type: 'string' },
    failure_issue_threshold: { type: 'integer' },
    recovery_threshold: { type: 'integer' },
  },
  ['schedule_type', 'schedule', 'checkin_margin', 'max_runtime', 'timezone', 'failure_issue_threshold', 'recovery_threshold'],
);

/** Sentry's monitor environment statuses, as Vigil derives them from the scheduler's state. */
export const ENVIRONMENT_STATUSES = ['active', 'disabled', 'ok', 'error', 'missed_checkin', 'timeout'] as const;

/** One environment of a monitor, in the shape of Sentry's monitor environment serializer. */
const MONITOR_ENVIRONMENT_ENTRY: JsonSchema = objectOf(
  {
    name: { type: 'string' },
    status: {
      type: 'string',
      enum: [...ENVIRONMENT_STATUSES],
      description:
        '`active` before anything counted, then the last outcome: `ok`, `error`, `missed_checkin`, `timeout`; `disabled` while the monitor is disabled or paused (Sentry has no pause).',
    },
    isMuted: { type: 'boolean', description: 'The environment is muted, itself or with its monitor (Sentry mutes every environment with its monitor).' },
    dateCreated: { ...ISO_DATE_TIME, description: 'As in Sentry: when the monitor was created.' },
    lastCheckIn: nullable({ ...ISO_DATE_TIME, description: 'When the latest run a client checked in for began; null for one muted before any.' }),
    nextCheckIn: nullable({
      ...ISO_DATE_TIME,
      description: 'The next slot expected (in the past while it is late). Null when nothing is expected: nothing counted yet, paused or disabled.',
    }),
    nextCheckInLatest: nullable({ ...ISO_DATE_TIME, description: 'When that slot is missed: nextCheckIn plus the check-in margin.' }),
    vigilState: nullable({
      type: 'string',
      enum: [...TRACK_STATES],
      description:
        "Vigil's own state of the environment (not in Sentry's serializer): the scheduler's latest judgement, with `late` (the slot passed, its margin not yet) and `paused`; null before the scheduler judged it.",
    }),
    lastCheckInStatus: nullable({
      type: 'string',
      description: "The status of the latest run (`in_progress` while it runs; not in Sentry's serializer); null before any.",
    }),
    activeIncident: nullable(
      objectOf(
        {
          startingTimestamp: ISO_DATE_TIME,
          resolvingTimestamp: nullable(ISO_DATE_TIME),
          brokenNotice: { type: 'null', description: 'Vigil does not detect broken monitors: always null.' },
        },
        ['startingTimestamp', 'resolvingTimestamp', 'brokenNotice'],
        "The issue open for the environment, as Sentry's active incident.",
      ),
    ),
  },
  ['name', 'status', 'isMuted', 'dateCreated', 'lastCheckIn', 'nextCheckIn', 'nextCheckInLatest', 'vigilState', 'lastCheckInStatus', 'activeIncident'],
);

/** An owner as Sentry's actor: a member (`user`, with its email) or a team (named by its slug). */
const OWNER_ACTOR: JsonSchema = nullable(
  objectOf(
    {
      type: { type: 'string', enum: ['user', 'team'] },
      id: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string', description: 'For a user only.' },
    },
    ['type', 'id', 'name'],
    'Who owns the monitor; null for nobody (or a member or team removed since).',
  ),
);

/** A monitor in the shape of Sentry's monitor serializer (`presentMonitor`). */
export const MONITOR: JsonSchema = objectOf(
  {
    id: UUID,
    slug: { type: 'string' },
    name: { type: 'string' },
    status: STATUS,
    type: { type: 'string', enum: ['cron_job'] },
    isMuted: { type: 'boolean', description: 'A muted monitor records its issues but notifies nobody.' },
    isUpserting: { type: 'boolean', description: 'Always false: Vigil writes a monitor and the check-in that upserts it in one transaction.' },
    project: objectOf({ id: ID_STRING, slug: { type: 'string' }, name: { type: 'string' } }, ['id', 'slug', 'name']),
    owner: OWNER_ACTOR,
    tags: arrayOf(
      { type: 'string' },
      "Vigil's own (not in Sentry's serializer): the monitor's Healthchecks tags as words, in the order written (`tags` of the Management API v3, a text of words separated by spaces); empty without tags.",
    ),
    config: CONFIG,
    environments: arrayOf(
      MONITOR_ENVIRONMENT_ENTRY,
      'The environments the monitor has checked in from, been judged in or been muted in, by name (only those asked for with `?environment=`).',
    ),
    dateCreated: ISO_DATE_TIME,
  },
  ['id', 'slug', 'name', 'status', 'type', 'isMuted', 'isUpserting', 'project', 'owner', 'tags', 'config', 'environments', 'dateCreated'],
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

// As in check-ins' monitor_config (libs/db `toMonitorConfigUpdate`): a margin of 0 is stored as 1, and any other
// value past the bounds at the bound.
const MINUTES = (max: number, what: string): JsonSchema =>
  nullable({ type: 'integer', description: `${what}, in minutes (1 to ${max}; a value past the bounds is stored at the bound).` });
const THRESHOLD = (what: string): JsonSchema =>
  nullable({ type: 'integer', minimum: 1, maximum: LIMITS.thresholdMax, description: `${what} (1 to ${LIMITS.thresholdMax}; null: 1).` });

const CONFIG_FIELDS: Record<string, JsonSchema> = {
  schedule_type: { type: 'string', enum: [...SCHEDULE_TYPES], description: 'Optional: the form of `schedule` says it.' },
  schedule: SCHEDULE_INPUT,
  checkin_margin: MINUTES(LIMITS.marginMax, 'How late a check-in may be before the run counts as missed'),
  max_runtime: MINUTES(LIMITS.runtimeMax, 'How long a run may stay in progress before it counts as timed out'),
  timezone: nullable({
    type: 'string',
    maxLength: LIMITS.timezoneMaxLength,
    pattern: TEXT,
    description: 'The IANA zone a crontab runs in (null: UTC; "": as if not sent).',
  }),
  failure_issue_threshold: THRESHOLD('Consecutive failures that open an issue'),
  recovery_threshold: THRESHOLD('Consecutive successes that resolve it'),
};

const ALERT_TARGET: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    target_identifier: {
      oneOf: [
        { type: 'string', minLength: 1, maxLength: 64, pattern: TEXT },
        { type: 'integer', minimum: 1 },
      ],
      description: 'The id of the member or team.',
    },
    targetIdentifier: {
      oneOf: [
        { type: 'string', minLength: 1, maxLength: 64, pattern: TEXT },
        { type: 'integer', minimum: 1 },
      ],
      description: 'The same as `target_identifier`.',
    },
    target_type: { type: 'string', enum: ['Member', 'Team'] },
    targetType: { type: 'string', enum: ['Member', 'Team'], description: 'The same as `target_type`.' },
  },
};

const ALERT_RULE: JsonSchema = objectOf(
  {
    targets: {
      type: 'array',
      items: ALERT_TARGET,
      maxItems: 20,
      description: "Whom to notify: members, or teams (every member). Empty: nobody by email (an update removes the monitor's email rules).",
    },
    environment: nullable({ ...ENVIRONMENT, description: 'Only issues of this environment; null or absent: every environment.' }),
  },
  ['targets'],
  "Sentry's monitor alert rule: each target becomes an email integration (the organization's to those addresses, made when missing) and an alert rule of the monitor, on open and on resolve. It replaces the monitor's email alert rules; its other rules stay.",
);

const MUTED: JsonSchema = {
  type: 'boolean',
  description: 'Mute the monitor: its issues are recorded, nobody is notified. `is_muted` and `isMuted` are the same field.',
};

const MONITOR_FIELDS: Record<string, JsonSchema> = {
  project: {
    oneOf: [
      { type: 'string', minLength: 1, maxLength: 64, pattern: TEXT },
      { type: 'integer', minimum: 1 },
    ],
    description: "The slug or id of the monitor's project.",
  },
  name: { type: 'string', minLength: 1, maxLength: 128, pattern: TEXT },
  slug: {
    type: 'string',
    minLength: 1,
    maxLength: SLUG_MAX,
    pattern: SLUG_PATTERN,
    description: 'Lower-case letters, digits, - and _, not only digits; made from the name when left out. Unique in the organization.',
  },
  status: STATUS,
  owner: nullable({
    type: 'string',
    minLength: 6,
    maxLength: LIMITS.ownerMaxLength,
    pattern: '^(user|team):[^\\u0000]+$',
    description: 'Who owns the monitor, as Sentry writes it: `user:<member id>` or `team:<team id or slug>` of the organization; null: nobody.',
  }),
  is_muted: MUTED,
  isMuted: MUTED,
  type: { type: 'string', enum: ['cron_job'], description: "Sentry's monitor type; `cron_job` is the only one." },
  alert_rule: ALERT_RULE,
  alertRule: { ...ALERT_RULE, description: 'The same as `alert_rule`.' },
};

export const MONITOR_CREATE: JsonSchema = objectOf({ ...MONITOR_FIELDS, config: objectOf(CONFIG_FIELDS, ['schedule']) }, ['project', 'name', 'config']);

export const MONITOR_UPDATE: JsonSchema = objectOf(
  { ...MONITOR_FIELDS, config: objectOf(CONFIG_FIELDS, [], 'The config fields sent change; the others keep their values.') },
  [],
  'The fields sent change; the others keep their values.',
);

export const MONITOR_ENVIRONMENT_UPDATE: JsonSchema = objectOf(
  {
    is_muted: { type: 'boolean', description: 'Mute the environment: its issues are recorded, nobody is notified.' },
    isMuted: { type: 'boolean', description: 'The same as `is_muted`.' },
  },
  [],
);

const REPEATABLE = (item: JsonSchema, description: string) => ({ description, schema: { type: 'array', items: item, maxItems: 100 } as JsonSchema });
export const MONITOR_LIST_QUERY = {
  query: {
    description: 'Only monitors whose name or slug contains this text (any case), or whose id it is.',
    schema: { type: 'string', maxLength: 200, pattern: TEXT } as JsonSchema,
  },
  project: REPEATABLE(
    { type: 'string', minLength: 1, maxLength: 64, pattern: TEXT },
    'Only monitors of these projects (slugs or ids; repeat the parameter). -1: every project.',
  ),
  environment: REPEATABLE(ENVIRONMENT, 'Only monitors that have one of these environments, showing only those in `environments` (repeat the parameter).'),
  owner: REPEATABLE(
    { type: 'string', minLength: 1, maxLength: LIMITS.ownerMaxLength, pattern: TEXT },
    'Only monitors of these owners (repeat the parameter); `unassigned`: monitors without one.',
  ),
  sort: {
    description:
      "`name` (the default): by name. `status`: failing first, as the dashboard lists them: by the monitor's worst environment status in the order " +
      `${DISPLAY_STATUSES.join(', ')} (each environment's status from \`vigilState\`, \`lastCheckInStatus\` and \`status\`: in progress while a run is open and nothing failed), then by name. ` +
      'The statuses are read for every matching monitor at once, from the last 24 hours of check-ins and the latest states; the environments of each monitor shown are read whole.',
    schema: { type: 'string', enum: ['name', 'status'] } as JsonSchema,
  },
  state: REPEATABLE(
    { type: 'string', enum: [...STATE_FILTERS] },
    'Only monitors with an environment in one of these statuses (as `sort=status` reads them; repeat the parameter); `failing`: error, timeout or missed. A monitor without environments has its own (`new`, `paused`, `disabled`). Sorts as `sort=status`.',
  ),
  // At most TAG_FILTER_MAX tags of TAG_FILTER_LENGTH characters: as many as a person filters by, and the URL stays within
  // the request line's limit (431 past it) even when every character is percent-encoded UTF-8.
  tag: {
    description:
      `Only monitors with this tag (a word of their Healthchecks tags, exact and case-sensitive); repeated, only monitors with all of them, as Healthchecks' \`?tag=\` filters checks. ` +
      `At most ${TAG_FILTER_MAX} tags of at most ${TAG_FILTER_LENGTH} characters each.`,
    schema: {
      type: 'array',
      items: { type: 'string', minLength: 1, maxLength: TAG_FILTER_LENGTH, pattern: TAG_PATTERN },
      maxItems: TAG_FILTER_MAX,
    } as JsonSchema,
  },
  ...CURSOR_QUERY,
  ...PER_PAGE_QUERY,
};

/** The monitors list's headers: the pages' `Link`, and how many monitors match. */
export const MONITOR_LIST_HEADERS = {
  ...LINK_HEADER,
  'x-hits': { description: 'How many monitors match the filters, all pages together.', schema: { type: 'string', pattern: '^[0-9]+$' } as JsonSchema },
  'x-failing': {
    description: 'With `sort=status` or `state`: how many of those are failing (their worst environment is error, timeout or missed).',
    schema: { type: 'string', pattern: '^[0-9]+$' } as JsonSchema,
  },
};

export const MONITOR_GET_QUERY = {
  environment: REPEATABLE(ENVIRONMENT, 'Only these environments in `environments` (repeat the parameter).'),
};

export const MONITOR_DELETE_QUERY = {
  environment: REPEATABLE(ENVIRONMENT, 'Delete only these environments of the monitor (repeat the parameter); without it, the whole monitor.'),
};

export const MONITOR_DELETE_DESCRIPTION =
  'Without `environment`: the monitor is deleted at once in Postgres, with its issues, per-environment settings and the alert rules naming it; ingest refuses its check-ins and the scheduler drops it within moments (hence 202, as Sentry answers). ' +
  'With `?environment=` (repeatable): only those environments go, with their issues, settings, scheduler state and check-in history; the monitor and its other environments stay, and a later check-in from one starts it anew. None of them known: 404.';

export const CHECKIN_LIST_QUERY = {
  environment: REPEATABLE(ENVIRONMENT, 'Only check-ins of these environments (repeat the parameter).'),
  statsPeriod: {
    description: 'Only runs started within this period before now: a number and s, m, h, d or w (`24h`, `14d`). Wins over start/end.',
    schema: { type: 'string', pattern: STATS_PERIOD_PATTERN } as JsonSchema,
  },
  statsPeriodStart: {
    description: 'With statsPeriodEnd: a window in the past (`14d` to `7d` ago).',
    schema: { type: 'string', pattern: STATS_PERIOD_PATTERN } as JsonSchema,
  },
  statsPeriodEnd: { description: 'See statsPeriodStart.', schema: { type: 'string', pattern: STATS_PERIOD_PATTERN } as JsonSchema },
  start: {
    description: 'With end: only runs started at or after this ISO 8601 time (UTC when it has no offset).',
    schema: { type: 'string', pattern: ISO_TIMESTAMP_PATTERN } as JsonSchema,
  },
  end: {
    description: 'With start: only runs started at or before this time. Without any range: the last 90 days.',
    schema: { type: 'string', pattern: ISO_TIMESTAMP_PATTERN } as JsonSchema,
  },
  ...CURSOR_QUERY,
  ...PER_PAGE_QUERY,
};

/** One run of a monitor, as Sentry's monitor check-ins API shows it. */
export const CHECKIN: JsonSchema = objectOf(
  {
    id: { type: 'string' },
    environment: { type: 'string' },
    status: {
      type: 'string',
      enum: ['in_progress', 'ok', 'error', 'missed', 'timeout', 'unknown'],
      description:
        '`unknown`: no check-in came while Vigil itself could not have received one (its own pipeline was down), so Vigil cannot tell whether the job ran; never alerted on.',
    },
    duration: nullable({ type: 'integer', minimum: 0, description: 'Milliseconds.' }),
    dateCreated: ISO_DATE_TIME,
    dateUpdated: ISO_DATE_TIME,
    expectedTime: nullable({ ...ISO_DATE_TIME, description: "The slot the run was expected at, by the scheduler's rules (an interval run: its own minute)." }),
    monitorConfig: { ...CONFIG, description: "The monitor's config (its current one: Vigil keeps no copy per check-in)." },
  },
  ['id', 'environment', 'status', 'duration', 'dateCreated', 'dateUpdated', 'expectedTime', 'monitorConfig'],
);
