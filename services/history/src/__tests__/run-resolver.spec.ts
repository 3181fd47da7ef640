import type { CheckinMessageV1 } from '@vigil/contracts';
import { checkinMessageV1Example, monitorEnvironmentKey } from '@vigil/contracts';
import type { OpenRun } from '@vigil/runs';
import { randomUUID } from 'node:crypto';
import { RunResolver, type RunStore, type Track } from '../checkins/run-resolver';
import { dispositionOf, mayCloseAnotherEnvironment, runRuleError } from '../processing-errors/run-rule-errors';

/** A store that remembers what the test says was already written. */
class MemoryStore implements RunStore {
  readonly open = new Map<string, OpenRun[]>();
  readonly finished = new Map<string, string[]>();
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

  async finishedRuns(tracks: readonly Track[]): Promise<Map<string, string[]>> {
    return new Map(
      tracks.map((track) => [
        monitorEnvironmentKey(track.monitorId, track.environment),
        this.finished.get(monitorEnvironmentKey(track.monitorId, track.environment)) ?? [],
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

  it('takes the finished runs from the store after forget(): a late start or a second close of one is ignored', async () => {
    const store = new MemoryStore();
    const resolver = new RunResolver(store);
    const done = randomUUID();
    store.finished.set(monitorEnvironmentKey(monitorId, 'production'), [done]);
    const [late, again] = await resolver.resolve([
      checkin({ status: 'in_progress', run_match: 'exact', checkin_id: done, received_at: 1000 }),
      checkin({ status: 'ok', run_match: 'exact', checkin_id: done, received_at: 2000 }),
    ]);
    expect([late!.resolved.ignored, again!.resolved.ignored]).toEqual(['late_start', 'finished']);
  });
});

describe('what history stores of an ignored check-in', () => {
  const id = randomUUID();
  const resolved = (ignored?: 'late_start' | 'finished') => ({ checkinId: id, durationMs: null, closedRun: false, ...(ignored ? { ignored } : {}) });

  it("a Sentry check-in's late start is dropped silently, its second close recorded as checkin_finished; pings are all stored", () => {
    expect(dispositionOf(checkin({ status: 'ok' }), resolved())).toEqual({ store: true, error: null });
    expect(dispositionOf(checkin({ status: 'in_progress' }), resolved('late_start'))).toEqual({ store: false, error: null });
    expect(dispositionOf(checkin({ status: 'error', source: 'sentry_cron' }), resolved('finished'))).toEqual({ store: false, error: 'checkin_finished' });
    expect(dispositionOf(checkin({ status: 'in_progress', source: 'ping' }), resolved('late_start'))).toEqual({ store: true, error: null });
  });

  it('the processing error names the run and has an id derived from the check-in, the same when repeated', () => {
    const second = checkin({ status: 'error', run_match: 'exact', checkin_id: id, duration_ms: 1500 });
    const error = runRuleError(second, 'checkin_finished');
    expect(error).toMatchObject({
      project_id: second.project_id,
      monitor_slug: second.monitor_slug,
      environment: second.environment,
      source: second.source,
      errors: [{ code: 'checkin_finished', field: 'check_in_id' }],
      received_at: second.received_at,
    });
    expect(error.errors[0]!.message).toContain(id);
    expect(JSON.parse(error.payload!)).toEqual({
      check_in_id: id,
      monitor_slug: second.monitor_slug,
      status: 'error',
      environment: second.environment,
      duration: 1.5,
    });
    expect(runRuleError(second, 'checkin_finished').error_id).toBe(error.error_id);
  });

  it('only a Sentry close that names a run and closed none in its environment is looked up in the others', () => {
    const close = checkin({ status: 'ok', run_match: 'exact', checkin_id: id });
    expect(mayCloseAnotherEnvironment(close, resolved())).toBe(true);
    expect(mayCloseAnotherEnvironment(close, { ...resolved(), closedRun: true })).toBe(false);
    expect(mayCloseAnotherEnvironment(close, resolved('finished'))).toBe(false);
    expect(mayCloseAnotherEnvironment({ ...close, run_match: 'latest_open' }, resolved())).toBe(false);
    expect(mayCloseAnotherEnvironment({ ...close, source: 'ping' }, resolved())).toBe(false);
    expect(mayCloseAnotherEnvironment({ ...close, status: 'in_progress' }, resolved())).toBe(false);
    expect(runRuleError(close, 'checkin_environment_mismatch', ', opened in environment "production"').errors[0]!.message).toMatch(
      /another environment.*"production"/,
    );
  });
});
