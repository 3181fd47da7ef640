import { NO_NUL_PATTERN } from '../common/postgres-text';
import { ISO_DATE_TIME, arrayOf, nullable, objectOf, type JsonSchema } from '../common/openapi/json-schema';
import { RESOLUTIONS, STATS_PERIOD_PATTERN, TIMELINE_STATUSES } from './timeline-range';

const COUNT: JsonSchema = { type: 'integer', minimum: 0 };

const COUNTS: JsonSchema = objectOf(Object.fromEntries(TIMELINE_STATUSES.map((status) => [status, COUNT])), [...TIMELINE_STATUSES], 'Runs per status.');

const PERCENTILES: JsonSchema = objectOf(
  {
    p50: nullable({ type: 'integer', minimum: 0 }),
    p90: nullable({ type: 'integer', minimum: 0 }),
    p99: nullable({ type: 'integer', minimum: 0 }),
  },
  ['p50', 'p90', 'p99'],
  'Run durations in milliseconds, exact percentiles (the value at position floor(level × n) of the sorted durations); null without durations.',
);

export const TIMELINE: JsonSchema = objectOf(
  {
    start: { ...ISO_DATE_TIME, description: 'The range, widened to whole buckets.' },
    end: ISO_DATE_TIME,
    resolution: { type: 'string', enum: [...RESOLUTIONS] },
    environment: nullable({ type: 'string', description: 'The environment asked for; null: every environment.' }),
    totals: COUNTS,
    duration: PERCENTILES,
    buckets: arrayOf(
      objectOf({ start: ISO_DATE_TIME, counts: COUNTS, duration: PERCENTILES }, ['start', 'counts', 'duration']),
      'Every bucket of the range in order, empty ones included. A run counts in the bucket where it began (a miss: its slot).',
    ),
  },
  ['start', 'end', 'resolution', 'environment', 'totals', 'duration', 'buckets'],
);

export const TIMELINE_QUERY = {
  start: { description: 'Start of the range (RFC 3339), with `end`.', schema: { type: 'string', format: 'date-time' } as JsonSchema },
  end: { description: 'End of the range (RFC 3339, exclusive), with `start`.', schema: { type: 'string', format: 'date-time' } as JsonSchema },
  statsPeriod: {
    description: 'Instead of start and end: the range up to now, such as `90m`, `24h`, `14d` or `2w` (default `24h`). At most 90 days.',
    schema: { type: 'string', pattern: STATS_PERIOD_PATTERN } as JsonSchema,
  },
  resolution: {
    description: 'Bucket size: `1h` or `1d` (UTC). Default: `1h` up to 7 days, `1d` beyond. At most 1000 buckets.',
    schema: { type: 'string', enum: [...RESOLUTIONS] } as JsonSchema,
  },
  environment: {
    description: 'Only runs of this environment.',
    schema: { type: 'string', minLength: 1, maxLength: 64, pattern: NO_NUL_PATTERN } as JsonSchema,
  },
};
