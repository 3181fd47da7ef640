import { randomUUID } from 'node:crypto';
import { ClickHouse, sql, toClickHouseDateTime } from '@vigil/clickhouse';
import { createDataSource } from '@vigil/db';
import { testConfig, waitFor } from '@vigil/testing';
import type { DataSource } from 'typeorm';
import { CheckinHistoryRepository } from '../checkins/checkin-history.repository';
import { RUN_KEY_CODEC } from '../checkins/run-key';
import { keysetWindow } from '../common/pagination/keyset-pagination';
import { IssueRunsRepository } from '../issues/issue-runs.repository';
import { MonitorEnvironmentRepository } from '../monitor-environments/monitor-environment.repository';
import { timelineRange } from '../monitor-timeline/timeline-range';
import { TimelineRepository } from '../monitor-timeline/timeline.repository';
import { MonitorStatsRepository, STATS_STATUSES } from '../monitor-stats/monitor-stats.repository';
import { statsRange } from '../monitor-stats/stats-range';

/**
 * The API's history reads on real ClickHouse (18.16 here, so every query is checked against the oldest
 * version Vigil supports): rows written as history writes them, read back with exact answers.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const BASE = Date.UTC(2030, 0, 1);
const PROJECT_ID = 424242;

type Status = 'in_progress' | 'ok' | 'error' | 'missed' | 'timeout' | 'unknown' | 'log';
type Source = 'sentry_envelope' | 'sentry_cron' | 'ping' | 'scheduler';

const monitorId = randomUUID();
const run = {
  r1: randomUUID(),
  r2: randomUUID(),
  r3: randomUUID(),
  r4: randomUUID(),
  r5: randomUUID(),
  r6: randomUUID(),
  r7: randomUUID(),
  r8: randomUUID(),
  r9: randomUUID(),
  r10: randomUUID(),
  r11: randomUUID(),
};

function signal(checkinId: string, status: Status, at: number, options: { duration?: number; environment?: string; source?: Source; eventId?: string } = {}) {
  return {
    event_id: options.eventId ?? randomUUID(),
    checkin_id: checkinId,
    organization_id: randomUUID(),
    project_id: PROJECT_ID,
    monitor_id: monitorId,
    monitor_slug: 'history-reads',
    environment: options.environment ?? 'production',
    status,
    duration_ms: options.duration ?? null,
    received_at: toClickHouseDateTime(at),
    received_at_ms: at,
    source: options.source ?? (status === 'missed' || status === 'unknown' ? 'scheduler' : 'sentry_envelope'),
  };
}

function change(environment: string, from: string, to: string, at: number, offset: number, eventId = `${monitorId}:${environment}:${at}:${to}`) {
  return {
    event_id: eventId,
    organization_id: randomUUID(),
    project_id: PROJECT_ID,
    monitor_id: monitorId,
    environment,
    from_state: from,
    to_state: to,
    at: toClickHouseDateTime(at),
    at_ms: at,
    kafka_offset: offset,
  };
}

const duplicateEventId = randomUUID();
const SIGNALS = [
  // Began before the range: not in it, although it ended inside.
  signal(run.r9, 'in_progress', BASE - 10 * MINUTE),
  signal(run.r9, 'ok', BASE + 5 * MINUTE, { duration: 15 * MINUTE }),
  // Hour 0: two ok runs and an error, with durations.
  signal(run.r1, 'in_progress', BASE + 10 * MINUTE),
  signal(run.r1, 'log', BASE + 10 * MINUTE + 30_000),
  signal(run.r1, 'ok', BASE + 11 * MINUTE, { duration: 60_000 }),
  signal(run.r2, 'ok', BASE + 20 * MINUTE, { duration: 5_000, eventId: duplicateEventId }),
  signal(run.r2, 'ok', BASE + 20 * MINUTE, { duration: 5_000, eventId: duplicateEventId }),
  signal(run.r3, 'error', BASE + 30 * MINUTE, { duration: 2_000 }),
  // Hour 1: a miss (dated at its slot), a run that timed out, and a miss while Vigil's own pipeline was down
  // (unknown, dated at its slot: a closed run of its own, neither a failure nor a success).
  signal(run.r4, 'missed', BASE + HOUR),
  signal(run.r11, 'unknown', BASE + HOUR + 30 * MINUTE),
  signal(run.r5, 'in_progress', BASE + HOUR + 5 * MINUTE),
  signal(run.r5, 'timeout', BASE + HOUR + 35 * MINUTE, { source: 'scheduler' }),
  // Hour 2: a run still open, a run of logs alone (no run), and an ok in staging.
  signal(run.r6, 'in_progress', BASE + 2 * HOUR + 10 * MINUTE),
  signal(run.r7, 'log', BASE + 2 * HOUR + 20 * MINUTE),
  signal(run.r8, 'ok', BASE + 2 * HOUR + 30 * MINUTE, { duration: 9_000, environment: 'staging' }),
  // At the end of the range: outside it.
  signal(run.r10, 'ok', BASE + 3 * HOUR, { duration: 1_000 }),
];

const AT_SAME_TIME = BASE + 2 * HOUR + 10 * MINUTE;
const STATES = [
  change('production', 'new', 'ok', BASE + 10 * MINUTE, 3),
  change('production', 'ok', 'late', BASE + HOUR, 5),
  change('production', 'late', 'missed', BASE + HOUR + MINUTE, 6),
  // Two changes at one event time (a miss, then the check-in after it): the later offset is the current one,
  // whatever order the rows were inserted in; one is delivered twice.
  change('production', 'missed', 'ok', AT_SAME_TIME, 11),
  change('production', 'late', 'missed', AT_SAME_TIME, 10),
  change('production', 'late', 'missed', AT_SAME_TIME, 10),
  change('staging', 'new', 'ok', BASE + 2 * HOUR + 30 * MINUTE, 7),
];

let clickhouse: ClickHouse;
let dataSource: DataSource;

beforeAll(async () => {
  clickhouse = ClickHouse.connect(testConfig());
  dataSource = createDataSource(testConfig(), { poolSize: 1 });
  await dataSource.initialize();
  await clickhouse.insert('checkins', SIGNALS);
  await clickhouse.insert('monitor_states', STATES);
});

afterAll(async () => {
  await clickhouse?.close();
  await dataSource?.destroy();
});

describe('the timeline', () => {
  const timelines = () => new TimelineRepository(clickhouse);
  const range = timelineRange({ start: new Date(BASE).toISOString(), end: new Date(BASE + 3 * HOUR).toISOString(), resolution: '1h' }, Date.now());

  it('counts each run once, in the bucket where it began, with exact duration percentiles per bucket and over the range', async () => {
    const result = await timelines().buckets({ projectId: PROJECT_ID, monitorId, environment: null, range });
    expect(result.rows).toEqual([
      { bucket: 0, counts: { ok: 2, error: 1, missed: 0, timeout: 0, in_progress: 0, unknown: 0 }, duration: { p50: 5_000, p90: 60_000, p99: 60_000 } },
      { bucket: 1, counts: { ok: 0, error: 0, missed: 1, timeout: 1, in_progress: 0, unknown: 1 }, duration: { p50: null, p90: null, p99: null } },
      { bucket: 2, counts: { ok: 1, error: 0, missed: 0, timeout: 0, in_progress: 1, unknown: 0 }, duration: { p50: 9_000, p90: 9_000, p99: 9_000 } },
    ]);
    // Sorted 2000, 5000, 9000, 60000: p50 is the value at floor(0.5 × 4) = 2.
    expect(result.duration).toEqual({ p50: 9_000, p90: 60_000, p99: 60_000 });
  });

  it('one environment', async () => {
    const result = await timelines().buckets({ projectId: PROJECT_ID, monitorId, environment: 'production', range });
    expect(result.rows.map((row) => [row.bucket, row.counts])).toEqual([
      [0, { ok: 2, error: 1, missed: 0, timeout: 0, in_progress: 0, unknown: 0 }],
      [1, { ok: 0, error: 0, missed: 1, timeout: 1, in_progress: 0, unknown: 1 }],
      [2, { ok: 0, error: 0, missed: 0, timeout: 0, in_progress: 1, unknown: 0 }],
    ]);
    expect(result.duration).toEqual({ p50: 5_000, p90: 60_000, p99: 60_000 });
  });

  it('per day: one bucket holds the day', async () => {
    const daily = timelineRange({ start: new Date(BASE + HOUR).toISOString(), end: new Date(BASE + 2 * HOUR).toISOString(), resolution: '1d' }, Date.now());
    const result = await timelines().buckets({ projectId: PROJECT_ID, monitorId, environment: null, range: daily });
    expect(result.rows.map((row) => [row.bucket, row.counts])).toEqual([[0, { ok: 4, error: 1, missed: 1, timeout: 1, in_progress: 1, unknown: 1 }]]);
  });
});

describe('an unknown run (a miss while Vigil was down, decision 0023)', () => {
  it("the check-ins list shows it as unknown, dated at its slot, among the monitor's other runs (newest start first)", async () => {
    const listed = await new CheckinHistoryRepository(clickhouse).listForMonitor(PROJECT_ID, monitorId, {
      environments: ['production'],
      range: { startMs: BASE + HOUR, endMs: BASE + 2 * HOUR - 1 },
      window: keysetWindow(RUN_KEY_CODEC, null, 10),
    });
    expect(listed).toEqual([
      {
        checkin_id: run.r11,
        environment: 'production',
        status: 'unknown',
        duration_ms: null,
        date_created_ms: BASE + HOUR + 30 * MINUTE,
        date_updated_ms: BASE + HOUR + 30 * MINUTE,
      },
      expect.objectContaining({ checkin_id: run.r5, status: 'timeout' }),
      expect.objectContaining({ checkin_id: run.r4, status: 'missed' }),
    ]);
  });

  it('the monitors stats count it per bucket under its own status', async () => {
    // Stats read nothing from the future: these runs are hours old.
    const monitor = randomUUID();
    const hour = Math.floor(Date.now() / HOUR) * HOUR - 4 * HOUR;
    await clickhouse.insert(
      'checkins',
      [
        signal(randomUUID(), 'ok', hour + 10 * MINUTE, { duration: 1_000 }),
        signal(randomUUID(), 'unknown', hour + HOUR),
        signal(randomUUID(), 'unknown', hour + HOUR + 30 * MINUTE),
        signal(randomUUID(), 'missed', hour + 2 * HOUR),
      ].map((row) => ({ ...row, monitor_id: monitor })),
    );
    const range = statsRange({ since: hour / 1000, until: (hour + 3 * HOUR) / 1000, resolution: '3600' }, Date.now());
    const rows = await new MonitorStatsRepository(clickhouse).counts({ projectIds: [PROJECT_ID], monitorIds: [monitor], environments: null, range });
    // [bucket, ...counts in the order of STATS_STATUSES: ok, error, missed, timeout, in_progress, unknown]
    expect(STATS_STATUSES).toEqual(['ok', 'error', 'missed', 'timeout', 'in_progress', 'unknown']);
    expect(rows.map((row) => [row.environment, row.buckets])).toEqual([
      [
        'production',
        [
          [0, 1, 0, 0, 0, 0, 0],
          [1, 0, 0, 0, 0, 0, 2],
          [2, 0, 0, 1, 0, 0, 0],
        ],
      ],
    ]);
  });
});

describe("a monitor's environments", () => {
  it('the latest state change (by event time, then Kafka offset), the latest runs clients checked in for, and when each counted', async () => {
    const facts = await new MonitorEnvironmentRepository(clickhouse, dataSource).facts(PROJECT_ID, monitorId, null);
    expect([...facts.keys()].sort()).toEqual(['production', 'staging']);
    const production = facts.get('production')!;
    expect(production.state).toEqual({ state: 'ok', at: AT_SAME_TIME });
    expect(production.settings).toEqual({ isMuted: false, openIssue: null, droppedAt: null });
    // Newest first; the miss (minted by the scheduler) and the run of logs alone are not check-ins.
    expect(production.runs.map((entry) => [entry.checkinId, entry.status, entry.countedAtMs])).toEqual([
      [run.r10, 'ok', BASE + 3 * HOUR],
      [run.r6, 'in_progress', BASE + 2 * HOUR + 10 * MINUTE],
      [run.r5, 'timeout', BASE + HOUR + 5 * MINUTE],
      [run.r3, 'error', BASE + 30 * MINUTE],
      [run.r2, 'ok', BASE + 20 * MINUTE],
      [run.r1, 'ok', BASE + 10 * MINUTE],
      [run.r9, 'ok', BASE - 10 * MINUTE],
    ]);
    expect(production.runs[0]).toEqual({
      checkinId: run.r10,
      status: 'ok',
      durationMs: 1_000,
      dateCreatedMs: BASE + 3 * HOUR,
      dateUpdatedMs: BASE + 3 * HOUR,
      countedAtMs: BASE + 3 * HOUR,
      resultAtMs: BASE + 3 * HOUR,
    });
    expect(facts.get('staging')!.state).toEqual({ state: 'ok', at: BASE + 2 * HOUR + 30 * MINUTE });
  });

  it('one environment, and none for an environment nothing is known of', async () => {
    const repository = new MonitorEnvironmentRepository(clickhouse, dataSource);
    expect([...(await repository.facts(PROJECT_ID, monitorId, 'staging')).keys()]).toEqual(['staging']);
    expect((await repository.facts(PROJECT_ID, monitorId, 'nowhere')).size).toBe(0);
  });
});

describe("an issue's runs", () => {
  const track = { projectId: PROJECT_ID, monitorId, environment: 'production' };

  it('the latest failures judged up to the last failure, oldest first: a miss is judged once its margin passed', async () => {
    const runs = new IssueRunsRepository(clickhouse);
    expect((await runs.failures(track, BASE + HOUR + 35 * MINUTE, 2, 5 * MINUTE)).map((entry) => [entry.checkinId, entry.status])).toEqual([
      [run.r4, 'missed'],
      [run.r5, 'timeout'],
    ]);
    expect((await runs.failures(track, BASE + HOUR + 4 * MINUTE, 3, 5 * MINUTE)).map((entry) => [entry.checkinId, entry.status])).toEqual([[run.r3, 'error']]);
    expect((await runs.failures(track, BASE + HOUR + 5 * MINUTE, 3, 5 * MINUTE)).map((entry) => [entry.checkinId, entry.status, entry.dateCreatedMs])).toEqual([
      [run.r3, 'error', BASE + 30 * MINUTE],
      [run.r4, 'missed', BASE + HOUR],
    ]);
  });

  it('runs by id, folded as the check-ins list folds them', async () => {
    const byId = await new IssueRunsRepository(clickhouse).byIds(track, [run.r1, run.r5, randomUUID()]);
    expect([...byId.values()].sort((a, b) => a.dateCreatedMs - b.dateCreatedMs)).toEqual([
      { checkinId: run.r1, status: 'ok', durationMs: 60_000, dateCreatedMs: BASE + 10 * MINUTE, dateUpdatedMs: BASE + 11 * MINUTE },
      { checkinId: run.r5, status: 'timeout', durationMs: null, dateCreatedMs: BASE + HOUR + 5 * MINUTE, dateUpdatedMs: BASE + HOUR + 35 * MINUTE },
    ]);
  });
});

describe('environments dropped through the API (decision 0018)', () => {
  it("several monitors' environments at once, narrowed to the environments asked for", async () => {
    const other = randomUUID();
    await clickhouse.insert('checkins', [{ ...signal(randomUUID(), 'ok', BASE + 5 * MINUTE, { environment: 'staging' }), monitor_id: other }]);
    const repository = new MonitorEnvironmentRepository(clickhouse, dataSource);
    const both = await repository.factsOf(
      [
        { projectId: PROJECT_ID, id: monitorId },
        { projectId: PROJECT_ID, id: other },
      ],
      ['staging'],
    );
    expect([...both.get(monitorId)!.keys()]).toEqual(['staging']);
    expect(
      both
        .get(monitorId)!
        .get('staging')!
        .runs.map((entry) => entry.checkinId),
    ).toEqual([run.r8]);
    expect([...both.get(other)!.keys()]).toEqual(['staging']);
    // At most RUNS_READ_PER_ENVIRONMENT runs per monitor and environment, not per query.
    const all = await repository.factsOf(
      [
        { projectId: PROJECT_ID, id: monitorId },
        { projectId: PROJECT_ID, id: other },
      ],
      null,
    );
    expect(all.get(monitorId)!.get('production')!.runs).toHaveLength(7);
  });

  it("the check-ins list leaves out a dropped environment's signals up to its drop, and the mutation deletes only that environment", async () => {
    const dropped = randomUUID();
    const keep = randomUUID();
    const before = randomUUID();
    const after = randomUUID();
    const rows = [
      { ...signal(keep, 'ok', BASE + 10 * MINUTE, { environment: 'keep' }), monitor_id: dropped },
      { ...signal(before, 'ok', BASE + 10 * MINUTE, { environment: 'gone' }), monitor_id: dropped },
      { ...signal(after, 'ok', BASE + 30 * MINUTE, { environment: 'gone' }), monitor_id: dropped },
    ];
    await clickhouse.insert('checkins', rows);
    const history = new CheckinHistoryRepository(clickhouse);
    const window = keysetWindow(RUN_KEY_CODEC, null, 10);
    const range = { startMs: BASE - HOUR, endMs: null };
    const listed = await history.listForMonitor(PROJECT_ID, dropped, { environments: [], range, window, dropped: [['gone', BASE + 20 * MINUTE]] });
    expect(listed.map((entry) => entry.checkin_id).sort()).toEqual([keep, after].sort());

    await history.dropEnvironments(PROJECT_ID, dropped, ['gone']);
    const left = await waitFor(
      'the mutation applied',
      async () => {
        const found = await clickhouse.query<{ environment: string }>(sql`SELECT environment FROM checkins WHERE monitor_id = ${dropped} ORDER BY environment`);
        return found.length === 1 ? found : undefined;
      },
      { timeoutMs: 20000 },
    );
    expect(left).toEqual([{ environment: 'keep' }]);
  });
});

describe("a run's status, as Sentry's consumer judges it (one fold for every reader)", () => {
  it('a start after its close, a second close, and a close after a timeout leave the status of the first judgement', async () => {
    const monitor = randomUUID();
    const [overtaken, closedTwice, timedOut, open] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const at = BASE + 5 * HOUR;
    const rows = [
      // The close overtook its start: the start arrived (and was stored, as pings are) after it.
      signal(overtaken, 'ok', at + MINUTE, { duration: 800 }),
      signal(overtaken, 'in_progress', at + MINUTE + 5),
      // Closed, then closed again: the first close stands, with its duration.
      signal(closedTwice, 'in_progress', at + 2 * MINUTE),
      signal(closedTwice, 'error', at + 3 * MINUTE, { duration: 60_000 }),
      signal(closedTwice, 'ok', at + 4 * MINUTE, { duration: 120_000 }),
      // Timed out, then closed late: timeout, with the late close's duration.
      signal(timedOut, 'in_progress', at + 5 * MINUTE),
      signal(timedOut, 'timeout', at + 35 * MINUTE, { source: 'scheduler' }),
      signal(timedOut, 'ok', at + 40 * MINUTE, { duration: 35 * MINUTE }),
      // Still running, with a heartbeat.
      signal(open, 'in_progress', at + 41 * MINUTE),
      signal(open, 'in_progress', at + 42 * MINUTE),
    ].map((row) => ({ ...row, monitor_id: monitor }));
    await clickhouse.insert('checkins', rows);
    const range = { startMs: at, endMs: at + HOUR };
    const listed = await new CheckinHistoryRepository(clickhouse).listForMonitor(PROJECT_ID, monitor, {
      environments: [],
      range,
      window: keysetWindow(RUN_KEY_CODEC, null, 10),
    });
    expect(listed.map((entry) => [entry.checkin_id, entry.status, entry.duration_ms])).toEqual([
      [open, 'in_progress', null],
      [timedOut, 'timeout', 35 * MINUTE],
      [closedTwice, 'error', 60_000],
      [overtaken, 'ok', 800],
    ]);
    const timeline = await new TimelineRepository(clickhouse).buckets({
      projectId: PROJECT_ID,
      monitorId: monitor,
      environment: null,
      range: timelineRange({ start: new Date(at).toISOString(), end: new Date(at + HOUR).toISOString(), resolution: '1h' }, Date.now()),
    });
    expect(timeline.rows.map((row) => row.counts)).toEqual([{ ok: 1, error: 1, missed: 0, timeout: 1, in_progress: 1, unknown: 0 }]);
    const byId = await new IssueRunsRepository(clickhouse).byIds({ projectId: PROJECT_ID, monitorId: monitor, environment: 'production' }, [timedOut]);
    expect(byId.get(timedOut)).toMatchObject({ status: 'timeout', durationMs: 35 * MINUTE });
    const facts = await new MonitorEnvironmentRepository(clickhouse, dataSource).facts(PROJECT_ID, monitor, null);
    expect(facts.get('production')!.runs.map((entry) => [entry.checkinId, entry.status])).toEqual([
      [open, 'in_progress'],
      [timedOut, 'timeout'],
      [closedTwice, 'error'],
      [overtaken, 'ok'],
    ]);
  });
});
