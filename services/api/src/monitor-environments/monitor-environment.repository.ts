import { joinSql, RUN_DURATION, RUN_STATUS, sql, type ClickHouse, type SqlFragment } from '@vigil/clickhouse';
import type { TrackState } from '@vigil/contracts';
import { RUN_LOOKBACK_MS } from '../checkins/run-lookback';
import type { DataSource } from 'typeorm';
import { isPostgresText } from '../common/postgres-text';

/** How many of an environment's latest runs are read: enough for the scheduler's interval anchor to settle. */
export const RUNS_READ_PER_ENVIRONMENT = 8;
/** How far back the latest runs are looked for first (see `factsOf`); an hourly job has 24 runs in it. */
export const FACTS_WINDOW_MS = 24 * 3600 * 1000;
/** Above this many monitors, a read covers their projects and keeps their rows (see `statusesOf`). */
const MONITORS_NAMED_IN_A_QUERY = 200;

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
   *
   * The latest runs are read from the last FACTS_WINDOW_MS first, with the signals of the day before it
   * (RUN_LOOKBACK_MS) of the runs that continue into it; an environment with fewer than `runs` runs begun in that
   * window is read over its whole history, which for such an environment is short. Environments are the ones with a
   * run in that window, a state (the scheduler judges every environment with a result) or settings; a monitor none
   * of these name is read whole. The answer is the one of reading every environment whole, but for a run that had a
   * signal more than a day before the window and none in that day (open for days, or closed late after a timeout):
   * it is dated by its first signal since then; and an environment with neither a state nor settings whose last run
   * is older than the window, beside one that has them, is not listed (the scheduler never judged it).
   */
  async factsOf(
    monitors: ReadonlyArray<{ projectId: number; id: string }>,
    environments: readonly string[] | null,
    options: { runs?: number; now?: number } = {},
  ): Promise<Map<string, Map<string, EnvironmentFacts>>> {
    const result = new Map<string, Map<string, EnvironmentFacts>>();
    if (monitors.length === 0 || (environments !== null && environments.length === 0)) return result;
    const perEnvironment = options.runs ?? RUNS_READ_PER_ENVIRONMENT;
    const since = (options.now ?? Date.now()) - FACTS_WINDOW_MS;
    const scope = monitorScope(monitors, environments);
    const [states, recent, settings] = await Promise.all([
      this.states(scope),
      this.latestRuns(scope, perEnvironment, since),
      this.settings(monitors, environments),
    ]);
    // The window answers for an environment when its `perEnvironment` latest runs all began in it. The others a
    // state or settings name, and every environment of a monitor nothing names, are read whole.
    const begunInWindow = new Map<string, number>();
    for (const row of recent) {
      if (Number(row.date_created_ms) >= since) begunInWindow.set(trackKey(row), (begunInWindow.get(trackKey(row)) ?? 0) + 1);
    }
    const known = new Map<string, { monitor_id: string; environment: string }>();
    for (const track of [...recent, ...states, ...settings.map((row) => ({ monitor_id: row.monitorId, environment: row.environment }))]) {
      known.set(trackKey(track), { monitor_id: track.monitor_id, environment: track.environment });
    }
    const older = [...known.values()].filter((track) => (begunInWindow.get(trackKey(track)) ?? 0) < perEnvironment);
    const named = new Set([...known.values()].map((track) => track.monitor_id));
    const unnamed = monitors.filter((monitor) => !named.has(monitor.id)).map((monitor) => monitor.id);
    const readWhole = new Set(older.map(trackKey));
    const whole =
      older.length === 0 && unnamed.length === 0
        ? []
        : await this.latestRuns(
            sql`${scope} AND (${joinSql(
              [
                ...(older.length === 0
                  ? []
                  : [
                      sql`(monitor_id, environment) IN (${joinSql(
                        older.map((track) => sql`(${track.monitor_id}, ${track.environment})`),
                        ', ',
                      )})`,
                    ]),
                ...(unnamed.length === 0 ? [] : [sql`monitor_id IN (${list(unnamed)})`]),
              ],
              ' OR ',
            )})`,
            perEnvironment,
            null,
          );
    const runs = [...recent.filter((row) => !readWhole.has(trackKey(row))), ...whole];
    const entry = (monitorId: string, name: string): EnvironmentFacts => factsEntry(result, monitorId, name);
    for (const row of states) entry(row.monitor_id, row.environment).state = { state: row.state, at: Number(row.changed_at_ms) };
    for (const row of runs) entry(row.monitor_id, row.environment).runs.push(runOf(row));
    for (const facts of result.values()) for (const known of facts.values()) known.runs.sort(newestFirst);
    for (const row of settings) entry(row.monitorId, row.environment).settings = row.settings;
    forgetDropped(result);
    return result;
  }

  /**
   * What the monitors list sorts and filters by, for every monitor of a list at once (decision 0024): each
   * environment's state (the scheduler's judgement, which every environment with a result has) and, where the
   * status needs more, its newest run: for an environment with a start (`in_progress`) in the last
   * FACTS_WINDOW_MS, which may be running, folded from that window's signals. A monitor none of these name (its
   * first check-ins, before the scheduler's judgement is written), or with an environment only settings name, is
   * read as `factsOf` reads it; another environment of a monitor is known here once its first judgement is written,
   * moments after its first result. A run that began before the window and is still open with no signal in it is
   * not seen as running: this read only orders and counts the list, each row shows `factsOf`'s answer.
   */
  async statusesOf(
    monitors: ReadonlyArray<{ projectId: number; id: string }>,
    environments: readonly string[] | null,
    options: { now?: number } = {},
  ): Promise<Map<string, Map<string, EnvironmentFacts>>> {
    const result = new Map<string, Map<string, EnvironmentFacts>>();
    if (monitors.length === 0 || (environments !== null && environments.length === 0)) return result;
    const now = options.now ?? Date.now();
    const since = now - FACTS_WINDOW_MS;
    // A long list is read by project and narrowed here: a query naming thousands of monitors costs more to parse
    // and to match than the rows it saves.
    const wanted = new Set(monitors.map((monitor) => monitor.id));
    const scope = monitors.length > MONITORS_NAMED_IN_A_QUERY ? projectScope(monitors, environments) : monitorScope(monitors, environments);
    const recently = sql`${scope} AND received_at >= ${new Date(since)} AND received_at_ms >= ${since}`;
    const [states, starting, settings] = await Promise.all([
      this.states(scope),
      // Starts are few beside the other signals, and the status column is one byte a row: most of the window is skipped.
      this.clickhouse.query<{ monitor_id: string; environment: string }>(sql`
        SELECT DISTINCT monitor_id, environment
          FROM checkins
         PREWHERE status = 'in_progress'
         WHERE ${recently} AND source != 'scheduler'`),
      this.settings(monitors, environments),
    ]);
    const entry = (monitorId: string, name: string): EnvironmentFacts => factsEntry(result, monitorId, name);
    for (const row of states)
      if (wanted.has(row.monitor_id)) entry(row.monitor_id, row.environment).state = { state: row.state, at: Number(row.changed_at_ms) };
    // The newest run matters where it may be running; where no state says more, the monitor is read whole below.
    const folded = starting.filter((row) => wanted.has(row.monitor_id));
    if (folded.length > 0) {
      const tracks =
        folded.length > MONITORS_NAMED_IN_A_QUERY
          ? sql`1 = 1`
          : sql`(monitor_id, environment) IN (${joinSql(
              folded.map((row) => sql`(${row.monitor_id}, ${row.environment})`),
              ', ',
            )})`;
      const newest = await this.clickhouse.query<NewestRunRow>(sql`
        SELECT monitor_id, environment, argMax(run_status, (date_created_ms, checkin_id)) AS newest_status, max(date_created_ms) AS newest_created_ms
          FROM (SELECT monitor_id, environment, checkin_id, ${RUN_STATUS} AS run_status, min(received_at_ms) AS date_created_ms,
                       countIf(source != 'scheduler') AS client_signals
                  FROM checkins
                 WHERE ${recently} AND ${tracks}
                 GROUP BY monitor_id, environment, checkin_id
                HAVING run_status != '' AND client_signals > 0)
         GROUP BY monitor_id, environment`);
      for (const row of newest) {
        if (!wanted.has(row.monitor_id)) continue;
        const created = Number(row.newest_created_ms);
        // Only what the status needs: the run's status and start.
        entry(row.monitor_id, row.environment).runs.push({
          checkinId: '',
          status: row.newest_status,
          durationMs: null,
          dateCreatedMs: created,
          dateUpdatedMs: created,
          countedAtMs: null,
          resultAtMs: null,
        });
      }
    }
    for (const row of settings) entry(row.monitorId, row.environment).settings = row.settings;
    // Monitors nothing above names, or with an environment only its settings name, are read whole.
    const unknown = monitors.filter((monitor) => {
      const byName = result.get(monitor.id);
      return !byName || [...byName.values()].some((facts) => facts.state === null && facts.runs.length === 0);
    });
    if (unknown.length > 0) {
      const read = await this.factsOf(unknown, environments, { runs: 1, now });
      for (const monitor of unknown) {
        const found = read.get(monitor.id);
        if (found) result.set(monitor.id, found);
        else result.delete(monitor.id);
      }
    }
    forgetDropped(result);
    return result;
  }

  private states(scope: SqlFragment): Promise<StateRow[]> {
    return this.clickhouse.query<StateRow>(sql`
      SELECT monitor_id, environment, toString(argMax(to_state, (at_ms, kafka_offset))) AS state, max(at_ms) AS changed_at_ms
        FROM monitor_states
       WHERE ${scope}
       GROUP BY monitor_id, environment`);
  }

  /**
   * The `perEnvironment` latest runs clients checked in for, per monitor-environment in `scope`, newest first.
   * With `since`: only the runs with a signal since RUN_LOOKBACK_MS before it, folded from those signals.
   */
  private latestRuns(scope: SqlFragment, perEnvironment: number, since: number | null): Promise<RunRow[]> {
    // Every run with a signal in the lookback day is read too (one pass over the rows: the table's sort key starts
    // with the monitor, so a time range saves no reading, only folding).
    const window: SqlFragment =
      since === null ? sql`1 = 1` : sql`received_at >= ${new Date(since - RUN_LOOKBACK_MS)} AND received_at_ms >= ${since - RUN_LOOKBACK_MS}`;
    return this.clickhouse.query<RunRow>(sql`
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
       WHERE ${scope} AND ${window}
       GROUP BY monitor_id, environment, checkin_id
      HAVING run_status != '' AND client_signals > 0
       ORDER BY date_created_ms DESC, checkin_id DESC
       LIMIT ${perEnvironment} BY monitor_id, environment`);
  }

  /** Per-environment mute and drop (a `monitor_environments` row) and the open issue, from Postgres. */
  private async settings(
    monitors: ReadonlyArray<{ projectId: number; id: string }>,
    environments: readonly string[] | null,
  ): Promise<Array<{ monitorId: string; environment: string; settings: EnvironmentSettings }>> {
    if (environments !== null && !environments.every(isPostgresText)) return [];
    // A long list is read by its projects (thousands of ids cost more to send than the few rows they save).
    const byProject = monitors.length > MONITORS_NAMED_IN_A_QUERY;
    const wanted = byProject ? new Set(monitors.map((monitor) => monitor.id)) : null;
    const scope = byProject ? 'monitor_id IN (SELECT id FROM monitors WHERE project_id = ANY($1::integer[]))' : 'monitor_id = ANY($1::uuid[])';
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
                   FROM monitor_environments WHERE ${scope}
                 UNION ALL
                 SELECT monitor_id, environment, false, NULL, id, opened_at FROM issues WHERE ${scope} AND status = 'open') AS known
          WHERE $2::text[] IS NULL OR environment = ANY($2::text[])
          GROUP BY monitor_id, environment`,
      [byProject ? [...new Set(monitors.map((monitor) => monitor.projectId))] : monitors.map((monitor) => monitor.id), environments],
    );
    return rows
      .filter((row) => wanted === null || wanted.has(row.monitor_id))
      .map((row) => ({
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

interface NewestRunRow {
  monitor_id: string;
  environment: string;
  newest_status: string;
  newest_created_ms: string | number;
}

const trackKey = (row: { monitor_id: string; environment: string }): string => `${row.monitor_id}\n${row.environment}`;
const newestFirst = (a: EnvironmentRun, b: EnvironmentRun): number =>
  b.dateCreatedMs - a.dateCreatedMs || (a.checkinId < b.checkinId ? 1 : a.checkinId > b.checkinId ? -1 : 0);

function list(values: ReadonlyArray<string | number>): SqlFragment {
  return joinSql(
    values.map((value) => sql`${value}`),
    ', ',
  );
}

function environmentScope(environments: readonly string[] | null): SqlFragment {
  return environments === null ? sql`1 = 1` : sql`environment IN (${list(environments)})`;
}

/** These monitors' rows (their projects first: the tables' sort keys begin with the project). */
function monitorScope(monitors: ReadonlyArray<{ projectId: number; id: string }>, environments: readonly string[] | null): SqlFragment {
  return sql`project_id IN (${list([...new Set(monitors.map((monitor) => monitor.projectId))])}) AND monitor_id IN (${list(monitors.map((monitor) => monitor.id))}) AND ${environmentScope(environments)}`;
}

/** Every row of these monitors' projects. */
function projectScope(monitors: ReadonlyArray<{ projectId: number }>, environments: readonly string[] | null): SqlFragment {
  return sql`project_id IN (${list([...new Set(monitors.map((monitor) => monitor.projectId))])}) AND ${environmentScope(environments)}`;
}

function runOf(row: RunRow): EnvironmentRun {
  const counted = Number(row.counted_at_ms);
  const resultAt = Number(row.result_at_ms);
  return {
    checkinId: row.checkin_id,
    status: row.run_status,
    durationMs: row.run_duration_ms === null ? null : Number(row.run_duration_ms),
    dateCreatedMs: Number(row.date_created_ms),
    dateUpdatedMs: Number(row.date_updated_ms),
    countedAtMs: counted > 0 ? counted : null,
    resultAtMs: resultAt > 0 ? resultAt : null,
  };
}

/** A dropped environment keeps only what happened after its drop (the deletion of its rows is asynchronous). */
function forgetDropped(result: Map<string, Map<string, EnvironmentFacts>>): void {
  for (const byName of result.values()) {
    for (const [name, facts] of byName) {
      const droppedAt = facts.settings.droppedAt;
      if (droppedAt === null) continue;
      facts.runs = facts.runs.filter((run) => run.dateCreatedMs > droppedAt);
      if (facts.state && facts.state.at <= droppedAt) facts.state = null;
      if (facts.runs.length === 0 && facts.state === null && !facts.settings.isMuted && facts.settings.openIssue === null) byName.delete(name);
    }
  }
}

/** The facts of one monitor-environment in `result`, created empty the first time it is asked for. */
function factsEntry(result: Map<string, Map<string, EnvironmentFacts>>, monitorId: string, name: string): EnvironmentFacts {
  let byName = result.get(monitorId);
  if (!byName) result.set(monitorId, (byName = new Map<string, EnvironmentFacts>()));
  let found = byName.get(name);
  if (!found) {
    found = { state: null, runs: [], settings: { isMuted: false, openIssue: null, droppedAt: null } };
    byName.set(name, found);
  }
  return found;
}
