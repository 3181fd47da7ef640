import { Inject, Injectable } from '@nestjs/common';
import { ClickHouse, sql } from '@vigil/clickhouse';

export interface CheckinSummary {
  checkin_id: string;
  environment: string;
  status: string;
  duration_ms: number | null;
  date_created_ms: number;
  date_updated_ms: number;
}

interface Row {
  checkin_id: string;
  environment: string;
  status: string;
  duration_ms: string | number | null;
  date_created_ms: string | number;
  date_updated_ms: string | number;
}

/**
 * Check-in history from ClickHouse, one entry per run: a run's signals (start, finish, repeats of either)
 * fold into its latest status, so a redelivered message never shows twice. `log` pings change no status:
 * they are left out of the fold, and a run of logs alone is not a check-in. The duration is the one
 * history resolved for the closing signal (the client's, or the time since the run started).
 */
@Injectable()
export class CheckinHistoryRepository {
  constructor(@Inject(ClickHouse) private readonly clickhouse: ClickHouse) {}

  async listForMonitor(projectId: number, monitorId: string, limit: number): Promise<CheckinSummary[]> {
    const rows = await this.clickhouse.query<Row>(sql`
      SELECT checkin_id,
             environment,
             argMaxIf(toString(status), received_at_ms, status != 'log') AS status,
             max(duration_ms) AS duration_ms,
             min(received_at_ms) AS date_created_ms,
             max(received_at_ms) AS date_updated_ms
        FROM checkins
       WHERE project_id = ${projectId} AND monitor_id = ${monitorId}
       GROUP BY checkin_id, environment
      HAVING status != ''
       ORDER BY date_created_ms DESC, checkin_id DESC
       LIMIT ${limit}`);
    return rows.map((row) => ({
      checkin_id: row.checkin_id,
      environment: row.environment,
      status: row.status,
      duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
      date_created_ms: Number(row.date_created_ms),
      date_updated_ms: Number(row.date_updated_ms),
    }));
  }
}
