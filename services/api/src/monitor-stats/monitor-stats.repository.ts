import { identifier, joinSql, RUN_STATUS_COUNTS, RUN_STATUSES, sql, type ClickHouse, type RunStatus, type SqlFragment } from '@vigil/clickhouse';
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
  buckets: number[][];
}

/**
 * Runs per status, monitor-environment and bucket, for many monitors in one query (the monitors list draws a
 * timeline for each). Runs are folded from their signals as the timeline of one monitor folds them
 * (`TimelineRepository`): a run counts in the bucket where it began, with its latest status.
 */
export class MonitorStatsRepository {
  constructor(private readonly clickhouse: ClickHouse) {}

  async counts(query: {
    projectIds: readonly number[];
    monitorIds: readonly string[];
    environments: readonly string[] | null;
    range: StatsRange;
  }): Promise<StatsRow[]> {
    if (query.monitorIds.length === 0) return [];
    const { start, end, bucketMs } = query.range;
    // Runs that began before the range are known by their signals in the day before it (RUN_LOOKBACK_MS).
    const from = Math.max(0, start - RUN_LOOKBACK_MS);
    // How a run ended may come up to MAX_OPEN_RUN_AGE_MS after the range, but never after now (plus clock skew):
    // for the usual range ending now, that halves what is read.
    const to = Math.min(end + MAX_OPEN_RUN_AGE_MS, Date.now() + 3_600_000);
    const list = (values: ReadonlyArray<string | number>): SqlFragment =>
      joinSql(
        values.map((value) => sql`${value}`),
        ', ',
      );
    const environment: SqlFragment = query.environments === null ? sql`1 = 1` : sql`environment IN (${list(query.environments)})`;
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
                     argMaxIf(toString(status), received_at_ms, status NOT IN ('log', 'ign')) AS run_status,
                     min(received_at_ms) AS date_created_ms
                FROM checkins
               WHERE project_id IN (${list(query.projectIds)}) AND monitor_id IN (${list(query.monitorIds)}) AND ${environment}
                 AND received_at >= ${new Date(from)} AND received_at <= ${new Date(to)}
                 AND received_at_ms >= ${from} AND received_at_ms < ${to}
               GROUP BY monitor_id, environment, checkin_id
              HAVING run_status != '' AND date_created_ms >= ${start} AND date_created_ms < ${end})
           GROUP BY monitor_id, environment, bucket)
       GROUP BY monitor_id, environment`);
    return rows.map((row) => ({
      monitorId: row.monitor_id,
      environment: row.environment,
      buckets: row.buckets.map((bucket) => bucket.map(Number)).sort((a, b) => a[0]! - b[0]!),
    }));
  }
}
