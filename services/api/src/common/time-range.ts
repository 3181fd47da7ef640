import { DomainError } from '@vigil/errors';

/** A time range in epoch milliseconds, both ends included; no end: up to whatever arrived last. */
export interface TimeRange {
  startMs: number;
  endMs: number | null;
}

/** The query parameters Sentry's history endpoints take for a time range. */
export interface TimeRangeQuery {
  statsPeriod?: string;
  statsPeriodStart?: string;
  statsPeriodEnd?: string;
  start?: string;
  end?: string;
}

/** With no range asked for, the last 90 days, as Sentry's default. */
export const DEFAULT_PERIOD_MS = 90 * 86_400_000;

export const STATS_PERIOD_PATTERN = '^[0-9]{1,9}[smhdw]?$';
const UNIT_MS: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
export const ISO_TIMESTAMP_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$';

function invalid(field: string, message: string): DomainError {
  return new DomainError('invalid', `invalid_${field}`, message, field);
}

/** `24h`, `14d`, `30m`, `2w`, `90` (seconds): how long before `now`. */
export function parseStatsPeriod(value: string, field: string): number {
  const match = /^([0-9]{1,9})([smhdw]?)$/.exec(value);
  if (!match) throw invalid(field, `${field} must be a number with an optional unit s, m, h, d or w (such as 24h or 14d)`);
  return Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 1000);
}

/**
 * What `parseTimestamp` reads: `ISO_TIMESTAMP_PATTERN`, and also every RFC 3339 date-time (a lower-case `t` or
 * `z`, a second with more than 9 digits), which a schema's `format: date-time` lets through.
 */
const TIMESTAMP = /^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$/i;

/** An ISO 8601 timestamp; one without an offset is UTC, as Sentry reads it. */
export function parseTimestamp(value: string, field: string): number {
  if (!TIMESTAMP.test(value)) throw invalid(field, `${field} must be an ISO 8601 timestamp such as 2026-01-31T23:00:00Z`);
  const text = value.toUpperCase().replace(' ', 'T');
  const hasTime = text.length > 10;
  const hasOffset = /(Z|[+-][0-9]{2}:?[0-9]{2})$/.test(text) && hasTime;
  const ms = Date.parse(hasOffset ? text : `${text}${hasTime ? '' : 'T00:00:00'}Z`);
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.parse rolls 2026-02-30 over into March: the calendar date must be the one written.
  if (!Number.isFinite(ms) || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw invalid(field, `${field} is not a date that exists: ${value}`);
  }
  return ms;
}

/**
 * Sentry's rules for a history range: `statsPeriod` (the last 24h, 14d, ...) wins; else `statsPeriodStart` and
 * `statsPeriodEnd` (a window in the past, both needed); else `start` and `end` (both needed); else the last 90
 * days. The start must come before the end. A range that ends "now" (a period, or the default) has no end:
 * what ingest stamped a moment ahead of this host's clock still shows.
 */
export function parseTimeRange(query: TimeRangeQuery, nowMs: number): TimeRange {
  let range: TimeRange = { startMs: nowMs - DEFAULT_PERIOD_MS, endMs: null };
  if (query.statsPeriod !== undefined) {
    const periodMs = parseStatsPeriod(query.statsPeriod, 'statsPeriod');
    if (periodMs <= 0) throw invalid('statsPeriod', 'statsPeriod must be longer than 0: start must be before end');
    range = { startMs: nowMs - periodMs, endMs: null };
  } else if (query.statsPeriodStart !== undefined || query.statsPeriodEnd !== undefined) {
    if (query.statsPeriodStart === undefined) throw invalid('statsPeriodStart', 'statsPeriodStart and statsPeriodEnd are both required');
    if (query.statsPeriodEnd === undefined) throw invalid('statsPeriodEnd', 'statsPeriodStart and statsPeriodEnd are both required');
    range = {
      startMs: nowMs - parseStatsPeriod(query.statsPeriodStart, 'statsPeriodStart'),
      endMs: nowMs - parseStatsPeriod(query.statsPeriodEnd, 'statsPeriodEnd'),
    };
  } else if (query.start !== undefined || query.end !== undefined) {
    if (query.start === undefined) throw invalid('start', 'start and end are both required');
    if (query.end === undefined) throw invalid('end', 'start and end are both required');
    range = { startMs: parseTimestamp(query.start, 'start'), endMs: parseTimestamp(query.end, 'end') };
  }
  if (range.endMs !== null && range.startMs >= range.endMs) throw invalid(query.start !== undefined ? 'start' : 'statsPeriodStart', 'start must be before end');
  // History begins in 1970: a range before it is empty, not negative.
  return { startMs: Math.max(range.startMs, 0), endMs: range.endMs === null ? null : Math.max(range.endMs, 0) };
}
