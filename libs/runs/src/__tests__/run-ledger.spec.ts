import { randomUUID } from 'node:crypto';
import type { LedgerSignal } from '../run-ledger';
import { MAX_FINISHED_RUNS, MAX_OPEN_RUN_AGE_MS, MAX_OPEN_RUNS, runDeadline, runKey, TrackRuns } from '../run-ledger';

function signal(status: LedgerSignal['status'], at: number, overrides: Partial<LedgerSignal> = {}): LedgerSignal {
  return { checkin_id: randomUUID(), run_match: 'latest_open', status, duration_ms: null, received_at: at, ...overrides };
}

describe('TrackRuns', () => {
  it('closes the run named by its id and computes the duration from its start', () => {
    const runs = new TrackRuns();
    const id = randomUUID();
    expect(runs.apply(signal('in_progress', 1000, { checkin_id: id, run_match: 'exact' }))).toEqual({ checkinId: id, durationMs: null, closedRun: false });
    expect(runs.apply(signal('ok', 13_500, { checkin_id: id, run_match: 'exact' }))).toEqual({ checkinId: id, durationMs: 12_500, closedRun: true });
    expect(runs.openRuns).toEqual([]);
  });

  it("keeps the client's duration when it sent one", () => {
    const runs = new TrackRuns();
    const id = randomUUID();
    runs.apply(signal('in_progress', 1000, { checkin_id: id, run_match: 'exact' }));
    expect(runs.apply(signal('error', 9000, { checkin_id: id, run_match: 'exact', duration_ms: 7777 })).durationMs).toBe(7777);
  });

  it('attaches a signal without a run id to the latest open run (all-zero check_in_id, ping without rid)', () => {
    const runs = new TrackRuns();
    const first = signal('in_progress', 1000);
    const second = signal('in_progress', 2000, { run_match: 'exact' });
    runs.apply(first);
    runs.apply(second);
    expect(runs.apply(signal('ok', 5000))).toEqual({ checkinId: second.checkin_id, durationMs: 3000, closedRun: true });
    expect(runs.apply(signal('ok', 6000))).toEqual({ checkinId: first.checkin_id, durationMs: 5000, closedRun: true });
  });

  it('a zero-id in_progress re-touches the open run instead of starting another', () => {
    const runs = new TrackRuns();
    const first = signal('in_progress', 1000);
    runs.apply(first);
    expect(runs.apply(signal('in_progress', 2000)).checkinId).toBe(first.checkin_id);
    expect(runs.openRuns).toHaveLength(1);
    expect(runs.apply(signal('ok', 4000)).durationMs).toBe(3000);
  });

  it('a result with nothing open is a standalone run with its own id and the client duration', () => {
    const runs = new TrackRuns();
    const lone = signal('ok', 1000, { duration_ms: 250 });
    expect(runs.apply(lone)).toEqual({ checkinId: lone.checkin_id, durationMs: 250, closedRun: false });
    const exact = signal('error', 2000, { run_match: 'exact' });
    expect(runs.apply(exact)).toEqual({ checkinId: exact.checkin_id, durationMs: null, closedRun: false });
  });

  it('a second close of a finished run is ignored: the first close stands (Sentry: checkin_finished)', () => {
    const runs = new TrackRuns();
    const id = randomUUID();
    runs.apply(signal('in_progress', 1000, { checkin_id: id, run_match: 'exact' }));
    runs.apply(signal('ok', 2000, { checkin_id: id, run_match: 'exact' }));
    expect(runs.apply(signal('error', 3000, { checkin_id: id, run_match: 'exact', duration_ms: 5 }))).toEqual({
      checkinId: id,
      durationMs: 5,
      closedRun: false,
      ignored: 'finished',
    });
    // A standalone result's id is finished too.
    const lone = randomUUID();
    runs.apply(signal('ok', 4000, { checkin_id: lone, run_match: 'exact' }));
    expect(runs.apply(signal('ok', 5000, { checkin_id: lone, run_match: 'exact' })).ignored).toBe('finished');
    expect(runs.finishedRuns).toEqual([runKey(id), runKey(lone)]);
  });

  it('a repeated ping result with the same rid counts as a result of its own (Healthchecks counts every ping)', () => {
    const runs = new TrackRuns();
    const id = randomUUID();
    runs.apply(signal('ok', 2000, { checkin_id: id, run_match: 'exact', source: 'ping' }));
    expect(runs.apply(signal('ok', 3000, { checkin_id: id, run_match: 'exact', source: 'ping' }))).toEqual({
      checkinId: id,
      durationMs: null,
      closedRun: false,
    });
  });

  it(`remembers the last ${MAX_FINISHED_RUNS} finished runs, in the order of their latest result`, () => {
    const runs = new TrackRuns();
    const ids = Array.from({ length: MAX_FINISHED_RUNS + 2 }, () => randomUUID());
    ids.forEach((id, index) => runs.apply(signal('ok', 1000 + index, { checkin_id: id, run_match: 'exact' })));
    expect(runs.finishedRuns).toEqual(ids.slice(-MAX_FINISHED_RUNS).map(runKey));
    // The oldest one is forgotten: its start opens a run again.
    runs.apply(signal('in_progress', 9000, { checkin_id: ids[0]!, run_match: 'exact' }));
    expect(runs.openRuns.map((run) => run.checkinId)).toEqual([ids[0]]);
    // A ping repeated for a remembered run moves it to the end.
    runs.apply(signal('ok', 9500, { checkin_id: ids[2]!, run_match: 'exact', source: 'ping' }));
    expect(runs.finishedRuns[runs.finishedRuns.length - 1]).toBe(runKey(ids[2]!));
    expect(new TrackRuns([], runs.finishedRuns).finishedRuns).toEqual(runs.finishedRuns);
  });

  it('an in_progress repeated for an open run is a heartbeat: the deadline counts from it', () => {
    const runs = new TrackRuns();
    const id = randomUUID();
    runs.apply(signal('in_progress', 1000, { checkin_id: id, run_match: 'exact' }));
    expect(runDeadline(runs.openRuns[0]!, 60_000)).toBe(61_000);
    expect(runs.apply(signal('in_progress', 50_000, { checkin_id: id, run_match: 'exact' }))).toEqual({ checkinId: id, durationMs: null, closedRun: false });
    expect(runs.openRuns).toEqual([{ checkinId: id, startedAt: 1000, named: true, touchedAt: 50_000 }]);
    expect(runDeadline(runs.openRuns[0]!, 60_000)).toBe(110_000);
    // A zero-id in_progress re-touches the latest open run the same way; an older one does not move it back.
    runs.apply(signal('in_progress', 70_000));
    runs.apply(signal('in_progress', 60_000, { checkin_id: id, run_match: 'exact' }));
    expect(runs.openRuns[0]!.touchedAt).toBe(70_000);
    // The duration still counts from the start.
    expect(runs.apply(signal('ok', 100_000, { checkin_id: id, run_match: 'exact' })).durationMs).toBe(99_000);
    // Never past the longest a run can stay open.
    expect(runDeadline({ checkinId: id, startedAt: 0, touchedAt: MAX_OPEN_RUN_AGE_MS - 1 }, 60_000)).toBe(MAX_OPEN_RUN_AGE_MS);
  });

  it('a start that arrives after its own result (or again after it) opens nothing: no run left open to time out', () => {
    const runs = new TrackRuns();
    const id = randomUUID();
    expect(runs.apply(signal('ok', 2000, { checkin_id: id, run_match: 'exact' }))).toEqual({ checkinId: id, durationMs: null, closedRun: false });
    expect(runs.apply(signal('in_progress', 1000, { checkin_id: id, run_match: 'exact' }))).toEqual({
      checkinId: id,
      durationMs: null,
      closedRun: false,
      ignored: 'late_start',
    });
    expect(runs.openRuns).toEqual([]);
    const next = randomUUID();
    runs.apply(signal('in_progress', 3000, { checkin_id: next, run_match: 'exact' }));
    runs.apply(signal('ok', 4000, { checkin_id: next, run_match: 'exact' }));
    runs.apply(signal('in_progress', 3000, { checkin_id: next, run_match: 'exact' })); // redelivered start
    expect(runs.openRuns).toEqual([]);
    // Remembered across a rebuild of the ledger (the scheduler keeps it in its track snapshot).
    const rebuilt = new TrackRuns(runs.openRuns, runs.finishedRuns);
    rebuilt.apply(signal('in_progress', 3000, { checkin_id: next, run_match: 'exact' }));
    expect(rebuilt.openRuns).toEqual([]);
  });

  it('remembers a finished run by a 53-bit hash of its whole id, whatever its case and dashes', () => {
    const key = runKey('7b2e4c6a-1d3f-4e5a-9b7c-2d4f6a8c0e1f');
    expect(runKey('7B2E4C6A1D3F4E5A9B7C2D4F6A8C0E1F')).toBe(key);
    expect(Number.isSafeInteger(key) && key >= 0).toBe(true);
    // Ids that differ in their last digit only (a client's sequential rids) are told apart.
    const sequential = Array.from({ length: 10_000 }, (_, n) => runKey(`00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`));
    expect(new Set(sequential).size).toBe(10_000);
  });

  it('logs change nothing and join the open run when they name none', () => {
    const runs = new TrackRuns();
    const start = signal('in_progress', 1000);
    runs.apply(start);
    expect(runs.apply(signal('log', 1500))).toEqual({ checkinId: start.checkin_id, durationMs: null, closedRun: false });
    expect(runs.openRuns).toHaveLength(1);
    const lone = signal('log', 1600, { run_match: 'exact' });
    expect(runs.apply(lone).checkinId).toBe(lone.checkin_id);
  });

  it('forgets runs older than the longest max_runtime and keeps at most MAX_OPEN_RUNS', () => {
    const runs = new TrackRuns([{ checkinId: randomUUID(), startedAt: 0 }]);
    const late = signal('ok', MAX_OPEN_RUN_AGE_MS + 1);
    expect(runs.apply(late)).toEqual({ checkinId: late.checkin_id, durationMs: null, closedRun: false });
    for (let i = 0; i < MAX_OPEN_RUNS + 5; i += 1) runs.apply(signal('in_progress', MAX_OPEN_RUN_AGE_MS + 10 + i, { run_match: 'exact' }));
    expect(runs.openRuns).toHaveLength(MAX_OPEN_RUNS);
  });

  describe('Healthchecks pings (source ping): rids pair a start with its end', () => {
    const ping = (status: LedgerSignal['status'], at: number, overrides: Partial<LedgerSignal> = {}) => signal(status, at, { source: 'ping', ...overrides });

    it('a success without rid closes a run started with one, recording no duration', () => {
      const runs = new TrackRuns();
      const a = randomUUID();
      runs.apply(ping('in_progress', 1000, { checkin_id: a, run_match: 'exact' }));
      expect(runs.apply(ping('ok', 5000))).toEqual({ checkinId: a, durationMs: null, closedRun: true });
      expect(runs.openRuns).toEqual([]);
    });

    it('a success without rid after a start without rid records the duration', () => {
      const runs = new TrackRuns();
      const start = ping('in_progress', 1000);
      expect(runs.apply(start)).toEqual({ checkinId: start.checkin_id, durationMs: null, closedRun: false });
      expect(runs.apply(ping('ok', 4000))).toEqual({ checkinId: start.checkin_id, durationMs: 3000, closedRun: true });
    });

    it('each start without rid is a run of its own (not a re-touch of the open one)', () => {
      const runs = new TrackRuns();
      runs.apply(ping('in_progress', 1000));
      runs.apply(ping('in_progress', 2000));
      expect(runs.openRuns).toHaveLength(2);
    });

    it('a success with another rid closes only its own run: run A stays open', () => {
      const runs = new TrackRuns();
      const a = randomUUID();
      runs.apply(ping('in_progress', 1000, { checkin_id: a, run_match: 'exact' }));
      const b = randomUUID();
      expect(runs.apply(ping('ok', 2000, { checkin_id: b, run_match: 'exact' }))).toEqual({ checkinId: b, durationMs: null, closedRun: false });
      expect(runs.openRuns.map((run) => run.checkinId)).toEqual([a]);
    });

    it('an ignored ping changes nothing', () => {
      const runs = new TrackRuns();
      const a = randomUUID();
      runs.apply(ping('in_progress', 1000, { checkin_id: a, run_match: 'exact' }));
      expect(runs.apply(ping('ign', 2000, { checkin_id: a, run_match: 'exact' }))).toEqual({ checkinId: a, durationMs: null, closedRun: false });
      expect(runs.openRuns.map((run) => run.checkinId)).toEqual([a]);
    });
  });
});
