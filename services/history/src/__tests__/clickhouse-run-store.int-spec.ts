import { ClickHouse } from '@vigil/clickhouse';
import { checkinMessageV1Example, type CheckinMessageV1 } from '@vigil/contracts';
import { monitorEnvironmentKey } from '@vigil/contracts';
import { testConfig } from '@vigil/testing';
import { randomUUID } from 'node:crypto';
import { rowFromCheckin } from '../checkins/checkin-row';
import { ClickHouseRunStore, runOfMonitor } from '../checkins/clickhouse-run-store';
import { RunResolver } from '../checkins/run-resolver';
import { dispositionOf } from '../processing-errors/run-rule-errors';

// The run store on real ClickHouse (18.16 here): what a restarted history reads back to resolve runs.
describe('ClickHouseRunStore', () => {
  const clickhouse = ClickHouse.connect(testConfig());
  const store = new ClickHouseRunStore(clickhouse);
  const monitorId = randomUUID();
  const now = Date.now();

  function signal(overrides: Partial<CheckinMessageV1>): CheckinMessageV1 {
    return {
      ...checkinMessageV1Example,
      event_id: randomUUID(),
      checkin_id: randomUUID(),
      monitor_id: monitorId,
      run_match: 'exact',
      duration_ms: null,
      ...overrides,
    };
  }

  /** Writes as the history writer does: what the run rules drop is not stored. */
  async function write(messages: CheckinMessageV1[]): Promise<void> {
    const resolved = await new RunResolver(store).resolve(messages, now);
    await clickhouse.insert(
      'checkins',
      resolved.filter(({ message, resolved: run }) => dispositionOf(message, run).store).map(({ message, resolved: run }) => rowFromCheckin(message, run)),
    );
  }

  afterAll(async () => {
    await clickhouse.close();
  });

  it('reads back the runs still open (a log does not close one, a finish does) and which event ids are stored', async () => {
    const open = signal({ status: 'in_progress', received_at: now - 60_000 });
    const closed = signal({ status: 'in_progress', received_at: now - 50_000 });
    const log = signal({ status: 'log', checkin_id: open.checkin_id, received_at: now - 40_000 });
    const finish = signal({ status: 'ok', checkin_id: closed.checkin_id, received_at: now - 30_000 });
    const staging = signal({ status: 'in_progress', environment: 'staging', received_at: now - 20_000 });
    await write([open, closed, log, finish, staging]);

    const runs = await store.openRuns([{ projectId: open.project_id, monitorId, environment: 'production' }], now);
    expect(runs.get(monitorEnvironmentKey(monitorId, 'production'))).toEqual([{ checkinId: open.checkin_id, startedAt: open.received_at, named: true }]);
    expect(runs.has(monitorEnvironmentKey(monitorId, 'staging'))).toBe(false);

    const unseen = signal({ status: 'ok', received_at: now });
    expect(await store.storedEventIds([open, finish, unseen])).toEqual(new Set([open.event_id, finish.event_id]));
  });

  it('a restarted resolver closes a run opened before the restart, with the duration since its start', async () => {
    const otherMonitor = randomUUID();
    const start = signal({ monitor_id: otherMonitor, status: 'in_progress', received_at: now - 90_000 });
    await write([start]);
    const [end] = await new RunResolver(store).resolve([signal({ monitor_id: otherMonitor, status: 'ok', run_match: 'latest_open', received_at: now })], now);
    expect(end!.resolved).toEqual({ checkinId: start.checkin_id, durationMs: 90_000, closedRun: true });
  });

  it('remembers whether a ping named its run across a restart: a ping without rid closing a run started with one records no duration', async () => {
    const ping = (overrides: Partial<CheckinMessageV1>) => signal({ source: 'ping', ...overrides });
    const named = randomUUID();
    const unnamed = randomUUID();
    await write([
      ping({ monitor_id: named, status: 'in_progress', received_at: now - 90_000 }),
      ping({ monitor_id: unnamed, status: 'in_progress', run_match: 'latest_open', received_at: now - 80_000 }),
    ]);
    const runs = await store.openRuns(
      [
        { projectId: checkinMessageV1Example.project_id, monitorId: named, environment: 'production' },
        { projectId: checkinMessageV1Example.project_id, monitorId: unnamed, environment: 'production' },
      ],
      now,
    );
    expect(runs.get(monitorEnvironmentKey(named, 'production'))?.[0]?.named).toBe(true);
    expect(runs.get(monitorEnvironmentKey(unnamed, 'production'))?.[0]?.named).toBe(false);
    const resolved = await new RunResolver(store).resolve(
      [
        ping({ monitor_id: named, status: 'ok', run_match: 'latest_open', received_at: now }),
        ping({ monitor_id: unnamed, status: 'ok', run_match: 'latest_open', received_at: now }),
      ],
      now,
    );
    expect(resolved.map((entry) => [entry.resolved.closedRun, entry.resolved.durationMs])).toEqual([
      [true, null],
      [true, 80_000],
    ]);
  });

  it('after a restart, a start that arrived after its own close leaves no run open, and finished runs are remembered', async () => {
    const ping = randomUUID();
    const sentry = randomUUID();
    const overtaken = signal({ monitor_id: ping, source: 'ping', status: 'ok', received_at: now - 70_000 });
    const timedOut = signal({ monitor_id: ping, source: 'ping', status: 'in_progress', received_at: now - 65_000 });
    // The ping's start, stored (Healthchecks lists every ping), after its close.
    await write([
      overtaken,
      signal({ monitor_id: ping, source: 'ping', checkin_id: overtaken.checkin_id, status: 'in_progress', received_at: now - 69_000 }),
      timedOut,
    ]);
    await clickhouse.insert('checkins', [
      {
        ...rowFromCheckin(timedOut, { checkinId: timedOut.checkin_id, durationMs: null, closedRun: false }),
        event_id: randomUUID(),
        status: 'timeout',
        source: 'scheduler',
      },
    ]);
    const closes = Array.from({ length: 6 }, (_, index) => signal({ monitor_id: sentry, status: 'ok', received_at: now - 60_000 + index * 1000 }));
    await write(closes);
    const tracks = [
      { projectId: checkinMessageV1Example.project_id, monitorId: ping, environment: 'production' },
      { projectId: checkinMessageV1Example.project_id, monitorId: sentry, environment: 'production' },
    ];
    // The timed-out run stays open for its late close, as in the scheduler's ledger.
    const open = await store.openRuns(tracks, now);
    expect(open.get(monitorEnvironmentKey(ping, 'production'))?.map((run) => run.checkinId)).toEqual([timedOut.checkin_id]);
    const finished = await store.finishedRuns(tracks, now);
    expect(finished.get(monitorEnvironmentKey(ping, 'production'))).toEqual([overtaken.checkin_id]);
    expect(finished.get(monitorEnvironmentKey(sentry, 'production'))).toEqual(closes.slice(-4).map((close) => close.checkin_id));

    // A restarted resolver ignores a second close and a late start of a finished Sentry run.
    const resolved = await new RunResolver(store).resolve(
      [
        signal({ monitor_id: sentry, status: 'error', checkin_id: closes[5]!.checkin_id, received_at: now }),
        signal({ monitor_id: sentry, status: 'in_progress', checkin_id: closes[4]!.checkin_id, received_at: now }),
      ],
      now,
    );
    expect(resolved.map((entry) => entry.resolved.ignored)).toEqual(['finished', 'late_start']);
  });

  it('finds the environment a run was stored under when a close names it from another one', async () => {
    const monitor = randomUUID();
    const start = signal({ monitor_id: monitor, status: 'in_progress', environment: 'production', received_at: now - 10_000 });
    await write([start]);
    const elsewhere = signal({ monitor_id: monitor, status: 'ok', checkin_id: start.checkin_id, environment: 'staging', received_at: now });
    const here = signal({ monitor_id: monitor, status: 'ok', checkin_id: start.checkin_id, environment: 'production', received_at: now });
    const unknown = signal({ monitor_id: monitor, status: 'ok', environment: 'staging', received_at: now });
    const otherMonitor = signal({ monitor_id: randomUUID(), status: 'ok', checkin_id: start.checkin_id, environment: 'staging', received_at: now });
    expect(await store.otherEnvironments([elsewhere, unknown, otherMonitor])).toEqual(new Map([[runOfMonitor(monitor, start.checkin_id), 'production']]));
    expect(await store.otherEnvironments([here])).toEqual(new Map());
  });
});
