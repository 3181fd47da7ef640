import { RUN_OPEN, SqlFragment, sql, type ClickHouse } from '@vigil/clickhouse';
import { TRACK_STATES, type TrackState } from '@vigil/contracts';
import { MAX_OPEN_RUN_AGE_MS } from '@vigil/runs';
import { activityFrom, type ActivityFacts, type CheckActivity } from './check.presenter';
import { STORED_STATUS_OF } from './check-status';

/** The environment Healthchecks pings record into (ingest's default), which is the check this API shows. */
export const CHECK_ENVIRONMENT = 'production';

/** How many pings `GET .../pings/` returns, newest first (Healthchecks' default ping log limit). */
export const PING_LOG_LIMIT = 100;
/** How many flips `GET .../flips/` returns, newest first. */
export const FLIP_LIMIT = 1000;

/** One check-in as the pings list shows it. `n` counts the monitor's check-ins from 1, oldest first. */
export interface PingEntry {
  n: number;
  status: 'in_progress' | 'ok' | 'error' | 'log' | 'ign';
  receivedAtMs: number;
  runId: string;
  /** The client named the run (a rid); false: Vigil matched the ping to a run, or started one. */
  runNamed: boolean;
  durationMs: number | null;
  hasBody: boolean;
  remoteAddr: string;
  userAgent: string;
}

export interface FlipEntry {
  atMs: number;
  to: TrackState;
}

export interface FlipWindow {
  fromMs: number | null;
  untilMs: number | null;
}

interface ActivityRow {
  monitor_id: string;
  n_pings: string | number;
  last_ping_ms: string | number;
  last_duration_ms: string | number | null;
}

interface CountedRow {
  monitor_id: string;
  last_counted_ms: string | number;
}

interface OpenRunsRow {
  monitor_id: string;
  open_starts: Array<string | number>;
}

interface StateRow {
  monitor_id: string;
  state: TrackState;
  suspended_ms: string | number;
  resumed_ms: string | number;
}

interface PingRow {
  status: PingEntry['status'];
  received_at_ms: string | number;
  checkin_id: string;
  run_match: string;
  duration_ms: string | number | null;
  body_length: string | number;
  remote_addr: string;
  user_agent: string;
}

/** Rows of the check's own check-ins (no scheduler outcomes), each signal once however often it was delivered. */
function ownCheckins(projectId: number, monitorId: string | null): SqlFragment {
  const monitor = monitorId === null ? sql`` : sql` AND monitor_id = ${monitorId}`;
  return sql`project_id = ${projectId}${monitor} AND environment = ${CHECK_ENVIRONMENT} AND source != 'scheduler'`;
}

/** `multiIf` giving the Healthchecks stored status of a state column, from `STORED_STATUS_OF` (one mapping for SQL and code). */
function storedStatus(column: 'from_state' | 'to_state'): SqlFragment {
  const groups = new Map<string, string[]>();
  for (const state of TRACK_STATES) groups.set(STORED_STATUS_OF[state], [...(groups.get(STORED_STATUS_OF[state]) ?? []), state]);
  const branches = [...groups.entries()].map(([group, states]) => sql`has(${states}, toString(${new SqlFragment(column)})), ${group}`.text);
  return new SqlFragment(`multiIf(${branches.join(', ')}, '')`);
}

/**
 * The Healthchecks view of history (ClickHouse, `checkins` and `monitor_states`), for a monitor's `production`
 * environment. Every value goes through `sql`; the SQL runs on ClickHouse 18.16 and current releases.
 */
export class CheckHistoryRepository {
  // A plain class (provided by a factory in api.module.ts), so the SQL is tested on real ClickHouse without Nest.
  constructor(private readonly clickhouse: ClickHouse) {}

  /**
   * Activity of the project's monitors (or of one), by monitor id; a monitor without history is absent. The
   * state's pause boundaries (the scheduler's changes to and from `paused`) are applied by `activityFrom`: a
   * resume clears the last ping, a pause or a resume the running starts, as in Healthchecks.
   */
  async activity(projectId: number, monitorId: string | null = null): Promise<Map<string, CheckActivity>> {
    const monitor = monitorId === null ? sql`` : sql` AND monitor_id = ${monitorId}`;
    const since = Math.floor((Date.now() - MAX_OPEN_RUN_AGE_MS) / 1000);
    const [signals, counted, open, states] = await Promise.all([
      this.clickhouse.query<ActivityRow>(sql`
        SELECT monitor_id,
               uniqExact(event_id) AS n_pings,
               maxIf(received_at_ms, status IN ('ok', 'error')) AS last_ping_ms,
               argMaxIf(duration_ms, received_at_ms, status IN ('ok', 'error')) AS last_duration_ms
          FROM checkins
         WHERE ${ownCheckins(projectId, monitorId)}
         GROUP BY monitor_id`),
      // The latest run's first start or result: what the scheduler counted last (rule 2), for crontab and Sentry intervals.
      this.clickhouse.query<CountedRow>(sql`
        SELECT monitor_id, max(counted_ms) AS last_counted_ms
          FROM (SELECT monitor_id, checkin_id, minIf(received_at_ms, status IN ('in_progress', 'ok', 'error')) AS counted_ms
                  FROM checkins
                 WHERE ${ownCheckins(projectId, monitorId)}
                 GROUP BY monitor_id, checkin_id)
         GROUP BY monitor_id`),
      // Runs still open: started and not closed (a timeout the scheduler wrote closes one; a start after its own close does not
      // reopen it). Each by its latest start: a start repeated with its rid moves the run's deadline, as in the scheduler.
      this.clickhouse.query<OpenRunsRow>(sql`
        SELECT monitor_id, groupArray(started_ms) AS open_starts
          FROM (SELECT monitor_id, checkin_id, maxIf(received_at_ms, status = 'in_progress') AS started_ms
                  FROM checkins
                 WHERE project_id = ${projectId}${monitor} AND environment = ${CHECK_ENVIRONMENT} AND received_at >= toDateTime(${since})
                 GROUP BY monitor_id, checkin_id
                HAVING ${RUN_OPEN})
         GROUP BY monitor_id`),
      this.clickhouse.query<StateRow>(sql`
        SELECT monitor_id, toString(argMax(to_state, (at_ms, kafka_offset))) AS state,
               maxIf(at_ms, to_state = 'paused' OR from_state = 'paused') AS suspended_ms,
               maxIf(at_ms, from_state = 'paused') AS resumed_ms
          FROM monitor_states
         WHERE project_id = ${projectId}${monitor} AND environment = ${CHECK_ENVIRONMENT}
         GROUP BY monitor_id`),
    ]);
    const facts = new Map<string, ActivityFacts>();
    const entry = (id: string): ActivityFacts => {
      let found = facts.get(id);
      if (!found) {
        found = {
          nPings: 0,
          lastPingMs: null,
          lastCountedMs: null,
          lastDurationMs: null,
          openStartsMs: [],
          state: null,
          pausedOrResumedMs: null,
          resumedMs: null,
        };
        facts.set(id, found);
      }
      return found;
    };
    const positive = (value: string | number): number | null => (Number(value) > 0 ? Number(value) : null);
    for (const row of signals) {
      Object.assign(entry(row.monitor_id), {
        nPings: Number(row.n_pings),
        lastPingMs: positive(row.last_ping_ms),
        lastDurationMs: row.last_duration_ms === null ? null : Number(row.last_duration_ms),
      });
    }
    for (const row of counted) entry(row.monitor_id).lastCountedMs = positive(row.last_counted_ms);
    for (const row of open) entry(row.monitor_id).openStartsMs = row.open_starts.map(Number).filter((at) => at > 0);
    for (const row of states) {
      Object.assign(entry(row.monitor_id), { state: row.state, pausedOrResumedMs: positive(row.suspended_ms), resumedMs: positive(row.resumed_ms) });
    }
    const result = new Map<string, CheckActivity>();
    for (const [id, value] of facts) result.set(id, activityFrom(value));
    return result;
  }

  /** The latest state the scheduler published for every environment of the project's monitors. */
  async environmentStates(projectId: number): Promise<Array<{ monitorId: string; environment: string; state: TrackState }>> {
    const rows = await this.clickhouse.query<{ monitor_id: string; environment: string; state: TrackState }>(sql`
      SELECT monitor_id, environment, toString(argMax(to_state, (at_ms, kafka_offset))) AS state
        FROM monitor_states
       WHERE project_id = ${projectId}
       GROUP BY monitor_id, environment
       ORDER BY monitor_id, environment`);
    return rows.map((row) => ({ monitorId: row.monitor_id, environment: row.environment, state: row.state }));
  }

  /** The latest `PING_LOG_LIMIT` check-ins, newest first, numbered from the oldest (1) on. */
  async pings(projectId: number, monitorId: string): Promise<PingEntry[]> {
    const where = ownCheckins(projectId, monitorId);
    const rows = await this.clickhouse.query<PingRow & { total: string | number }>(sql`
      SELECT toString(status) AS status, received_at_ms, checkin_id, toString(run_match) AS run_match, duration_ms, length(body) AS body_length, remote_addr, user_agent,
             (SELECT uniqExact(event_id) FROM checkins WHERE ${where}) AS total
        FROM checkins
       WHERE ${where}
       ORDER BY received_at_ms DESC, event_id DESC
       LIMIT 1 BY event_id
       LIMIT ${PING_LOG_LIMIT}`);
    return rows.map((row, index) => ({
      n: Number(row.total) - index,
      status: row.status,
      receivedAtMs: Number(row.received_at_ms),
      runId: row.checkin_id,
      runNamed: row.run_match !== 'latest_open',
      durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
      hasBody: Number(row.body_length) > 0,
      remoteAddr: row.remote_addr,
      userAgent: row.user_agent,
    }));
  }

  /** The bytes of the n-th check-in's body (1: the oldest), empty when it has none, null when there is no n-th one. */
  async pingBody(projectId: number, monitorId: string, n: number): Promise<Buffer | null> {
    const rows = await this.clickhouse.query<{ body: string; body_encoding: string }>(sql`
      SELECT body, toString(body_encoding) AS body_encoding
        FROM checkins
       WHERE ${ownCheckins(projectId, monitorId)}
       ORDER BY received_at_ms ASC, event_id ASC
       LIMIT 1 BY event_id
       LIMIT ${n - 1}, 1`);
    const row = rows[0];
    if (!row) return null;
    return row.body_encoding === 'base64' ? Buffer.from(row.body, 'base64') : Buffer.from(row.body, 'utf8');
  }

  /** Changes between Healthchecks' stored statuses (up, down, new, paused), newest first. */
  async flips(projectId: number, monitorId: string, window: FlipWindow): Promise<FlipEntry[]> {
    const from = window.fromMs === null ? sql`` : sql` AND at_ms >= ${window.fromMs}`;
    const until = window.untilMs === null ? sql`` : sql` AND at_ms < ${window.untilMs}`;
    const rows = await this.clickhouse.query<{ to_state: TrackState; at_ms: string | number }>(sql`
      SELECT toString(to_state) AS to_state, at_ms
        FROM monitor_states
       WHERE project_id = ${projectId} AND monitor_id = ${monitorId} AND environment = ${CHECK_ENVIRONMENT}${from}${until}
         AND ${storedStatus('from_state')} != ${storedStatus('to_state')}
       ORDER BY at_ms DESC, kafka_offset DESC
       LIMIT 1 BY event_id
       LIMIT ${FLIP_LIMIT}`);
    return rows.map((row) => ({ atMs: Number(row.at_ms), to: row.to_state }));
  }
}
