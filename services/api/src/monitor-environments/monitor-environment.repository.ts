import { joinSql, RUN_DURATION, RUN_STATUS, sql, type ClickHouse, type SqlFragment } from '@vigil/clickhouse';
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
  /** The issue open for the environment (Sentry's active incident). */
  openIssue: { id: string; openedAt: Date } | null;
  /** When the environment was last dropped through the API (epoch ms); null: never. */
  droppedAt: number | null;
}

export interface EnvironmentFacts {
  state: EnvironmentStateRecord | null;
  /** Newest first, at most RUNS_READ_PER_ENVIRONMENT. */
  runs: EnvironmentRun[];
  settings: EnvironmentSettings;
}

interface StateRow {
  monitor_id: string;
  environment: string;
  state: TrackState;
  changed_at_ms: string | number;
}

interface RunRow {
  monitor_id: string;
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
    const all = await this.factsOf([{ projectId, id: monitorId }], environment === null ? null : [environment]);
    return all.get(monitorId) ?? new Map();
  }

  /**
   * `facts` for many monitors at once (a page of the monitor list), by monitor id, then environment; only the
   * environments named when `environments` is given. An environment dropped through the API is left out
   * until something happens in it after the drop (ClickHouse deletes its rows a moment later).
   */
  async factsOf(
    monitors: ReadonlyArray<{ projectId: number; id: string }>,
    environments: readonly string[] | null,
  ): Promise<Map<string, Map<string, EnvironmentFacts>>> {
    const result = new Map<string, Map<string, EnvironmentFacts>>();
    if (monitors.length === 0 || (environments !== null && environments.length === 0)) return result;
    const projects = joinSql(
      [...new Set(monitors.map((monitor) => monitor.projectId))].map((id) => sql`${id}`),
      ', ',
    );
    const ids = joinSql(
      monitors.map((monitor) => sql`${monitor.id}`),
      ', ',
    );
    const onlyEnvironments: SqlFragment =
      environments === null
        ? sql`1 = 1`
        : sql`environment IN (${joinSql(
            environments.map((name) => sql`${name}`),
            ', ',
          )})`;
    const [states, runs, settings] = await Promise.all([
      this.clickhouse.query<StateRow>(sql`
        SELECT monitor_id, environment, toString(argMax(to_state, (at_ms, kafka_offset))) AS state, max(at_ms) AS changed_at_ms
          FROM monitor_states
         WHERE project_id IN (${projects}) AND monitor_id IN (${ids}) AND ${onlyEnvironments}
         GROUP BY monitor_id, environment`),
      this.clickhouse.query<RunRow>(sql`
        SELECT monitor_id,
               environment,
               checkin_id,
               ${RUN_STATUS} AS run_status,
               ${RUN_DURATION} AS run_duration_ms,
               min(received_at_ms) AS date_created_ms,
               max(received_at_ms) AS date_updated_ms,
               minIf(received_at_ms, status IN ('in_progress', 'ok', 'error') AND source != 'scheduler') AS counted_at_ms,
               minIf(received_at_ms, status IN ('ok', 'error') AND source != 'scheduler') AS result_at_ms,
               countIf(source != 'scheduler') AS client_signals
          FROM checkins
         WHERE project_id IN (${projects}) AND monitor_id IN (${ids}) AND ${onlyEnvironments}
         GROUP BY monitor_id, environment, checkin_id
        HAVING run_status != '' AND client_signals > 0
         ORDER BY date_created_ms DESC, checkin_id DESC
         LIMIT ${RUNS_READ_PER_ENVIRONMENT} BY monitor_id, environment`),
      this.settings(
        monitors.map((monitor) => monitor.id),
        environments,
      ),
    ]);
    const entry = (monitorId: string, name: string): EnvironmentFacts => {
      let byName = result.get(monitorId);
      if (!byName) result.set(monitorId, (byName = new Map<string, EnvironmentFacts>()));
      let found = byName.get(name);
      if (!found) {
        found = { state: null, runs: [], settings: { isMuted: false, openIssue: null, droppedAt: null } };
        byName.set(name, found);
      }
      return found;
    };
    for (const row of states) entry(row.monitor_id, row.environment).state = { state: row.state, at: Number(row.changed_at_ms) };
    for (const row of runs) {
      const counted = Number(row.counted_at_ms);
      const resultAt = Number(row.result_at_ms);
      entry(row.monitor_id, row.environment).runs.push({
        checkinId: row.checkin_id,
        status: row.run_status,
        durationMs: row.run_duration_ms === null ? null : Number(row.run_duration_ms),
        dateCreatedMs: Number(row.date_created_ms),
        dateUpdatedMs: Number(row.date_updated_ms),
        countedAtMs: counted > 0 ? counted : null,
        resultAtMs: resultAt > 0 ? resultAt : null,
      });
    }
    for (const row of settings) entry(row.monitorId, row.environment).settings = row.settings;
    // A dropped environment keeps only what happened after its drop (the deletion of its rows is asynchronous).
    for (const byName of result.values()) {
      for (const [name, facts] of byName) {
        const droppedAt = facts.settings.droppedAt;
        if (droppedAt === null) continue;
        facts.runs = facts.runs.filter((run) => run.dateCreatedMs > droppedAt);
        if (facts.state && facts.state.at <= droppedAt) facts.state = null;
        if (facts.runs.length === 0 && facts.state === null && !facts.settings.isMuted && facts.settings.openIssue === null) byName.delete(name);
      }
    }
    return result;
  }

  /** Per-environment mute and drop (a `monitor_environments` row) and the open issue, from Postgres. */
  private async settings(
    monitorIds: readonly string[],
    environments: readonly string[] | null,
  ): Promise<Array<{ monitorId: string; environment: string; settings: EnvironmentSettings }>> {
    if (environments !== null && !environments.every(isPostgresText)) return [];
    const rows: Array<{
      monitor_id: string;
      environment: string;
      is_muted: boolean | null;
      dropped_at_ms: string | null;
      open_issue_id: string | null;
      opened_at: Date | null;
    }> = await this.dataSource.query(
      `SELECT monitor_id, environment, bool_or(is_muted) AS is_muted, (extract(epoch FROM max(dropped_at)) * 1000)::bigint::text AS dropped_at_ms,
                max(open_issue_id::text) AS open_issue_id, max(opened_at) AS opened_at
           FROM (SELECT monitor_id, environment, is_muted, dropped_at, NULL::uuid AS open_issue_id, NULL::timestamptz AS opened_at
                   FROM monitor_environments WHERE monitor_id = ANY($1::uuid[])
                 UNION ALL
                 SELECT monitor_id, environment, false, NULL, id, opened_at FROM issues WHERE monitor_id = ANY($1::uuid[]) AND status = 'open') AS known
          WHERE $2::text[] IS NULL OR environment = ANY($2::text[])
          GROUP BY monitor_id, environment`,
      [monitorIds, environments],
    );
    return rows.map((row) => ({
      monitorId: row.monitor_id,
      environment: row.environment,
      settings: {
        isMuted: row.is_muted === true,
        droppedAt: row.dropped_at_ms === null ? null : Number(row.dropped_at_ms),
        openIssue: row.open_issue_id === null ? null : { id: row.open_issue_id, openedAt: row.opened_at! },
      },
    }));
  }
}
