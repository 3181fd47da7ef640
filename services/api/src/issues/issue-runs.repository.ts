import { RUN_DURATION, RUN_STATUS, sql, type ClickHouse } from '@vigil/clickhouse';

/** One run of an issue's monitor-environment, folded from its signals in ClickHouse. */
export interface IssueRun {
  checkinId: string;
  /** The run's latest status; for a failure, what made it one (`timeout` over `missed` over `error`). */
  status: string;
  durationMs: number | null;
  dateCreatedMs: number;
  dateUpdatedMs: number;
}

export interface IssueTrack {
  projectId: number;
  monitorId: string;
  environment: string;
}

interface RunRow {
  checkin_id: string;
  run_status: string;
  run_duration_ms: string | number | null;
  date_created_ms: string | number;
  date_updated_ms: string | number;
}

const toRun = (row: RunRow): IssueRun => ({
  checkinId: row.checkin_id,
  status: row.run_status,
  durationMs: row.run_duration_ms === null ? null : Number(row.run_duration_ms),
  dateCreatedMs: Number(row.date_created_ms),
  dateUpdatedMs: Number(row.date_updated_ms),
});

/**
 * The runs behind an issue, from ClickHouse (every value through `sql`). The issues service counts run results in
 * the order the scheduler judged them; history keeps the runs, so the failures of an issue are its
 * `failure_count` latest failed runs judged up to its last failure: an error when its result arrived, a timeout
 * when it was detected, a miss once its slot's margin had passed.
 */
export class IssueRunsRepository {
  constructor(private readonly clickhouse: ClickHouse) {}

  /** Runs by id (the opening and resolving ones), as the check-ins list folds them. */
  async byIds(track: IssueTrack, checkinIds: string[]): Promise<Map<string, IssueRun>> {
    if (checkinIds.length === 0) return new Map();
    const rows = await this.clickhouse.query<RunRow>(sql`
      SELECT checkin_id,
             ${RUN_STATUS} AS run_status,
             ${RUN_DURATION} AS run_duration_ms,
             min(received_at_ms) AS date_created_ms,
             max(received_at_ms) AS date_updated_ms
        FROM checkins
       WHERE project_id = ${track.projectId} AND monitor_id = ${track.monitorId} AND environment = ${track.environment}
         AND has(${checkinIds}, checkin_id)
       GROUP BY checkin_id
      HAVING run_status != ''`);
    return new Map(rows.map((row) => [row.checkin_id, toRun(row)]));
  }

  /**
   * The `count` latest failed runs judged at or before `upTo`, in the order they began (a miss: its slot).
   * `marginMs` dates when a miss was judged.
   */
  async failures(track: IssueTrack, upTo: number, count: number, marginMs: number): Promise<IssueRun[]> {
    if (count <= 0) return [];
    const rows = await this.clickhouse.query<RunRow & { judged_at_ms: string | number }>(sql`
      SELECT checkin_id,
             multiIf(timeout_at > 0, 'timeout', missed_at > 0, 'missed', 'error') AS run_status,
             run_duration_ms,
             date_created_ms,
             date_updated_ms,
             multiIf(timeout_at > 0, timeout_at, missed_at > 0, missed_at + ${marginMs}, error_at) AS judged_at_ms
        FROM (
              SELECT checkin_id,
                     max(duration_ms) AS run_duration_ms,
                     min(received_at_ms) AS date_created_ms,
                     max(received_at_ms) AS date_updated_ms,
                     maxIf(received_at_ms, status = 'timeout') AS timeout_at,
                     maxIf(received_at_ms, status = 'missed') AS missed_at,
                     maxIf(received_at_ms, status = 'error') AS error_at
                FROM checkins
               WHERE project_id = ${track.projectId} AND monitor_id = ${track.monitorId} AND environment = ${track.environment}
               GROUP BY checkin_id
              HAVING timeout_at > 0 OR missed_at > 0 OR error_at > 0
             )
       WHERE judged_at_ms <= ${upTo}
       ORDER BY judged_at_ms DESC, checkin_id DESC
       LIMIT ${count}`);
    return rows.map(toRun).sort((a, b) => a.dateCreatedMs - b.dateCreatedMs || (a.checkinId < b.checkinId ? -1 : 1));
  }
}
