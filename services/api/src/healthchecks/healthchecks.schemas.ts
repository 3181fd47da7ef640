import { ISO_DATE_TIME, UUID, arrayOf, nullable, objectOf, text, type JsonSchema } from '../common/openapi/json-schema';
import { SLUG_PATTERN } from '../common/slug';
import { MAX_GRACE_SECONDS, MAX_TIMEOUT_SECONDS, MIN_SECONDS, UNIQUE_FIELDS } from './check-spec';
import { CHECK_STATUSES } from './check-status';

const KEYWORD: JsonSchema = {
  type: 'string',
  enum: [''],
  description: 'Healthchecks filters pings by keywords; Vigil does not, so only "" (off) is accepted.',
};
const FILTER: JsonSchema = {
  type: 'boolean',
  enum: [false],
  description: 'Healthchecks filters pings by keywords; Vigil does not, so only false (off) is accepted.',
};

/**
 * Healthchecks ignores fields it does not know (a client newer than the server must not fail), so these bodies
 * take any other field and the handlers read only the declared ones.
 */
function ignoringUnknownFields(schema: JsonSchema): JsonSchema {
  return { ...schema, additionalProperties: true, description: 'Fields not listed here are ignored, as Healthchecks ignores them.' };
}

/** A Healthchecks check as `POST /api/v3/checks/` and `POST /api/v3/checks/<uuid>` take it. */
export const CHECK_SPEC: JsonSchema = ignoringUnknownFields(
  objectOf({
    api_key: text(undefined, 'The project API key, for clients that cannot send the X-Api-Key header.'),
    name: text(100, 'The check\'s name (default "").'),
    slug: {
      type: 'string',
      maxLength: 50,
      pattern: `^(${SLUG_PATTERN.slice(1, -1)})?$`,
      description:
        'Names the check in slug ping URLs (/ping/<ping_key>/<slug>) and in the monitors API; unique in the organization, not only digits (a number is an id). Left out or "": made from the name on create, kept on update (Vigil needs a slug).',
    },
    tags: text(500, 'Space-separated tags.'),
    desc: text(10000, 'Description.'),
    timeout: {
      type: 'integer',
      minimum: MIN_SECONDS,
      maximum: MAX_TIMEOUT_SECONDS,
      multipleOf: 60,
      description:
        'Seconds between pings (a simple check; default 86400). A whole number of minutes: Vigil counts in minutes. Ignored when `schedule` is given.',
    },
    grace: {
      type: 'integer',
      minimum: MIN_SECONDS,
      maximum: MAX_GRACE_SECONDS,
      multipleOf: 60,
      description:
        "Seconds after the expected time before the check is down (default 3600). A whole number of minutes, at most 28 days (Vigil's margin limit; Healthchecks allows 365).",
    },
    schedule: {
      ...text(100),
      description:
        'A cron expression (five fields, or an alias such as @daily) read in `tz`; makes the check a cron check. OnCalendar expressions are not supported.',
    },
    tz: text(64, 'IANA time zone of `schedule` (default UTC). A deprecated name is stored as its current one (`Europe/Kiev` → `Europe/Kyiv`).'),
    manual_resume: { type: 'boolean', description: 'A ping to a paused check leaves it paused (default false: a success or failure ping resumes it).' },
    methods: {
      type: 'string',
      enum: [''],
      description: 'Healthchecks can count POST pings only ("POST"); Vigil counts pings of every method, so only "" is accepted.',
    },
    channels: {
      ...text(),
      description: '"*" every integration, "" none, or comma-separated integration ids or names: the integrations that alert for this check.',
    },
    subject: KEYWORD,
    subject_fail: KEYWORD,
    start_kw: KEYWORD,
    success_kw: KEYWORD,
    failure_kw: KEYWORD,
    filter_subject: FILTER,
    filter_body: FILTER,
    filter_http_body: FILTER,
    filter_default_fail: FILTER,
    unique: {
      type: 'array',
      items: { type: 'string', enum: [...UNIQUE_FIELDS] },
      description:
        'Create only: fields that identify an existing check. When one matches all of them (oldest first), it is updated (200) instead of a new one created (201).',
    },
  }),
);

/** The fields of a check spec, the only ones a handler reads. */
export const CHECK_SPEC_FIELDS: readonly string[] = Object.keys(CHECK_SPEC.properties ?? {});

/** Pause and resume take no fields but the key. */
export const API_KEY_BODY: JsonSchema = ignoringUnknownFields(
  objectOf({ api_key: text(undefined, 'The project API key, for clients that cannot send the X-Api-Key header.') }),
);

const COMMON: Record<string, JsonSchema> = {
  name: { type: 'string' },
  slug: { type: 'string' },
  tags: { type: 'string' },
  desc: { type: 'string' },
  grace: { type: 'integer', description: 'Seconds.' },
  n_pings: { type: 'integer', description: 'Check-ins received (of its production environment).' },
  status: {
    type: 'string',
    enum: [...CHECK_STATUSES],
    description: "From the scheduler's latest state of the check's production environment; `paused` while the monitor is paused or disabled.",
  },
  started: { type: 'boolean', description: 'A run is open: the latest signal was a start.' },
  last_ping: nullable({ ...ISO_DATE_TIME, description: 'The latest success or failure.' }),
  next_ping: nullable({ ...ISO_DATE_TIME, description: 'When the next ping is expected (up and grace only).' }),
  manual_resume: { type: 'boolean' },
  methods: { type: 'string' },
  subject: { type: 'string' },
  subject_fail: { type: 'string' },
  start_kw: { type: 'string' },
  success_kw: { type: 'string' },
  failure_kw: { type: 'string' },
  filter_subject: { type: 'boolean' },
  filter_body: { type: 'boolean' },
  filter_http_body: { type: 'boolean' },
  filter_default_fail: { type: 'boolean' },
};

/** A check in Healthchecks' v3 shape: `uuid`, the URLs and `channels` for a read-write key, `unique_key` for a read-only one; `timeout` or `schedule` and `tz`. */
export const CHECK: JsonSchema = objectOf(
  {
    ...COMMON,
    last_duration: { type: 'integer', description: 'Seconds the latest run took, when its end closed a start.' },
    uuid: { ...UUID, description: "Read-write keys: the check's id in this API, and its ping credential." },
    ping_url: { type: 'string' },
    update_url: { type: 'string' },
    pause_url: { type: 'string' },
    resume_url: { type: 'string' },
    channels: { type: 'string', description: 'Comma-separated ids of the integrations that alert for the check.' },
    unique_key: { type: 'string', pattern: '^[0-9a-f]{40}$', description: 'Read-only keys: names the check without revealing its uuid.' },
    timeout: { type: 'integer', description: 'Simple checks: seconds between pings.' },
    schedule: { type: 'string', description: 'Cron checks: the expression.' },
    tz: { type: 'string', description: 'Cron checks: its time zone.' },
  },
  Object.keys(COMMON),
);

export const CHECK_LIST: JsonSchema = objectOf({ checks: arrayOf(CHECK) }, ['checks']);

export const PING: JsonSchema = objectOf(
  {
    type: { type: 'string', enum: ['start', 'success', 'fail', 'log', 'ign'] },
    date: ISO_DATE_TIME,
    n: { type: 'integer', description: "The check-in's number, counting from the oldest (1)." },
    scheme: { type: 'string', description: 'Not recorded by Vigil: "".' },
    remote_addr: nullable({ type: 'string' }),
    method: { type: 'string', description: 'Not recorded by Vigil: "".' },
    ua: { type: 'string' },
    rid: nullable({ type: 'string', description: 'The rid the ping named; null when it named none.' }),
    duration: { type: 'number', description: "Seconds since the run's start, for a success or failure that closed one." },
    body_url: nullable({ type: 'string' }),
  },
  ['type', 'date', 'n', 'scheme', 'remote_addr', 'method', 'ua', 'rid', 'body_url'],
);

export const PING_LIST: JsonSchema = objectOf({ pings: arrayOf(PING) }, ['pings']);

export const FLIP_LIST: JsonSchema = objectOf(
  { flips: arrayOf(objectOf({ timestamp: ISO_DATE_TIME, up: { type: 'integer', enum: [0, 1] } }, ['timestamp', 'up'])) },
  ['flips'],
);

export const CHANNEL_LIST: JsonSchema = objectOf(
  {
    channels: arrayOf(
      objectOf({ id: UUID, name: { type: 'string' }, kind: { type: 'string', description: 'email, slack, pd (PagerDuty) or webhook.' } }, [
        'id',
        'name',
        'kind',
      ]),
    ),
  },
  ['channels'],
);

const TIMESTAMP: JsonSchema = { type: 'integer', minimum: 0, maximum: 10_000_000_000 };

export const FLIPS_QUERY = {
  start: { description: 'Only flips at or after this UNIX time (seconds).', schema: TIMESTAMP },
  end: { description: 'Only flips before this UNIX time (seconds).', schema: TIMESTAMP },
  seconds: { description: 'Only flips of the last this many seconds (at most 31536000).', schema: { type: 'integer', minimum: 0, maximum: 31_536_000 } },
};

export const CHECKS_QUERY = {
  tag: { description: 'Only checks with this tag; repeat it for checks with all of them.', schema: arrayOf(text()) },
  slug: { description: 'Only the check with this slug.', schema: text() },
};
