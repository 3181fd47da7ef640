import { DomainError } from '@vigil/errors';

/** Bucket sizes a stats range may use, in seconds: a minute to a week (Sentry's ladder, from a minute up). */
export const STATS_RESOLUTIONS_S = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 14400, 43200, 86400, 172800, 259200, 604800] as const;
/** The most buckets one answer holds per monitor-environment (Sentry's timeline draws at most 2016). */
export const MAX_STATS_BUCKETS = 2016;
/** The longest range: as far back as the timeline reads. */
export const MAX_STATS_RANGE_S = 90 * 86400;
const DEFAULT_RANGE_S = 86400;

export interface StatsRangeInput {
  since?: number;
  until?: number;
  resolution?: string;
}

/** [start, end) in ms, cut into `buckets` buckets of `bucketMs`, aligned to the epoch so two requests line up. */
export interface StatsRange {
  start: number;
  end: number;
  bucketMs: number;
  buckets: number;
}

export const RESOLUTION_PATTERN = '^[1-9][0-9]{0,6}[smhd]?$';
const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

function invalid(field: string, code: string, message: string): never {
  throw new DomainError('invalid', code, message, field);
}

/** `300`, `300s`, `5m`, `1h`, `1d` as seconds; it must be one of STATS_RESOLUTIONS_S. */
export function parseResolution(value: string): number {
  const match = /^([1-9][0-9]{0,6})([smhd]?)$/.exec(value);
  if (!match) invalid('resolution', 'invalid_resolution', `resolution must be a number of seconds or a number with s, m, h or d, got "${value}"`);
  const seconds = Number(match[1]) * (UNIT_S[match[2] || 's'] ?? 1);
  if (!(STATS_RESOLUTIONS_S as readonly number[]).includes(seconds))
    invalid('resolution', 'invalid_resolution', `resolution must be one of ${STATS_RESOLUTIONS_S.join(', ')} seconds, got ${seconds}`);
  return seconds;
}

/**
 * The range of a stats request, as Sentry's monitors-stats takes it: `since` and `until` in seconds since the
 * epoch (default: the last 24 hours) and `resolution` (default: the finest that keeps to MAX_STATS_BUCKETS).
 */
export function statsRange(input: StatsRangeInput, nowMs: number): StatsRange {
  const until = input.until ?? Math.ceil(nowMs / 1000);
  const since = input.since ?? until - DEFAULT_RANGE_S;
  if (until <= since) invalid('until', 'invalid_until', 'until must be after since');
  if (until - since > MAX_STATS_RANGE_S) invalid('since', 'range_too_large', `the range from since to until must be at most ${MAX_STATS_RANGE_S / 86400} days`);
  const coarsest = 604800;
  const resolution: number =
    input.resolution === undefined
      ? (STATS_RESOLUTIONS_S.find((step) => Math.ceil((until - since) / step) + 1 <= MAX_STATS_BUCKETS) ?? coarsest)
      : parseResolution(input.resolution);
  const start = Math.floor(since / resolution) * resolution;
  const end = Math.ceil(until / resolution) * resolution;
  const buckets = (end - start) / resolution;
  if (buckets > MAX_STATS_BUCKETS)
    invalid(
      'resolution',
      'too_many_buckets',
      `the range has ${buckets} buckets of ${resolution} s, more than ${MAX_STATS_BUCKETS}: use a coarser resolution or a shorter range`,
    );
  return { start: start * 1000, end: end * 1000, bucketMs: resolution * 1000, buckets };
}
