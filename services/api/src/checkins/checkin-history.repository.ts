import { joinSql, RUN_DURATION, RUN_STATUS, sql, type ClickHouse, type SqlFragment, type SqlValue } from '@vigil/clickhouse';
import type { KeysetWindow } from '../common/pagination/keyset-pagination';
import type { TimeRange } from '../common/time-range';
import type { RunKey } from './run-key';

export interface CheckinSummary {
  checkin_id: string;
  environment: string;
  status: string;
  duration_ms: number | null;
  date_created_ms: number;
  date_updated_ms: number;
}

/** Which runs of a monitor to list: environments (empty: all), when they started, and the page. */
export interface CheckinQuery {
  environments: readonly string[];
  /** Environments dropped through the API, with when (epoch ms): their signals up to then are left out. */
  dropped?: ReadonlyArray<readonly [string, number]>;
  range: TimeRange;
  window: KeysetWindow<RunKey>;
}

interface Row {
  checkin_id: string;
  environment: string;
  run_status: string;
  duration_ms: string | number | null;
  date_created_ms: string | number;
  date_updated_ms: string | number;
}

/**
 * Runs are read with their signals from this far before the range starts, so a run's start (its first signal)
 * is known even when it arrived before the range and the run ended inside it: the longest a run can stay open
 * (max_runtime, four weeks) and a day more. Only the partitions of those months are read.
 */
const RUN_REACH_MS = 29 * 86_400_000;

/** The last instant ClickHouse's DateTime holds (2106): a bound past it would wrap around. */
const LAST_DATETIME_MS = 4_294_967_295_000;

/** `expression IN (a, b, c)` for a non-empty list of values. */
function inList(expression: SqlFragment, values: readonly SqlValue[]): SqlFragment {
  return sql`${expression} IN (${joinSql(
    values.map((value) => sql`${value}`),
    ', ',
  )})`;
}

/**
 * The run key comparison of keyset pages: runs are ordered newest first by (start, checkin_id, environment), and a
 * page holds the runs after (`older`) or before (`newer`) the boundary run, or from it (`inclusive`).
 */
function beyond(key: RunKey, direction: 'older' | 'newer', inclusive: boolean): SqlFragment {
  const strict = direction === 'older' ? sql`<` : sql`>`;
  const last = inclusive ? (direction === 'older' ? sql`<=` : sql`>=`) : strict;
  return sql`(date_created_ms ${strict} ${key.createdMs}
    OR (date_created_ms = ${key.createdMs} AND (checkin_id ${strict} ${key.checkinId}
      OR (checkin_id = ${key.checkinId} AND environment ${last} ${key.environment}))))`;
}

/**
 * Check-in history from ClickHouse, one entry per run: a run's signals (start, finish, repeats of either)
 * fold into its status as Sentry judges it (`RUN_STATUS`: a timeout stands, then the first close), so a
 * redelivered message never shows twice and a start that arrived after its close never shows the run in
 * progress. `log` pings change no status: they are left out of the fold, and a run of logs alone is not a
 * check-in. The duration is the one history resolved for the first close (the client's, or the time since
 * the run started; after a timeout, the late close's). Every value
 * goes through `sql`'s literals; the SQL runs on ClickHouse 18.16 and current releases.
 */
export class CheckinHistoryRepository {
  // A plain class (provided by a factory in api.module.ts), so the SQL is tested on real ClickHouse without Nest.
  constructor(private readonly clickhouse: ClickHouse) {}

  /** One page of a monitor's runs, in the order the window reads them (see `keysetPage`). */
  async listForMonitor(projectId: number, monitorId: string, query: CheckinQuery): Promise<CheckinSummary[]> {
    const { window, range } = query;
    if (window.empty) return [];
    const environment = query.environments.length > 0 ? sql`AND ${inList(sql`environment`, query.environments)}` : sql``;
    const page = window.key ? sql`AND ${beyond(window.key, window.direction, window.inclusive)}` : sql``;
    const dropped =
      query.dropped && query.dropped.length > 0
        ? sql`AND NOT (${joinSql(
            query.dropped.map(([name, at]) => sql`(environment = ${name} AND received_at_ms <= ${at})`),
            ' OR ',
          )})`
        : sql``;
    const order = window.direction === 'older' ? sql`DESC` : sql`ASC`;
    const rows = await this.clickhouse.query<Row>(sql`
      SELECT checkin_id,
             environment,
             ${RUN_STATUS} AS run_status,
             ${RUN_DURATION} AS duration_ms,
             min(received_at_ms) AS date_created_ms,
             max(received_at_ms) AS date_updated_ms
        FROM checkins
       WHERE project_id = ${projectId} AND monitor_id = ${monitorId}
         AND received_at >= ${new Date(Math.min(Math.max(range.startMs - RUN_REACH_MS, 0), LAST_DATETIME_MS))}
         ${environment}
         ${dropped}
       GROUP BY checkin_id, environment
      HAVING run_status != ''
         AND date_created_ms >= ${range.startMs}
         ${range.endMs === null ? sql`` : sql`AND date_created_ms <= ${range.endMs}`}
         ${page}
       ORDER BY date_created_ms ${order}, checkin_id ${order}, environment ${order}
       LIMIT ${window.fetch}`);
    return rows.map((row) => ({
      checkin_id: row.checkin_id,
      environment: row.environment,
      status: row.run_status,
      duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
      date_created_ms: Number(row.date_created_ms),
      date_updated_ms: Number(row.date_updated_ms),
    }));
  }

  /**
   * Deletes the history of these environments of a monitor (check-ins and state changes): `ALTER TABLE ...
   * DELETE` mutations, which ClickHouse (18.16 and current) applies in the background to the rows there when
   * they are submitted; rows written later stay. Readers hide what is from before the drop in the meantime, and
   * a check-in received before it that history writes after (it was on its way): see `dropped` (decision 0018).
   */
  async dropEnvironments(projectId: number, monitorId: string, environments: readonly string[]): Promise<void> {
    if (environments.length === 0) return;
    const where = sql`project_id = ${projectId} AND monitor_id = ${monitorId} AND ${inList(sql`environment`, environments)}`;
    await this.clickhouse.command(sql`ALTER TABLE checkins DELETE WHERE ${where}`);
    await this.clickhouse.command(sql`ALTER TABLE monitor_states DELETE WHERE ${where}`);
  }

  /** The monitors of these projects that have checked in from one of these environments. */
  async monitorsIn(projectIds: readonly number[], environments: readonly string[]): Promise<string[]> {
    if (projectIds.length === 0 || environments.length === 0) return [];
    const rows = await this.clickhouse.query<{ monitor_id: string }>(sql`
      SELECT DISTINCT monitor_id
        FROM checkins
       WHERE ${inList(sql`project_id`, projectIds)} AND ${inList(sql`environment`, environments)}`);
    return rows.map((row) => row.monitor_id);
  }
}
