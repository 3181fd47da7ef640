import {
  identifier,
  joinSql,
  RUN_DURATION,
  RUN_STATUS,
  RUN_STATUS_COUNTS,
  RUN_STATUSES,
  sql,
  type ClickHouse,
  type RunStatus,
  type SqlFragment,
} from '@vigil/clickhouse';
import { MAX_OPEN_RUN_AGE_MS } from '@vigil/runs';
import { RUN_LOOKBACK_MS } from '../checkins/run-lookback';
import type { StatsRange } from './stats-range';

/** The statuses each bucket counts, in the order of its counts: every status a run folds to (`unknown` last). */
export const STATS_STATUSES = RUN_STATUSES;
export type StatsStatus = RunStatus;

/** `[bucket, ...counts]` of one bucket, each count as UInt32 so the array has one type on every ClickHouse release. */
const BUCKET_ARRAY = sql`[toUInt32(bucket), ${joinSql(
  RUN_STATUSES.map((status) => sql`toUInt32(${identifier(status)})`),
  ', ',
)}]`;

/** The buckets with runs of one monitor-environment, by bucket: `[index from the range's start, ...counts in the order of STATS_STATUSES]`. */
export interface StatsRow {
  monitorId: string;
  environment: string;
  buckets: number[][];
}

interface Row {
  monitor_id: string;
  environment: string;
  buckets: Array<Array<string | number>>;
}

/** The runs whose duration the duration percentiles take: finished by a check-in (a miss, a timeout or an open run has none to compare). */
export const DURATION_STATUSES = ['ok', 'error'] as const;

/** What each duration bucket holds after its index, in order. */
export const DURATION_FIELDS = ['runs', 'p50', 'p99'] as const;

/** `[bucket, runs, p50, p99]` of one bucket, each as UInt64 so the array has one type on every ClickHouse release. */
const DURATION_ARRAY = sql`[toUInt64(bucket), toUInt64(runs), toUInt64(duration_quantiles[1]), toUInt64(duration_quantiles[2])]`;

/** The statuses a run folds to (`RUN_STATUS`) that count toward durations, as SQL values. */
const DURATION_STATUS_LIST = joinSql(
  DURATION_STATUSES.map((status) => sql`${status}`),
  ', ',
);

const list = (values: ReadonlyArray<string | number>): SqlFragment =>
  joinSql(
    values.map((value) => sql`${value}`),
    ', ',
  );

export interface StatsQuery {
  projectIds: readonly number[];
  monitorIds: readonly string[];
  environments: readonly string[] | null;
  range: StatsRange;
}

/** The signals to read for runs that began in the range: from the lookback before it, to when the last of them may have ended. */
function readWindow(range: StatsRange): { from: number; to: number } {
  // Runs that began before the range are known by their signals in the day before it (RUN_LOOKBACK_MS).
  const from = Math.max(0, range.start - RUN_LOOKBACK_MS);
  // How a run ended may come up to MAX_OPEN_RUN_AGE_MS after the range, but never after now (plus clock skew):
  // for the usual range ending now, that halves what is read.
  const to = Math.min(range.end + MAX_OPEN_RUN_AGE_MS, Date.now() + 3_600_000);
  return { from, to };
}

function selection(query: StatsQuery, from: number, to: number): SqlFragment {
  const environment: SqlFragment = query.environments === null ? sql`1 = 1` : sql`environment IN (${list(query.environments)})`;
  return sql`project_id IN (${list(query.projectIds)}) AND monitor_id IN (${list(query.monitorIds)}) AND ${environment}
                 AND received_at >= ${new Date(from)} AND received_at <= ${new Date(to)}
                 AND received_at_ms >= ${from} AND received_at_ms < ${to}`;
}

function toStatsRows(rows: readonly Row[]): StatsRow[] {
  return rows.map((row) => ({
    monitorId: row.monitor_id,
    environment: row.environment,
    buckets: row.buckets.map((bucket) => bucket.map(Number)).sort((a, b) => a[0]! - b[0]!),
  }));
}

/**
 * Runs per status, monitor-environment and bucket, for many monitors in one query (the monitors list draws a
 * timeline for each). Runs are folded from their signals as every reader folds them (`RUN_STATUS`: a timeout
 * stands, the first close stands, a start that arrived after its close never reopens the run); a run counts in the
 * bucket where it began.
 */
export class MonitorStatsRepository {
  constructor(private readonly clickhouse: ClickHouse) {}

  async counts(query: StatsQuery): Promise<StatsRow[]> {
    if (query.monitorIds.length === 0) return [];
    const { start, end, bucketMs } = query.range;
    const { from, to } = readWindow(query.range);
    // One row per monitor-environment with its buckets as arrays of small numbers: a month of them is thousands of
    // buckets, which as rows of their own cost more to send and parse than to count.
    const rows = await this.clickhouse.query<Row>(sql`
      SELECT monitor_id, environment, groupArray(${BUCKET_ARRAY}) AS buckets
        FROM (
          SELECT monitor_id, environment,
                 intDiv(date_created_ms - ${start}, ${bucketMs}) AS bucket,
                 ${RUN_STATUS_COUNTS}
            FROM (
              SELECT monitor_id, environment, checkin_id,
                     ${RUN_STATUS} AS run_status,
                     min(received_at_ms) AS date_created_ms
                FROM checkins
               WHERE ${selection(query, from, to)}
               GROUP BY monitor_id, environment, checkin_id
              HAVING run_status != '' AND date_created_ms >= ${start} AND date_created_ms < ${end})
           GROUP BY monitor_id, environment, bucket)
       GROUP BY monitor_id, environment`);
    return toStatsRows(rows);
  }

  /**
   * Run durations per monitor-environment and bucket: `[index, runs, p50, p99]` in milliseconds, over the runs that
   * began in the bucket and finished `ok` or `error` with a duration (DURATION_STATUSES), folded as every reader folds
   * them (`RUN_STATUS`, `RUN_DURATION`: a second close changes nothing). Exact percentiles (`quantilesExact`: the
   * value at position floor(level × n) of the sorted durations), as the timeline of one monitor reports them.
   * Buckets without such a run are left out.
   */
  async durations(query: StatsQuery): Promise<StatsRow[]> {
    if (query.monitorIds.length === 0) return [];
    const { start, end, bucketMs } = query.range;
    const { from, to } = readWindow(query.range);
    const rows = await this.clickhouse.query<Row>(sql`
      SELECT monitor_id, environment, groupArray(${DURATION_ARRAY}) AS buckets
        FROM (
          SELECT monitor_id, environment,
                 intDiv(date_created_ms - ${start}, ${bucketMs}) AS bucket,
                 count() AS runs,
                 quantilesExact(0.5, 0.99)(assumeNotNull(run_duration_ms)) AS duration_quantiles
            FROM (
              SELECT monitor_id, environment, checkin_id,
                     ${RUN_STATUS} AS run_status,
                     ${RUN_DURATION} AS run_duration_ms,
                     min(received_at_ms) AS date_created_ms
                FROM checkins
               WHERE ${selection(query, from, to)}
               GROUP BY monitor_id, environment, checkin_id
              HAVING run_status IN (${DURATION_STATUS_LIST}) AND isNotNull(run_duration_ms)
                 AND date_created_ms >= ${start} AND date_created_ms < ${end})
           GROUP BY monitor_id, environment, bucket)
       GROUP BY monitor_id, environment`);
    return toStatsRows(rows);
  }
}
