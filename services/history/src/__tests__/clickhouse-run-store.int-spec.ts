import { ClickHouse } from '@vigil/clickhouse';
import { checkinMessageV1Example, type CheckinMessageV1 } from '@vigil/contracts';
import { monitorEnvironmentKey } from '@vigil/contracts';
import { testConfig } from '@vigil/testing';
import { randomUUID } from 'node:crypto';
import { rowFromCheckin } from '../checkins/checkin-row';
import { ClickHouseRunStore } from '../checkins/clickhouse-run-store';
import { RunResolver } from '../checkins/run-resolver';

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

  async function write(messages: CheckinMessageV1[]): Promise<void> {
    const resolved = await new RunResolver(store).resolve(messages, now);
    await clickhouse.insert(
      'checkins',
      resolved.map(({ message, resolved: run }) => rowFromCheckin(message, run)),
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
});
