import { ClickHouse, joinSql, RUN_STARTED_NOT_CLOSED, sql, type SqlFragment } from '@vigil/clickhouse';
import { monitorEnvironmentKey, type CheckinMessageV1 } from '@vigil/contracts';
import { MAX_FINISHED_RUNS, MAX_OPEN_RUN_AGE_MS, MAX_OPEN_RUNS, type OpenRun } from '@vigil/runs';
import type { RunStore, Track } from './run-resolver';

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** The key of a run in a monitor: check-in ids are the client's, so only the pair is certain to be one run. */
export function runOfMonitor(monitorId: string, checkinId: string): string {
  return `${monitorId}:${checkinId}`;
}

/** Open runs and stored event ids, read from the `checkins` table. */
export class ClickHouseRunStore implements RunStore {
  constructor(private readonly clickhouse: ClickHouse) {}

  async openRuns(tracks: readonly Track[], now: number): Promise<Map<string, OpenRun[]>> {
    const projects = unique(tracks.map((track) => track.projectId));
    const monitors = unique(tracks.map((track) => track.monitorId));
    const since = Math.floor((now - MAX_OPEN_RUN_AGE_MS) / 1000);
    // A run is open while no ok/error closed it, whatever arrived after a close (a start it overtook) and
    // whether it timed out or not: the runs ledger keeps a timed-out run open for its late close (libs/runs).
    const rows = await this.clickhouse.query<{
      monitor_id: string;
      environment: string;
      checkin_id: string;
      started_ms: string | number;
      named: string | number;
    }>(sql`
      SELECT monitor_id, environment, checkin_id, minIf(received_at_ms, status = 'in_progress') AS started_ms,
             argMinIf(run_match = 'exact', received_at_ms, status = 'in_progress') AS named
        FROM checkins
       WHERE project_id IN (${joinSql(
         projects.map((id) => sql`${id}`),
         ', ',
       )})
         AND monitor_id IN (${joinSql(
           monitors.map((id) => sql`${id}`),
           ', ',
         )})
         AND received_at >= toDateTime(${since})
       GROUP BY monitor_id, environment, checkin_id
      HAVING ${RUN_STARTED_NOT_CLOSED}`);
    const wanted = new Set(tracks.map((track) => monitorEnvironmentKey(track.monitorId, track.environment)));
    const open = new Map<string, OpenRun[]>();
    for (const row of rows) {
      const key = monitorEnvironmentKey(row.monitor_id, row.environment);
      if (!wanted.has(key)) continue;
      const runs = open.get(key) ?? [];
      runs.push({ checkinId: row.checkin_id, startedAt: Number(row.started_ms), named: Number(row.named) === 1 });
      open.set(key, runs);
    }
    for (const [key, runs] of open) open.set(key, runs.sort((a, b) => a.startedAt - b.startedAt).slice(-MAX_OPEN_RUNS));
    return open;
  }

  /**
   * The runs of each track that finished last (`MAX_FINISHED_RUNS`), oldest first, ordered by their latest
   * ok/error as the runs ledger orders them, so a late start or a second close after a restart is recognised.
   */
  async finishedRuns(tracks: readonly Track[], now: number): Promise<Map<string, string[]>> {
    const since = Math.floor((now - MAX_OPEN_RUN_AGE_MS) / 1000);
    const rows = await this.clickhouse.query<{ monitor_id: string; environment: string; checkin_id: string }>(sql`
      SELECT monitor_id, environment, checkin_id, maxIf(received_at_ms, status IN ('ok', 'error')) AS finished_ms
        FROM checkins
       WHERE ${this.tracksWhere(tracks)}
         AND received_at >= toDateTime(${since})
       GROUP BY monitor_id, environment, checkin_id
      HAVING countIf(status IN ('ok', 'error')) > 0
       ORDER BY finished_ms DESC, checkin_id DESC
       LIMIT ${MAX_FINISHED_RUNS} BY monitor_id, environment`);
    const wanted = new Set(tracks.map((track) => monitorEnvironmentKey(track.monitorId, track.environment)));
    const finished = new Map<string, string[]>();
    for (const row of rows) {
      const key = monitorEnvironmentKey(row.monitor_id, row.environment);
      if (!wanted.has(key)) continue;
      finished.set(key, [row.checkin_id, ...(finished.get(key) ?? [])]);
    }
    return finished;
  }

  /**
   * For check-ins that close a run by its id, the environment each id was stored under before, when another than
   * theirs (Sentry's `checkin_environment_mismatch`): keyed by check-in id.
   */
  async otherEnvironments(messages: readonly CheckinMessageV1[]): Promise<Map<string, string>> {
    if (messages.length === 0) return new Map();
    const since = Math.floor((messages.reduce((min, message) => Math.min(min, message.received_at), Number.POSITIVE_INFINITY) - MAX_OPEN_RUN_AGE_MS) / 1000);
    const rows = await this.clickhouse.query<{ monitor_id: string; checkin_id: string; opened_in: string }>(sql`
      SELECT monitor_id, checkin_id, any(environment) AS opened_in
        FROM checkins
       WHERE ${this.tracksWhere(messages.map((message) => ({ projectId: message.project_id, monitorId: message.monitor_id, environment: message.environment })))}
         AND received_at >= toDateTime(${Math.max(0, since)})
         AND checkin_id IN (${joinSql(
           messages.map((message) => sql`${message.checkin_id}`),
           ', ',
         )})
         AND NOT (${joinSql(
           messages.map((message) => sql`(checkin_id = ${message.checkin_id} AND environment = ${message.environment})`),
           ' OR ',
         )})
       GROUP BY monitor_id, checkin_id`);
    return new Map(rows.map((row) => [runOfMonitor(row.monitor_id, row.checkin_id), row.opened_in]));
  }

  private tracksWhere(tracks: readonly Track[]): SqlFragment {
    const projects = unique(tracks.map((track) => track.projectId));
    const monitors = unique(tracks.map((track) => track.monitorId));
    return sql`project_id IN (${joinSql(
      projects.map((id) => sql`${id}`),
      ', ',
    )}) AND monitor_id IN (${joinSql(
      monitors.map((id) => sql`${id}`),
      ', ',
    )})`;
  }

  async storedEventIds(messages: readonly CheckinMessageV1[]): Promise<Set<string>> {
    if (messages.length === 0) return new Set();
    const projects = unique(messages.map((message) => message.project_id));
    const monitors = unique(messages.map((message) => message.monitor_id));
    const since = Math.floor(messages.reduce((min, message) => Math.min(min, message.received_at), Number.POSITIVE_INFINITY) / 1000);
    const rows = await this.clickhouse.query<{ event_id: string }>(sql`
      SELECT DISTINCT event_id
        FROM checkins
       WHERE project_id IN (${joinSql(
         projects.map((id) => sql`${id}`),
         ', ',
       )})
         AND monitor_id IN (${joinSql(
           monitors.map((id) => sql`${id}`),
           ', ',
         )})
         AND received_at >= toDateTime(${since})
         AND event_id IN (${joinSql(
           messages.map((message) => sql`${message.event_id}`),
           ', ',
         )})`);
    return new Set(rows.map((row) => row.event_id));
  }
}
