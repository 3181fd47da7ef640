import { sql, type ClickHouse, type SqlFragment } from '@vigil/clickhouse';
import type { TrackState } from '@vigil/contracts';
import type { DataSource } from 'typeorm';
import { isPostgresText } from '../common/postgres-text';

/** How many of an environment's latest runs are read: enough for the scheduler's interval anchor to settle. */
export const RUNS_READ_PER_ENVIRONMENT = 8;

export interface EnvironmentStateRecord {
  state: TrackState;
  /** Event time of the change. */
  at: number;
}

/** A run that a client checked in for (misses the scheduler minted are not check-ins). */
export interface EnvironmentRun {
  checkinId: string;
  status: string;
  durationMs: number | null;
  dateCreatedMs: number;
  dateUpdatedMs: number;
  /** When the run counted for the schedule: its first start or result (logs never count). Null: it did not. */
  countedAtMs: number | null;
  /** Its first success or failure: what counts under Healthchecks' rules for a period (the scheduler's `Track`, rule 8). */
  resultAtMs: number | null;
}

export interface EnvironmentSettings {
  isMuted: boolean;
  openIssueId: string | null;
}

export interface EnvironmentFacts {
  state: EnvironmentStateRecord | null;
  /** Newest first, at most RUNS_READ_PER_ENVIRONMENT. */
  runs: EnvironmentRun[];
  settings: EnvironmentSettings;
}

interface StateRow {
  environment: string;
  state: TrackState;
  changed_at_ms: string | number;
}

interface RunRow {
  environment: string;
  checkin_id: string;
  run_status: string;
  run_duration_ms: string | number | null;
  date_created_ms: string | number;
  date_updated_ms: string | number;
  counted_at_ms: string | number;
  result_at_ms: string | number;
}

/**
 * What is known about each environment of a monitor: its latest state change (ClickHouse `monitor_states`,
 * written by history from the scheduler's `vigil.monitor-states.v1`), its latest runs (ClickHouse `checkins`)
 * and its settings and open issue (Postgres). Environments come from all three: one that only has a mute
 * setting, or whose check-ins were not judged yet, is listed too.
 */
export class MonitorEnvironmentRepository {
  constructor(
    private readonly clickhouse: ClickHouse,
    private readonly dataSource: DataSource,
  ) {}

  async facts(projectId: number, monitorId: string, environment: string | null): Promise<Map<string, EnvironmentFacts>> {
    const onlyEnvironment: SqlFragment = environment === null ? sql`1 = 1` : sql`environment = ${environment}`;
    const [states, runs, settings] = await Promise.all([
      this.clickhouse.query<StateRow>(sql`
        SELECT environment, toString(argMax(to_state, (at_ms, kafka_offset))) AS state, max(at_ms) AS changed_at_ms
          FROM monitor_states
         WHERE project_id = ${projectId} AND monitor_id = ${monitorId} AND ${onlyEnvironment}
         GROUP BY environment`),
      this.clickhouse.query<RunRow>(sql`
        SELECT environment,
               checkin_id,
               argMaxIf(toString(status), received_at_ms, status NOT IN ('log', 'ign')) AS run_status,
               max(duration_ms) AS run_duration_ms,
               min(received_at_ms) AS date_created_ms,
               max(received_at_ms) AS date_updated_ms,
               minIf(received_at_ms, status IN ('in_progress', 'ok', 'error') AND source != 'scheduler') AS counted_at_ms,
               minIf(received_at_ms, status IN ('ok', 'error') AND source != 'scheduler') AS result_at_ms,
               countIf(source != 'scheduler') AS client_signals
          FROM checkins
         WHERE project_id = ${projectId} AND monitor_id = ${monitorId} AND ${onlyEnvironment}
         GROUP BY environment, checkin_id
        HAVING run_status != '' AND client_signals > 0
         ORDER BY date_created_ms DESC, checkin_id DESC
         LIMIT ${RUNS_READ_PER_ENVIRONMENT} BY environment`),
      this.settings(monitorId, environment),
    ]);
    const facts = new Map<string, EnvironmentFacts>();
    const entry = (name: string): EnvironmentFacts => {
      let found = facts.get(name);
      if (!found) {
        found = { state: null, runs: [], settings: { isMuted: false, openIssueId: null } };
        facts.set(name, found);
      }
      return found;
    };
    for (const row of states) entry(row.environment).state = { state: row.state, at: Number(row.changed_at_ms) };
    for (const row of runs) {
      const counted = Number(row.counted_at_ms);
      const result = Number(row.result_at_ms);
      entry(row.environment).runs.push({
        checkinId: row.checkin_id,
        status: row.run_status,
        durationMs: row.run_duration_ms === null ? null : Number(row.run_duration_ms),
        dateCreatedMs: Number(row.date_created_ms),
        dateUpdatedMs: Number(row.date_updated_ms),
        countedAtMs: counted > 0 ? counted : null,
        resultAtMs: result > 0 ? result : null,
      });
    }
    for (const [name, value] of settings) entry(name).settings = value;
    return facts;
  }

  /** Per-environment mute (a `monitor_environments` row) and the open issue, from Postgres. */
  private async settings(monitorId: string, environment: string | null): Promise<Map<string, EnvironmentSettings>> {
    if (environment !== null && !isPostgresText(environment)) return new Map();
    const rows: Array<{ environment: string; is_muted: boolean | null; open_issue_id: string | null }> = await this.dataSource.query(
      `SELECT environment, bool_or(is_muted) AS is_muted, max(open_issue_id::text) AS open_issue_id
         FROM (SELECT environment, is_muted, NULL::uuid AS open_issue_id FROM monitor_environments WHERE monitor_id = $1
               UNION ALL
               SELECT environment, false, id FROM issues WHERE monitor_id = $1 AND status = 'open') AS known
        WHERE $2::text IS NULL OR environment = $2
        GROUP BY environment`,
      [monitorId, environment],
    );
    return new Map(rows.map((row) => [row.environment, { isMuted: row.is_muted === true, openIssueId: row.open_issue_id }]));
  }
}
