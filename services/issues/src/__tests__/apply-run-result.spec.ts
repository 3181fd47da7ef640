import { runResultV1Example, type IssueEventV1, type RunResultKind, type RunResultV1 } from '@vigil/contracts';
import { applyRunResult, issueEventId, issueId, NEW_TRACK, RECENT_RESULTS_KEPT, type Thresholds, type TrackState } from '../thresholds';

const MONITOR = '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b';
const ENVIRONMENT = 'production';
const BASE = 1_795_000_000_000;
const HOUR = 3_600_000;
const KINDS: Record<string, RunResultKind> = { O: 'ok', E: 'error', M: 'missed', T: 'timeout' };

/** Result number `index` of a sequence: one an hour, with ids derived from the index (and a tag for a second run). */
function result(kind: RunResultKind, index: number, tag = ''): RunResultV1 {
  const hex = (index + 1).toString(16).padStart(12, '0');
  return {
    ...runResultV1Example,
    monitor_id: MONITOR,
    environment: ENVIRONMENT,
    event_id: `${tag}result-${index}`,
    kind,
    checkin_id: `00000000-0000-4000-8000-${hex}`,
    slot: BASE + index * HOUR,
    at: BASE + index * HOUR + 60_000,
  };
}

/** `'E M O'`: error, missed, ok (T: timeout; unknowns are added by the tests that need them). */
function sequence(text: string, tag = ''): RunResultV1[] {
  return text
    .split(/\s+/)
    .filter((token) => token !== '')
    .map((token, index) => {
      const kind = KINDS[token];
      if (!kind) throw new Error(`unknown result ${token}`);
      return result(kind, index, tag);
    });
}

function thresholds(failureIssueThreshold: number, recoveryThreshold: number): Thresholds {
  return { failureIssueThreshold, recoveryThreshold };
}

/** Applies results in order; returns the final state and every event. */
function play(results: readonly RunResultV1[], limits: Thresholds | ((index: number) => Thresholds), muted = false, from: TrackState = NEW_TRACK) {
  let state = from;
  const events: IssueEventV1[] = [];
  results.forEach((item, index) => {
    const applied = applyRunResult(state, item, typeof limits === 'function' ? limits(index) : limits, muted);
    state = applied.state;
    if (applied.transition) events.push(applied.transition.event);
  });
  return { state, events };
}

/** `opened#2(2)`: the kind, the index of the result that caused it and the failure count. */
function summarize(events: readonly IssueEventV1[], results: readonly RunResultV1[]): string[] {
  return events.map(
    (event) => `${event.kind.slice('issue.'.length)}#${results.findIndex((item) => item.checkin_id === event.checkin_id)}(${event.failure_count})`,
  );
}

// Each row: failure threshold, recovery threshold, the results in order, the events expected.
const TABLE: Array<[number, number, string, string[]]> = [
  // Threshold 1: every failure outside an issue opens one, every ok resolves it.
  [1, 1, 'O', []],
  [1, 1, 'E', ['opened#0(1)']],
  [1, 1, 'M O', ['opened#0(1)', 'resolved#1(1)']],
  [1, 1, 'T M E O', ['opened#0(1)', 'updated#1(2)', 'updated#2(3)', 'resolved#3(3)']],
  [1, 1, 'E O T O O', ['opened#0(1)', 'resolved#1(1)', 'opened#2(1)', 'resolved#3(1)']],
  // Threshold 2: fewer consecutive failures never open an issue; an ok in between starts the count again.
  [2, 1, 'E', []],
  [2, 1, 'M O T', []],
  [2, 1, 'E M', ['opened#1(2)']],
  [2, 1, 'T O M E O', ['opened#3(2)', 'resolved#4(2)']],
  [2, 1, 'M T E O E', ['opened#1(2)', 'updated#2(3)', 'resolved#3(3)']],
  // Threshold 3.
  [3, 1, 'E M', []],
  [3, 1, 'E M O T E', []],
  [3, 1, 'E M T', ['opened#2(3)']],
  [3, 1, 'T T O M E T O', ['opened#5(3)', 'resolved#6(3)']],
  [3, 1, 'M M M M O', ['opened#2(3)', 'updated#3(4)', 'resolved#4(4)']],
  // Recovery 2 and 3: a failure before the streak completes starts it again and attaches to the issue.
  [1, 2, 'E O', ['opened#0(1)']],
  [1, 2, 'E O O', ['opened#0(1)', 'resolved#2(1)']],
  [1, 2, 'E O M O O', ['opened#0(1)', 'updated#2(2)', 'resolved#4(2)']],
  [1, 3, 'M O O', ['opened#0(1)']],
  [1, 3, 'M O O O', ['opened#0(1)', 'resolved#3(1)']],
  [1, 3, 'M O O T O O O', ['opened#0(1)', 'updated#3(2)', 'resolved#6(2)']],
  // Both above 1, with mixed failures.
  [2, 2, 'O E M O T M E O O E O O O', ['opened#2(2)', 'updated#4(3)', 'updated#5(4)', 'updated#6(5)', 'resolved#8(5)']],
  [3, 3, 'O E M O T M E O O E O O O', ['opened#6(3)', 'updated#9(4)', 'resolved#12(4)']],
  [2, 3, 'E T O O M O O O', ['opened#1(2)', 'updated#4(3)', 'resolved#7(3)']],
  [3, 2, 'M E O M E T O E O O', ['opened#5(3)', 'updated#7(4)', 'resolved#9(4)']],
];

describe('applyRunResult: failure and recovery thresholds', () => {
  it.each(TABLE)('failure %i, recovery %i: %s', (failure, recovery, text, expected) => {
    const results = sequence(text);
    const { events } = play(results, thresholds(failure, recovery));
    expect(summarize(events, results)).toEqual(expected);
  });

  it('an ok resets the failure streak', () => {
    const { state } = play(sequence('E E O'), thresholds(3, 1));
    expect(state).toMatchObject({ consecutiveFailures: 0, consecutiveOks: 1, openIssue: null });
  });

  it('a failure resets the ok streak (and attaches to the open issue)', () => {
    const results = sequence('E O O E O O');
    const { state, events } = play(results, thresholds(1, 3));
    expect(summarize(events, results)).toEqual(['opened#0(1)', 'updated#3(2)']);
    expect(state).toMatchObject({ consecutiveFailures: 0, consecutiveOks: 2, openIssue: { failureCount: 2 } });
  });

  it('keeps at most one open issue: further failures attach to it', () => {
    const { events } = play(sequence('E M T E M'), thresholds(1, 1));
    expect(events.map((event) => event.kind)).toEqual(['issue.opened', 'issue.updated', 'issue.updated', 'issue.updated', 'issue.updated']);
    expect(new Set(events.map((event) => event.issue_id)).size).toBe(1);
    expect(events.map((event) => event.failure_count)).toEqual([1, 2, 3, 4, 5]);
  });

  it('after a resolve, a new issue needs the full threshold again, and gets a new id', () => {
    const results = sequence('E M O E M');
    const { events } = play(results, thresholds(2, 1));
    expect(summarize(events, results)).toEqual(['opened#1(2)', 'resolved#2(2)', 'opened#4(2)']);
    expect(events[0]!.issue_id).not.toBe(events[2]!.issue_id);
  });

  it('carries what the notifier needs: the causing result, the issue times, and the mute', () => {
    const results = sequence('M E O');
    const { events } = play(results, thresholds(2, 1), true);
    const [opened, resolved] = events;
    expect(opened).toEqual({
      version: 1,
      event_id: `${opened!.issue_id}:issue.opened:result-1`,
      kind: 'issue.opened',
      issue_id: issueId(MONITOR, ENVIRONMENT, 'result-1'),
      organization_id: runResultV1Example.organization_id,
      project_id: runResultV1Example.project_id,
      monitor_id: MONITOR,
      monitor_slug: runResultV1Example.monitor_slug,
      environment: ENVIRONMENT,
      status: 'error',
      checkin_id: results[1]!.checkin_id,
      slot: results[1]!.slot,
      failure_count: 2,
      opened_at: results[1]!.at,
      resolved_at: null,
      muted: true,
    });
    expect(resolved).toMatchObject({
      kind: 'issue.resolved',
      status: 'ok',
      checkin_id: results[2]!.checkin_id,
      opened_at: results[1]!.at,
      resolved_at: results[2]!.at,
      muted: true,
    });
  });
});

describe('applyRunResult: an unknown result (a miss while Vigil was down) is ignored', () => {
  /** Unknowns between the results: none, one, two, one, ... after result i (and two before the first). */
  function interleaved(results: readonly RunResultV1[]): RunResultV1[] {
    const unknown = (index: number, n: number) => result('unknown', 1000 + index * 3 + n, 'unknown-');
    const out: RunResultV1[] = [unknown(-1, 0), unknown(-1, 1)];
    results.forEach((item, index) => {
      out.push(item);
      for (let n = 0; n < [0, 1, 2, 1][index % 4]!; n += 1) out.push(unknown(index, n));
    });
    return out;
  }

  it.each(TABLE)('failure %i, recovery %i: %s with unknowns interleaved gives the same events', (failure, recovery, text, expected) => {
    const results = sequence(text);
    const without = play(results, thresholds(failure, recovery));
    const withUnknowns = play(interleaved(results), thresholds(failure, recovery));
    expect(summarize(withUnknowns.events, results)).toEqual(expected);
    expect(withUnknowns.events).toEqual(without.events);
    expect(withUnknowns.state).toEqual(without.state);
  });

  it('opens nothing however many come, and leaves the state as it was', () => {
    const unknowns = Array.from({ length: 5 }, (_, index) => result('unknown', index, 'unknown-'));
    expect(play(unknowns, thresholds(1, 1))).toEqual({ state: NEW_TRACK, events: [] });
    const failing = play(sequence('E E'), thresholds(3, 1)).state;
    const applied = applyRunResult(failing, unknowns[0]!, thresholds(3, 1), false);
    expect(applied).toEqual({ state: failing, transition: null, duplicate: false });
  });

  it('neither updates nor resolves an open issue', () => {
    const open = play(sequence('M'), thresholds(1, 1)).state;
    expect(open.openIssue).not.toBeNull();
    const applied = applyRunResult(open, result('unknown', 1, 'unknown-'), thresholds(1, 1), false);
    expect(applied).toEqual({ state: open, transition: null, duplicate: false });
  });
});

describe('applyRunResult: thresholds changed while counting apply from the next result', () => {
  it('a failure threshold lowered after two failures opens at the third, counting all three', () => {
    const results = sequence('E M T');
    const { events } = play(results, (index) => (index < 2 ? thresholds(5, 1) : thresholds(2, 1)));
    expect(summarize(events, results)).toEqual(['opened#2(3)']);
  });

  it('a failure threshold raised after one failure needs the new count', () => {
    const results = sequence('E M T');
    const { events } = play(results, (index) => (index < 1 ? thresholds(2, 1) : thresholds(3, 1)));
    expect(summarize(events, results)).toEqual(['opened#2(3)']);
  });

  it('a recovery threshold lowered while an issue waits for oks resolves at the next ok', () => {
    const results = sequence('E O O O');
    const { events } = play(results, (index) => (index < 3 ? thresholds(1, 5) : thresholds(1, 2)));
    expect(summarize(events, results)).toEqual(['opened#0(1)', 'resolved#3(1)']);
  });

  it('a threshold changed to 0 counts as 1', () => {
    const results = sequence('E O');
    expect(summarize(play(results, thresholds(0, 0)).events, results)).toEqual(['opened#0(1)', 'resolved#1(1)']);
  });
});

describe('applyRunResult: repeats and deterministic ids', () => {
  it('the same results give the same events, ids included', () => {
    const results = sequence('E M O T O');
    expect(play(results, thresholds(1, 1)).events).toEqual(play(results, thresholds(1, 1)).events);
  });

  it("an issue's id depends on the monitor, the environment and the opening result only", () => {
    const id = issueId(MONITOR, ENVIRONMENT, 'result-0');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).toBe(issueId(MONITOR, ENVIRONMENT, 'result-0'));
    expect(id).not.toBe(issueId(MONITOR, 'staging', 'result-0'));
    expect(id).not.toBe(issueId(MONITOR, ENVIRONMENT, 'result-1'));
    expect(issueEventId(id, 'issue.updated', 'result-3')).toBe(`${id}:issue.updated:result-3`);
  });

  it('a result applied again (same event id) changes nothing and emits nothing', () => {
    const results = sequence('E M');
    const first = play(results, thresholds(1, 1));
    const again = applyRunResult(first.state, results[1]!, thresholds(1, 1), false);
    expect(again).toEqual({ state: first.state, transition: null, duplicate: true });
    // Also an opening repeated after its issue resolved: it must not open a second issue.
    const resolved = applyRunResult(first.state, result('ok', 2), thresholds(1, 1), false).state;
    expect(applyRunResult(resolved, results[0]!, thresholds(1, 1), false).duplicate).toBe(true);
  });

  it(`remembers the latest ${RECENT_RESULTS_KEPT} results`, () => {
    const many = Array.from({ length: RECENT_RESULTS_KEPT + 1 }, (_, index) => result('ok', index));
    const { state } = play(many, thresholds(1, 1));
    expect(state.recentResults).toHaveLength(RECENT_RESULTS_KEPT);
    expect(applyRunResult(state, many[RECENT_RESULTS_KEPT]!, thresholds(1, 1), false).duplicate).toBe(true);
    expect(applyRunResult(state, many[1]!, thresholds(1, 1), false).duplicate).toBe(true);
    expect(applyRunResult(state, many[0]!, thresholds(1, 1), false).duplicate).toBe(false);
  });
});
