import { RUN_DURATION, RUN_STATUS, RUN_STATUS_COUNTS, runStatusCounts, sql, type ClickHouse, type RunStatus, type SqlFragment } from '@vigil/clickhouse';
import { MAX_OPEN_RUN_AGE_MS } from '@vigil/runs';
import type { BucketRow, Percentiles, TimelineRange } from './timeline-range';

export interface TimelineQuery {
  projectId: number;
  monitorId: string;
  environment: string | null;
  range: TimelineRange;
}

interface BucketResult extends Record<RunStatus, string | number> {
  bucket: string | number;
  durations: string | number;
  quantiles: Array<string | number>;
}

interface TotalResult {
  durations: string | number;
  quantiles: Array<string | number>;
}

function percentiles(durations: string | number, quantiles: Array<string | number>): Percentiles {
  if (Number(durations) === 0) return { p50: null, p90: null, p99: null };
  const [p50, p90, p99] = quantiles.map(Number);
  return { p50: p50 ?? null, p90: p90 ?? null, p99: p99 ?? null };
}

/**
 * A monitor's runs per bucket from ClickHouse. Each run is folded from its signals as the check-ins list folds it
 * (`RUN_STATUS`; a miss is a run of its own, dated at its slot) and counted in the bucket where it began.
 * A run's signals span up to the longest a run can stay open, so that much is read before the range (to know
 * where a run began) and after it (to know how it ended). Durations are exact percentiles (`quantilesExact`: the
 * value at position floor(level × n) of the sorted durations) of the runs that have one. SQL for ClickHouse
 * 18.16 and current releases: no window functions, no WITH FILL (empty buckets are added by the caller), and no
 * alias that names a column (the old and the new analyzer resolve those differently).
 */
export class TimelineRepository {
  constructor(private readonly clickhouse: ClickHouse) {}

  async buckets(query: TimelineQuery): Promise<{ rows: BucketRow[]; duration: Percentiles }> {
    const runs = this.runs(query);
    const { start, bucketMs } = query.range;
    const [rows, totals] = await Promise.all([
      this.clickhouse.query<BucketResult>(sql`
        SELECT intDiv(date_created_ms - ${start}, ${bucketMs}) AS bucket,
               ${RUN_STATUS_COUNTS},
               count(run_duration_ms) AS durations,
               quantilesExact(0.5, 0.9, 0.99)(run_duration_ms) AS quantiles
          FROM (${runs})
         GROUP BY bucket
         ORDER BY bucket`),
      this.clickhouse.query<TotalResult>(sql`
        SELECT count(run_duration_ms) AS durations, quantilesExact(0.5, 0.9, 0.99)(run_duration_ms) AS quantiles
          FROM (${runs})`),
    ]);
    const total = totals[0];
    return {
      rows: rows.map((row) => ({
        bucket: Number(row.bucket),
        counts: runStatusCounts(row),
        duration: percentiles(row.durations, row.quantiles),
      })),
      duration: total ? percentiles(total.durations, total.quantiles) : { p50: null, p90: null, p99: null },
    };
  }

  /** The runs that began in the range, folded. */
  private runs(query: TimelineQuery): SqlFragment {
    const { start, end } = query.range;
    const from = start - MAX_OPEN_RUN_AGE_MS;
    const to = end + MAX_OPEN_RUN_AGE_MS;
    const environment: SqlFragment = query.environment === null ? sql`1 = 1` : sql`environment = ${query.environment}`;
    return sql`
      SELECT checkin_id,
             ${RUN_STATUS} AS run_status,
             ${RUN_DURATION} AS run_duration_ms,
             min(received_at_ms) AS date_created_ms
        FROM checkins
       WHERE project_id = ${query.projectId} AND monitor_id = ${query.monitorId} AND ${environment}
         AND received_at >= ${new Date(Math.max(0, from))} AND received_at <= ${new Date(to)}
         AND received_at_ms >= ${Math.max(0, from)} AND received_at_ms < ${to}
       GROUP BY checkin_id
      HAVING run_status != '' AND date_created_ms >= ${start} AND date_created_ms < ${end}`;
  }
}
