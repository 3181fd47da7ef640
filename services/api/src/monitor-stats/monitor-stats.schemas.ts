import { ENVIRONMENT, MONITOR_LIST_QUERY } from '../monitors/monitor.schemas';
import { SLUG_MAX, SLUG_PATTERN } from '../common/slug';
import { ISO_DATE_TIME, objectOf, type JsonSchema } from '../common/openapi/json-schema';
import { DURATION_FIELDS, DURATION_STATUSES, STATS_STATUSES } from './monitor-stats.repository';
import { MAX_STATS_BUCKETS, RESOLUTION_PATTERN, STATS_RESOLUTIONS_S } from './stats-range';

const EPOCH_SECONDS: JsonSchema = { type: 'integer', minimum: 0, maximum: 4102444800 };

export const MONITOR_STATS_QUERY = {
  monitor: {
    description:
      'The monitors, by slug (repeat the parameter, 1 to 100). Left out: the monitors of a page of the monitors list (the parameters below marked so).',
    schema: { type: 'array', items: { type: 'string', minLength: 1, maxLength: SLUG_MAX, pattern: SLUG_PATTERN }, minItems: 1, maxItems: 100 } as JsonSchema,
  },
  since: { description: 'Start of the range, seconds since the epoch (default: until minus 24 hours).', schema: EPOCH_SECONDS },
  until: { description: 'End of the range, seconds since the epoch (default: now).', schema: EPOCH_SECONDS },
  resolution: {
    description: `Bucket size: seconds, or a number with s, m, h or d; one of ${STATS_RESOLUTIONS_S.join(', ')} seconds. Default: the finest with at most ${MAX_STATS_BUCKETS} buckets.`,
    schema: { type: 'string', pattern: RESOLUTION_PATTERN } as JsonSchema,
  },
  durations: {
    description: `\`true\`: the answer also has \`durations\`, the p50 and p99 of the run durations per monitor, environment and bucket (runs that finished ${DURATION_STATUSES.join(' or ')} with a duration).`,
    schema: { type: 'boolean' } as JsonSchema,
  },
  environment: {
    // Few, so the longest request line (100 slugs and these) stays well inside the 16 KiB Node allows.
    description: 'Only these environments (repeat the parameter, at most 5); without `monitor`, also only monitors that have one, as the list.',
    schema: { type: 'array', items: ENVIRONMENT, maxItems: 5 } as JsonSchema,
  },
  ...Object.fromEntries(
    Object.entries(MONITOR_LIST_QUERY)
      .filter(([name]) => name !== 'environment')
      .map(([name, parameter]) => [name, { ...parameter, description: `Without \`monitor\`, as the monitors list takes it: ${parameter.description}` }]),
  ),
};

const BUCKET: JsonSchema = {
  type: 'array',
  items: { type: 'integer', minimum: 0 },
  minItems: 1 + STATS_STATUSES.length,
  maxItems: 1 + STATS_STATUSES.length,
  description: 'A bucket with runs: its index from `start`, then the runs per status in the order of `statuses`.',
};

const DURATION_BUCKET: JsonSchema = {
  type: 'array',
  items: { type: 'integer', minimum: 0 },
  minItems: 1 + DURATION_FIELDS.length,
  maxItems: 1 + DURATION_FIELDS.length,
  description:
    'A bucket with durations: its index from `start`, then the order of `durationFields`: how many runs it takes, their p50 and their p99 in milliseconds.',
};

export const MONITOR_STATS: JsonSchema = objectOf(
  {
    start: { ...ISO_DATE_TIME, description: 'The range, widened to whole buckets (aligned to the epoch).' },
    end: ISO_DATE_TIME,
    resolution: { type: 'integer', enum: [...STATS_RESOLUTIONS_S], description: 'Bucket size in seconds.' },
    buckets: { type: 'integer', minimum: 1, maximum: MAX_STATS_BUCKETS, description: 'How many buckets the range has.' },
    statuses: { type: 'array', items: { type: 'string', enum: [...STATS_STATUSES] }, description: 'The order of the counts in each bucket.' },
    monitors: {
      type: 'object',
      description:
        'Per monitor slug, per environment, the buckets that hold runs (empty ones are left out). A run counts in the bucket where it began (a miss: its slot), with its status folded as the check-ins list folds it (a timeout stands, the first close stands, a start that arrived after its close never reopens the run); a run is known to have begun before the range by its signals in the day before `since` (one that began earlier, with no signal in that day, counts from its first signal after it). Every monitor asked for is present, with no environment when it had no run.',
      additionalProperties: { type: 'object', additionalProperties: { type: 'array', items: BUCKET } },
    },
    durationFields: {
      type: 'array',
      items: { type: 'string', enum: [...DURATION_FIELDS] },
      description: 'With `durations=true`: the order of the values after the index in each duration bucket.',
    },
    durations: {
      type: 'object',
      description:
        `With \`durations=true\`: per monitor slug, per environment, the buckets that hold a run that finished ${DURATION_STATUSES.join(' or ')} with a duration (others are left out: a miss, a timeout, an unknown or an open run has no duration to compare). ` +
        "A run counts in the bucket where it began, with the duration of its first close (a second close changes nothing). p50 and p99 are exact: the value at position floor(level × n) of the bucket's n sorted durations (one run: both are its duration). " +
        "Sentry's monitor stats report one average per bucket over every environment (a zero duration left out); Vigil reports two percentiles per environment, zeros included. Every monitor asked for is present.",
      additionalProperties: { type: 'object', additionalProperties: { type: 'array', items: DURATION_BUCKET } },
    },
  },
  ['start', 'end', 'resolution', 'buckets', 'statuses', 'monitors'],
  "Runs per status of many monitors at once, per bucket (Vigil's counterpart of Sentry's monitors-stats, compact: the dashboard's monitors list draws its timelines from it), and with `durations=true` their duration percentiles (the monitor page's duration chart).",
);
