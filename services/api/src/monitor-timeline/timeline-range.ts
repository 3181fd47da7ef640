import { RUN_STATUSES, zeroRunStatusCounts, type RunStatus, type RunStatusCounts } from '@vigil/clickhouse';
import { DomainError } from '@vigil/errors';
import { parseStatsPeriod, parseTimestamp } from '../common/time-range';

export const RESOLUTIONS = ['1h', '1d'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const RESOLUTION_MS: Record<Resolution, number> = { '1h': HOUR_MS, '1d': DAY_MS };

/** The longest range a timeline covers, and the most buckets it has (90 days per day; 41 days per hour). */
export const MAX_RANGE_MS = 90 * DAY_MS;
export const MAX_BUCKETS = 1000;
/** Without a range: the last day, per hour. */
export const DEFAULT_STATS_PERIOD = '24h';
/** Without a resolution: per hour up to a week, per day beyond. */
const HOURLY_UP_TO_MS = 7 * DAY_MS;

/** History's DateTime columns end in 2106; ranges stay well before. */
const LATEST_INSTANT_MS = Date.UTC(2100, 0, 1);

/** Narrower than the check-ins' periods (`common/time-range`): a unit is needed, and seconds make no bucket. */
export const STATS_PERIOD_PATTERN = '^[1-9][0-9]{0,5}[mhdw]$';

export interface TimelineRangeInput {
  start?: string;
  end?: string;
  statsPeriod?: string;
  resolution?: Resolution;
}

/** A range cut into whole buckets: [start, end), bucket k covering [start + k*bucketMs, start + (k+1)*bucketMs). */
export interface TimelineRange {
  start: number;
  end: number;
  resolution: Resolution;
  bucketMs: number;
  buckets: number;
}

function invalid(field: string, code: string, message: string): never {
  throw new DomainError('invalid', code, message, field);
}

/** A time as the other history endpoints read it (`parseTimestamp`), within what history can hold. */
function instant(value: string, field: string): number {
  const ms = parseTimestamp(value, field);
  if (ms < 0 || ms >= LATEST_INSTANT_MS) invalid(field, `invalid_${field}`, `${field} must be from 1970-01-01T00:00:00Z to before 2100-01-01T00:00:00Z`);
  return ms;
}

/**
 * The range of a timeline, as Sentry's stats endpoints take it: `start` and `end` (RFC 3339), or `statsPeriod`
 * (`90m`, `24h`, `14d`, `2w`) ending now; not both. The range widens to whole buckets of the resolution (UTC
 * hours or days), so every bucket is full and buckets of two requests line up. A range longer than 90 days or
 * with more than 1000 buckets is refused with a 400 naming the field to change.
 */
export function timelineRange(input: TimelineRangeInput, now: number): TimelineRange {
  let start: number;
  let end: number;
  let rangeField: 'statsPeriod' | 'start';
  if (input.start !== undefined || input.end !== undefined) {
    if (input.statsPeriod !== undefined)
      invalid('statsPeriod', 'invalid_statsPeriod', 'statsPeriod cannot be combined with start and end: give one or the other');
    if (input.start === undefined) invalid('start', 'missing_field', 'start is required with end');
    if (input.end === undefined) invalid('end', 'missing_field', 'end is required with start');
    start = instant(input.start, 'start');
    end = instant(input.end, 'end');
    if (end <= start) invalid('end', 'invalid_end', 'end must be after start');
    rangeField = 'start';
  } else {
    const period = input.statsPeriod ?? DEFAULT_STATS_PERIOD;
    if (!new RegExp(STATS_PERIOD_PATTERN).test(period))
      invalid('statsPeriod', 'invalid_statsPeriod', `statsPeriod must match ${STATS_PERIOD_PATTERN} (a number and m, h, d or w)`);
    const length = parseStatsPeriod(period, 'statsPeriod');
    if (length > MAX_RANGE_MS) invalid('statsPeriod', 'range_too_large', `statsPeriod must be at most 90 days, got ${period}`);
    end = now;
    start = now - length;
    rangeField = 'statsPeriod';
  }
  if (end - start > MAX_RANGE_MS)
    invalid(rangeField, 'range_too_large', `the range from start to end must be at most 90 days, got ${Math.ceil((end - start) / DAY_MS)} days`);
  const resolution = input.resolution ?? (end - start <= HOURLY_UP_TO_MS ? '1h' : '1d');
  const bucketMs = RESOLUTION_MS[resolution];
  const alignedStart = Math.floor(start / bucketMs) * bucketMs;
  const alignedEnd = Math.ceil(end / bucketMs) * bucketMs;
  const buckets = (alignedEnd - alignedStart) / bucketMs;
  if (buckets > MAX_BUCKETS) {
    invalid(
      'resolution',
      'too_many_buckets',
      `the range has ${buckets} buckets of ${resolution}, more than ${MAX_BUCKETS}: use resolution=1d or a shorter range`,
    );
  }
  return { start: alignedStart, end: alignedEnd, resolution, bucketMs, buckets };
}

/** The statuses a timeline counts runs of: every status a run folds to (`unknown` last). */
export const TIMELINE_STATUSES = RUN_STATUSES;
export type TimelineStatus = RunStatus;
export type StatusCounts = RunStatusCounts;

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export interface BucketRow {
  /** Bucket index from the range's start. */
  bucket: number;
  counts: StatusCounts;
  duration: Percentiles;
}

export interface TimelineBucket {
  start: number;
  counts: StatusCounts;
  duration: Percentiles;
}

export const NO_PERCENTILES: Percentiles = { p50: null, p90: null, p99: null };

export function zeroCounts(): StatusCounts {
  return zeroRunStatusCounts();
}

/** Every bucket of the range in order, those without runs included (zero counts, no percentiles). */
export function fillBuckets(range: TimelineRange, rows: readonly BucketRow[]): TimelineBucket[] {
  const byIndex = new Map(rows.map((row) => [row.bucket, row]));
  return Array.from({ length: range.buckets }, (_, index) => {
    const row = byIndex.get(index);
    return {
      start: range.start + index * range.bucketMs,
      counts: row ? { ...row.counts } : zeroCounts(),
      duration: row ? { ...row.duration } : { ...NO_PERCENTILES },
    };
  });
}

export function totalCounts(buckets: readonly TimelineBucket[]): StatusCounts {
  const totals = zeroCounts();
  for (const bucket of buckets) for (const status of TIMELINE_STATUSES) totals[status] += bucket.counts[status];
  return totals;
}
