import { randomInt, randomUUID } from 'node:crypto';
import { ClickHouse, toClickHouseDateTime } from '@vigil/clickhouse';
import { createDataSource } from '@vigil/db';
import { testConfig } from '@vigil/testing';
import type { DataSource } from 'typeorm';
import { RUN_LOOKBACK_MS } from '../checkins/run-lookback';
import { FACTS_WINDOW_MS, MonitorEnvironmentRepository, type EnvironmentFacts } from '../monitor-environments/monitor-environment.repository';
import { MonitorStatsRepository } from '../monitor-stats/monitor-stats.repository';
import { statsRange } from '../monitor-stats/stats-range';
import { MonitorsVersionRepository } from '../monitors/monitors-version.repository';

/**
 * The reads behind the dashboard's monitors list (decision 0024, bench:web), with exact answers: the latest runs read
 * from a recent window (the same answer as reading whole), the statuses of a whole list at once, the timelines of a
 * page and the monitors' version. It runs on 18.16 (integration) and on current ClickHouse
 * (integration-clickhouse-current) with the same expectations.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Event times of the data: whole hours, a few days before the wall clock (the stats read no later than now). */
const NOW = Math.floor(Date.now() / HOUR) * HOUR - 3 * DAY;
const PROJECT_ID = randomInt(2_000_000, 3_000_000);

const hourly = randomUUID();
const running = randomUUID();
const unjudged = randomUUID();
const quiet = randomUUID();
const silent = randomUUID();

interface SignalOptions {
  environment?: string;
  durationMs?: number;
  source?: 'ping' | 'sentry_envelope' | 'scheduler';
}

function signal(monitorId: string, checkinId: string, status: string, at: number, options: SignalOptions = {}) {
  return {
    event_id: randomUUID(),
    checkin_id: checkinId,
    organization_id: 'org',
    project_id: PROJECT_ID,
    monitor_id: monitorId,
    monitor_slug: 'slug',
    environment: options.environment ?? 'production',
    status,
    duration_ms: options.durationMs ?? null,
    received_at: toClickHouseDateTime(at),
    received_at_ms: at,
    source: options.source ?? (status === 'missed' || status === 'timeout' ? 'scheduler' : 'sentry_envelope'),
  };
}

function change(monitorId: string, environment: string, to: string, at: number, offset: number) {
  return {
    event_id: `${monitorId}:${environment}:${offset}`,
    organization_id: 'org',
    project_id: PROJECT_ID,
    monitor_id: monitorId,
    environment,
    from_state: 'new',
    to_state: to,
    at: toClickHouseDateTime(at),
    at_ms: at,
    kafka_offset: offset,
  };
}

/** Runs of one signal each, every hour from `from` to before `to`; one in five an error. */
function hourlyRuns(monitorId: string, from: number, to: number, environment = 'production') {
  const rows = [];
  for (let at = from, index = 0; at < to; at += HOUR, index += 1)
    rows.push(signal(monitorId, randomUUID(), index % 5 === 4 ? 'error' : 'ok', at, { environment, durationMs: 1000 }));
  return rows;
}

const longRun = randomUUID();
const openRun = randomUUID();
const SIGNALS = [
  // Three days of hourly runs, and a run that began before the window and closed in it (its start is in the lookback day).
  ...hourlyRuns(hourly, NOW - 3 * DAY, NOW),
  signal(hourly, longRun, 'in_progress', NOW - FACTS_WINDOW_MS - 2 * HOUR + 30 * MINUTE),
  signal(hourly, longRun, 'ok', NOW - 2 * HOUR + 30 * MINUTE, { durationMs: FACTS_WINDOW_MS }),
  // A quiet environment of the same monitor: three runs a month ago, judged by the scheduler.
  ...[30, 29, 28].map((days) => signal(hourly, randomUUID(), 'ok', NOW - days * DAY, { environment: 'staging' })),
  // A job that is running now (its start in the window, nothing after it), after runs that were fine.
  ...hourlyRuns(running, NOW - 6 * HOUR, NOW - HOUR),
  signal(running, openRun, 'in_progress', NOW - 20 * MINUTE),
  // First check-ins, not judged yet.
  signal(unjudged, randomUUID(), 'error', NOW - 10 * MINUTE, { source: 'ping' }),
  // A monitor whose last runs are weeks old, never judged (no scheduler then): read whole.
  ...[20, 19].map((days) => signal(quiet, randomUUID(), 'ok', NOW - days * DAY)),
];

const STATES = [
  change(hourly, 'production', 'ok', NOW - 3 * DAY, 1),
  change(hourly, 'staging', 'ok', NOW - 30 * DAY, 2),
  change(running, 'production', 'ok', NOW - 6 * HOUR, 3),
];

let clickhouse: ClickHouse;
let dataSource: DataSource;
let repository: MonitorEnvironmentRepository;
const monitors = [hourly, running, unjudged, quiet, silent].map((id) => ({ projectId: PROJECT_ID, id }));

beforeAll(async () => {
  clickhouse = ClickHouse.connect(testConfig());
  dataSource = createDataSource(testConfig(), { poolSize: 1 });
  await dataSource.initialize();
  await clickhouse.insert('checkins', SIGNALS);
  await clickhouse.insert('monitor_states', STATES);
  repository = new MonitorEnvironmentRepository(clickhouse, dataSource);
});

afterAll(async () => {
  await clickhouse?.close();
  await dataSource?.destroy();
});

const summary = (facts: Map<string, Map<string, EnvironmentFacts>>) =>
  Object.fromEntries(
    [...facts].map(([monitorId, byName]) => [
      monitorId,
      Object.fromEntries([...byName].map(([name, known]) => [name, { state: known.state?.state ?? null, runs: known.runs }])),
    ]),
  );

describe("the latest runs of a page's monitors", () => {
  it('read from the last day are what reading every environment whole gives', async () => {
    const windowed = await repository.factsOf(monitors, null, { now: NOW });
    // A month later the window holds nothing: every environment is read whole.
    const whole = await repository.factsOf(monitors, null, { now: NOW + 40 * DAY });
    expect(summary(windowed)).toEqual(summary(whole));
    const production = windowed.get(hourly)!.get('production')!;
    expect(production.runs).toHaveLength(8);
    expect(production.runs[0]).toMatchObject({ status: 'ok', dateCreatedMs: NOW - HOUR });
    // The long run, closed an hour and a half ago, is dated by its start in the lookback day: not among them.
    expect(production.runs.map((run) => run.dateCreatedMs)).toEqual(Array.from({ length: 8 }, (_, index) => NOW - (index + 1) * HOUR));
    // The quiet environment, named by its state, and the monitor nothing recent names, read whole.
    expect(
      windowed
        .get(hourly)!
        .get('staging')!
        .runs.map((run) => run.dateCreatedMs),
    ).toEqual([NOW - 28 * DAY, NOW - 29 * DAY, NOW - 30 * DAY]);
    expect(windowed.get(quiet)!.get('production')!.runs).toHaveLength(2);
    expect(windowed.has(silent)).toBe(false);
  });
});

describe('the statuses of a whole list', () => {
  it("each environment's state, the newest run where one may be running, and the monitors nothing names read whole", async () => {
    const statuses = await repository.statusesOf(monitors, null, { now: NOW });
    expect(statuses.get(hourly)!.get('production')!.state?.state).toBe('ok');
    expect(statuses.get(hourly)!.get('staging')!.state?.state).toBe('ok');
    // Started twenty minutes ago, not closed: running.
    expect(
      statuses
        .get(running)!
        .get('production')!
        .runs.map((run) => [run.status, run.dateCreatedMs]),
    ).toEqual([['in_progress', NOW - 20 * MINUTE]]);
    // No state yet: its newest run says it.
    expect(statuses.get(unjudged)!.get('production')!).toMatchObject({ state: null, runs: [{ status: 'error', dateCreatedMs: NOW - 10 * MINUTE }] });
    expect(statuses.get(quiet)!.get('production')!.runs[0]).toMatchObject({ status: 'ok', dateCreatedMs: NOW - 19 * DAY });
    expect(statuses.has(silent)).toBe(false);
  });

  it('one query for a long list reads by project and keeps only the monitors asked for', async () => {
    const many = [...monitors, ...Array.from({ length: 250 }, () => ({ projectId: PROJECT_ID, id: randomUUID() }))];
    const statuses = await repository.statusesOf(many, ['production'], { now: NOW });
    expect([...statuses.keys()].sort()).toEqual([hourly, running, unjudged, quiet].sort());
    expect(statuses.get(running)!.get('production')!.runs[0]?.status).toBe('in_progress');
  });
});

describe("the timelines of a page's monitors", () => {
  it('count each run in the bucket it began in, one row per monitor-environment with its buckets in order', async () => {
    // [bucket, ...counts in the order of STATS_STATUSES: ok, error, missed, timeout, in_progress, unknown]
    const range = statsRange({ since: (NOW - 6 * HOUR) / 1000, until: NOW / 1000, resolution: '1h' }, NOW);
    const rows = await new MonitorStatsRepository(clickhouse).counts({ projectIds: [PROJECT_ID], monitorIds: [hourly, running], environments: null, range });
    const byMonitor = Object.fromEntries(rows.map((row) => [`${row.monitorId === hourly ? 'hourly' : 'running'}:${row.environment}`, row.buckets]));
    // Six hourly runs, one in five an error; the long run began before the range (its start is in the lookback day).
    const hourlyIndex = (hour: number): number => (3 * DAY - 6 * HOUR + hour * HOUR) / HOUR;
    expect(byMonitor['hourly:production']).toEqual(
      Array.from({ length: 6 }, (_, hour) => [hour, hourlyIndex(hour) % 5 === 4 ? 0 : 1, hourlyIndex(hour) % 5 === 4 ? 1 : 0, 0, 0, 0, 0]),
    );
    expect(byMonitor['running:production']).toEqual([
      [0, 1, 0, 0, 0, 0, 0],
      [1, 1, 0, 0, 0, 0, 0],
      [2, 1, 0, 0, 0, 0, 0],
      [3, 1, 0, 0, 0, 0, 0],
      [4, 0, 1, 0, 0, 0, 0],
      [5, 0, 0, 0, 0, 1, 0],
    ]);
    expect(Object.keys(byMonitor).sort()).toEqual(['hourly:production', 'running:production']);
  });

  it(`know a run began before the range by its signals in the ${RUN_LOOKBACK_MS / HOUR} hours before it`, async () => {
    const monitorId = randomUUID();
    const early = randomUUID();
    const earlier = randomUUID();
    await clickhouse.insert('checkins', [
      // In the lookback: not in the range.
      signal(monitorId, early, 'in_progress', NOW - 7 * HOUR),
      signal(monitorId, early, 'ok', NOW - 5 * HOUR),
      // Nothing in the lookback day: counted where its first signal since then falls (the read's bound).
      signal(monitorId, earlier, 'in_progress', NOW - 6 * HOUR - RUN_LOOKBACK_MS - HOUR),
      signal(monitorId, earlier, 'error', NOW - 3 * HOUR + 5 * MINUTE),
    ]);
    const range = statsRange({ since: (NOW - 6 * HOUR) / 1000, until: NOW / 1000, resolution: '1h' }, NOW);
    const rows = await new MonitorStatsRepository(clickhouse).counts({ projectIds: [PROJECT_ID], monitorIds: [monitorId], environments: null, range });
    expect(rows).toEqual([{ monitorId, environment: 'production', buckets: [[3, 0, 1, 0, 0, 0, 0]] }]);
  });
  it('fold each run as every reader does: a timeout stands, the first close stands, an overtaken start never reopens', async () => {
    const monitorId = randomUUID();
    const [timedOut, closedTwice, overtaken, plain] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await clickhouse.insert('checkins', [
      // Timed out, then a late ok: a timeout (the late close brings only its duration).
      signal(monitorId, timedOut, 'in_progress', NOW - 5 * HOUR),
      signal(monitorId, timedOut, 'timeout', NOW - 5 * HOUR + 30 * MINUTE),
      signal(monitorId, timedOut, 'ok', NOW - 5 * HOUR + 40 * MINUTE, { durationMs: 40 * MINUTE }),
      // Closed ok, then error: the first close stands.
      signal(monitorId, closedTwice, 'ok', NOW - 4 * HOUR, { durationMs: 1 }),
      signal(monitorId, closedTwice, 'error', NOW - 4 * HOUR + MINUTE, { durationMs: 1 }),
      // A job of a millisecond whose start arrived after its close: ok, not running.
      signal(monitorId, overtaken, 'ok', NOW - 3 * HOUR, { durationMs: 1 }),
      signal(monitorId, overtaken, 'in_progress', NOW - 3 * HOUR + 1),
      // A log alone is no run.
      signal(monitorId, plain, 'log', NOW - 2 * HOUR),
    ]);
    const range = statsRange({ since: (NOW - 6 * HOUR) / 1000, until: NOW / 1000, resolution: '1h' }, NOW);
    const rows = await new MonitorStatsRepository(clickhouse).counts({ projectIds: [PROJECT_ID], monitorIds: [monitorId], environments: null, range });
    // [bucket, ok, error, missed, timeout, in_progress, unknown]
    expect(rows).toEqual([
      {
        monitorId,
        environment: 'production',
        buckets: [
          [1, 0, 0, 0, 1, 0, 0],
          [2, 1, 0, 0, 0, 0, 0],
          [3, 1, 0, 0, 0, 0, 0],
        ],
      },
    ]);
  });
});

describe("the duration percentiles of a page's monitors", () => {
  it('take the runs that finished ok or error with a duration, per environment and bucket, with exact p50 and p99', async () => {
    const monitorId = randomUUID();
    const start = NOW - HOUR;
    const run = (status: string, at: number, durationMs: number, environment = 'production') =>
      signal(monitorId, randomUUID(), status, at, { durationMs, environment });
    const closedTwice = randomUUID();
    const timedOut = randomUUID();
    const errored = randomUUID();
    const lateStart = randomUUID();
    await clickhouse.insert('checkins', [
      // Bucket 0 (10 minutes): four finished runs, 1 s, 2 s, 4 s (an error, started and closed) and 10 s ...
      signal(monitorId, closedTwice, 'ok', start + MINUTE, { durationMs: 1000 }),
      run('ok', start + 2 * MINUTE, 2000),
      run('ok', start + 3 * MINUTE, 10_000),
      signal(monitorId, errored, 'in_progress', start + 4 * MINUTE),
      signal(monitorId, errored, 'error', start + 4 * MINUTE + 4000, { durationMs: 4000 }),
      // ... the first run's second close changes nothing; a miss, an open run and a timeout (its late close brings
      // a duration) have none that counts.
      signal(monitorId, closedTwice, 'ok', start + 5 * MINUTE, { durationMs: 50_000 }),
      signal(monitorId, randomUUID(), 'missed', start + 6 * MINUTE),
      signal(monitorId, randomUUID(), 'in_progress', start + 7 * MINUTE),
      signal(monitorId, timedOut, 'in_progress', start + 8 * MINUTE),
      signal(monitorId, timedOut, 'timeout', start + 9 * MINUTE),
      signal(monitorId, timedOut, 'ok', start + 9 * MINUTE + 30_000, { durationMs: 99_000 }),
      // Bucket 2: a run of no time at all counts (Sentry's average leaves a zero out).
      run('ok', start + 25 * MINUTE, 0),
      // Another environment, bucket 1.
      run('ok', start + 15 * MINUTE, 3000, 'staging'),
      // Began before the range: not in it, although it closed in it.
      signal(monitorId, lateStart, 'in_progress', start - 5 * MINUTE),
      signal(monitorId, lateStart, 'ok', start + 35 * MINUTE, { durationMs: 40 * MINUTE }),
    ]);
    const range = statsRange({ since: start / 1000, until: NOW / 1000, resolution: '10m' }, NOW);
    const stats = new MonitorStatsRepository(clickhouse);
    const rows = await stats.durations({ projectIds: [PROJECT_ID], monitorIds: [monitorId], environments: null, range });
    const byEnvironment = Object.fromEntries(rows.map((row) => [row.environment, row.buckets]));
    // [bucket, runs, p50, p99]: sorted 1, 2, 4, 10 s; p50 at floor(0.5 × 4) = 2 (4 s), p99 at floor(0.99 × 4) = 3 (10 s).
    expect(byEnvironment).toEqual({
      production: [
        [0, 4, 4000, 10_000],
        [2, 1, 0, 0],
      ],
      staging: [[1, 1, 3000, 3000]],
    });
    expect(await stats.durations({ projectIds: [PROJECT_ID], monitorIds: [monitorId], environments: ['staging'], range })).toEqual([
      { monitorId, environment: 'staging', buckets: [[1, 1, 3000, 3000]] },
    ]);
  });
});

describe("the monitors' version", () => {
  it('changes when history writes a check-in or a state, or a monitor changes, and stays the same otherwise', async () => {
    const organizationId = randomUUID();
    await dataSource.query('INSERT INTO organizations (id, slug, name) VALUES ($1, $2, $2)', [organizationId, `version-${organizationId.slice(0, 8)}`]);
    const [project] = await dataSource.query<Array<{ id: number }>>(
      'INSERT INTO projects (organization_id, slug, name, ping_key) VALUES ($1, $2, $2, $3) RETURNING id',
      [organizationId, 'jobs', randomUUID().replace(/-/g, '')],
    );
    const projectId = Number(project!.id);
    const versions = new MonitorsVersionRepository(clickhouse, dataSource);
    const first = await versions.version(organizationId);
    expect(await versions.version(organizationId)).toBe(first);
    const monitorId = randomUUID();
    await clickhouse.insert('checkins', [{ ...signal(monitorId, randomUUID(), 'ok', Date.now()), project_id: projectId }]);
    const afterCheckin = await versions.version(organizationId);
    expect(afterCheckin).not.toBe(first);
    await clickhouse.insert('monitor_states', [{ ...change(monitorId, 'production', 'ok', Date.now(), 1), project_id: projectId }]);
    const afterState = await versions.version(organizationId);
    expect(afterState).not.toBe(afterCheckin);
    await dataSource.query(
      `INSERT INTO monitors (id, project_id, slug, name, ping_uuid, schedule_type, schedule_crontab) VALUES ($1, $2, 'nightly', 'Nightly', $3, 'crontab', '0 3 * * *')`,
      [monitorId, projectId, randomUUID()],
    );
    const afterMonitor = await versions.version(organizationId);
    expect(afterMonitor).not.toBe(afterState);
    expect(await versions.version(organizationId)).toBe(afterMonitor);
  });
});
