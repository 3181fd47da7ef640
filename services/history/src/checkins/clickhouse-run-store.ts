import { ClickHouse, joinSql, RUN_STATUS, sql } from '@vigil/clickhouse';
import { monitorEnvironmentKey, type CheckinMessageV1 } from '@vigil/contracts';
import { MAX_OPEN_RUN_AGE_MS, MAX_OPEN_RUNS, type OpenRun } from '@vigil/runs';
import type { RunStore, Track } from './run-resolver';

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Open runs and stored event ids, read from the `checkins` table. */
export class ClickHouseRunStore implements RunStore {
  constructor(private readonly clickhouse: ClickHouse) {}

  async openRuns(tracks: readonly Track[], now: number): Promise<Map<string, OpenRun[]>> {
    const projects = unique(tracks.map((track) => track.projectId));
    const monitors = unique(tracks.map((track) => track.monitorId));
    const since = Math.floor((now - MAX_OPEN_RUN_AGE_MS) / 1000);
    // A run is open when its latest signal that is not a log is `in_progress` (a timeout closes it too).
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
      HAVING ${RUN_STATUS} = 'in_progress'`);
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
