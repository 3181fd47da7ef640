import {
  joinSql,
  RUN_STATUS_COUNTS,
  RUN_STATUSES,
  runStatusCounts,
  sql,
  type ClickHouse,
  type RunStatus,
  type RunStatusCounts,
  type SqlFragment,
} from '@vigil/clickhouse';
import { MAX_OPEN_RUN_AGE_MS } from '@vigil/runs';
import type { StatsRange } from './stats-range';

/** The statuses each bucket counts, in the order of its counts: every status a run folds to (`unknown` last). */
export const STATS_STATUSES = RUN_STATUSES;
export type StatsStatus = RunStatus;
export type StatsCounts = RunStatusCounts;

export interface StatsRow {
  monitorId: string;
  environment: string;
  /** Bucket index from the range's start. */
  bucket: number;
  counts: StatsCounts;
}

interface Row extends Record<RunStatus, string | number> {
  monitor_id: string;
  environment: string;
  bucket: string | number;
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
    const from = Math.max(0, start - MAX_OPEN_RUN_AGE_MS);
    // How a run ended may come up to MAX_OPEN_RUN_AGE_MS after the range, but never after now (plus clock skew):
    // for the usual range ending now, that halves what is read.
    const to = Math.min(end + MAX_OPEN_RUN_AGE_MS, Date.now() + 3_600_000);
    const list = (values: ReadonlyArray<string | number>): SqlFragment =>
      joinSql(
        values.map((value) => sql`${value}`),
        ', ',
      );
    const environment: SqlFragment = query.environments === null ? sql`1 = 1` : sql`environment IN (${list(query.environments)})`;
    const rows = await this.clickhouse.query<Row>(sql`
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
       GROUP BY monitor_id, environment, bucket
       ORDER BY monitor_id, environment, bucket`);
    return rows.map((row) => ({
      monitorId: row.monitor_id,
      environment: row.environment,
      bucket: Number(row.bucket),
      counts: runStatusCounts(row),
    }));
  }
}
