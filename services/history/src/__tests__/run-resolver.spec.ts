import type { CheckinMessageV1 } from '@vigil/contracts';
import { checkinMessageV1Example, monitorEnvironmentKey } from '@vigil/contracts';
import type { OpenRun } from '@vigil/runs';
import { randomUUID } from 'node:crypto';
import { RunResolver, type RunStore, type Track } from '../checkins/run-resolver';

/** A store that remembers what the test says was already written. */
class MemoryStore implements RunStore {
  readonly open = new Map<string, OpenRun[]>();
  readonly stored = new Set<string>();
  loads = 0;

  async openRuns(tracks: readonly Track[]): Promise<Map<string, OpenRun[]>> {
    this.loads += 1;
    return new Map(
      tracks.map((track) => [
        monitorEnvironmentKey(track.monitorId, track.environment),
        this.open.get(monitorEnvironmentKey(track.monitorId, track.environment)) ?? [],
      ]),
    );
  }

  async storedEventIds(messages: readonly CheckinMessageV1[]): Promise<Set<string>> {
    return new Set(messages.filter((message) => this.stored.has(message.event_id)).map((message) => message.event_id));
  }
}

const monitorId = randomUUID();

function checkin(overrides: Partial<CheckinMessageV1>): CheckinMessageV1 {
  return {
    ...checkinMessageV1Example,
    event_id: randomUUID(),
    checkin_id: randomUUID(),
    monitor_id: monitorId,
    run_match: 'latest_open',
    duration_ms: null,
    ...overrides,
  };
}

describe('RunResolver', () => {
  it('closes a run opened in an earlier batch, loading the track from the store once', async () => {
    const store = new MemoryStore();
    const resolver = new RunResolver(store);
    const start = checkin({ status: 'in_progress', run_match: 'exact', received_at: 1000 });
    await resolver.resolve([start]);
    const [finish] = await resolver.resolve([checkin({ status: 'ok', received_at: 4000 })]);
    expect(finish!.resolved).toEqual({ checkinId: start.checkin_id, durationMs: 3000, closedRun: true });
    expect(store.loads).toBe(1);
  });

  it('takes open runs from the store after forget() (a rebalance or a restart)', async () => {
    const store = new MemoryStore();
    const resolver = new RunResolver(store);
    const runId = randomUUID();
    store.open.set(monitorEnvironmentKey(monitorId, 'production'), [{ checkinId: runId, startedAt: 500 }]);
    resolver.forget();
    const [finish] = await resolver.resolve([checkin({ status: 'error', received_at: 2500 })]);
    expect(finish!.resolved).toEqual({ checkinId: runId, durationMs: 2000, closedRun: true });
  });

  it('leaves out messages already stored, so a redelivered batch is not resolved twice', async () => {
    const store = new MemoryStore();
    const resolver = new RunResolver(store);
    const done = checkin({ status: 'ok', received_at: 1000 });
    store.stored.add(done.event_id);
    const next = checkin({ status: 'ok', received_at: 2000 });
    const resolved = await resolver.resolve([done, next]);
    expect(resolved.map((entry) => entry.message.event_id)).toEqual([next.event_id]);
  });

  it('keeps environments apart', async () => {
    const resolver = new RunResolver(new MemoryStore());
    const staging = checkin({ status: 'in_progress', environment: 'staging', received_at: 1000 });
    const [, production] = await resolver.resolve([staging, checkin({ status: 'ok', environment: 'production', received_at: 2000 })]);
    expect(production!.resolved.closedRun).toBe(false);
  });
});
