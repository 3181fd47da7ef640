import { PartitionDetector, type DetectionResult, type MonitorConfigInput, type TrackSnapshotV1 } from '../detection';
import { runKey } from '@vigil/runs';
import { DAY, ENV, HOUR, hourly, MINUTE, SECOND, T0 } from './detection-harness';

const A = '5a7c9e1b-3d5f-4a7c-9e1b-00000000000a';
const B = '5a7c9e1b-3d5f-4a7c-9e1b-00000000000b';
const C = '5a7c9e1b-3d5f-4a7c-9e1b-00000000000c';
const D = '5a7c9e1b-3d5f-4a7c-9e1b-00000000000d';

type Step =
  | { pulse: number }
  | { monitor: string; config: MonitorConfigInput | null }
  | { checkin: string; status: 'in_progress' | 'ok' | 'error' | 'log'; at: number; id?: string; env?: string };

const everyMinute = hourly({ schedule: { type: 'crontab', value: '* * * * *', timezone: 'UTC' }, checkinMarginMinutes: 1 });
const healthchecks = hourly({
  schedule: { type: 'interval', value: 2, unit: 'hour' },
  checkinMarginMinutes: 30,
  maxRuntimeMinutes: null,
  timeoutFromMargin: true,
});
const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** Four monitors over two days: misses, a collapsed outage, timeouts (one closed late), a pause, a config change. */
function script(): Step[] {
  const steps: Step[] = [
    { monitor: A, config: hourly() },
    { monitor: B, config: everyMinute },
    { monitor: C, config: healthchecks },
    { checkin: D, status: 'ok', at: T0 + 20 * SECOND }, // configuration not known yet
    { checkin: A, status: 'in_progress', at: T0 + 10 * SECOND, id: id(1) },
    { checkin: A, status: 'ok', at: T0 + 5 * MINUTE, id: id(1) },
    { checkin: A, status: 'ok', at: T0 + 10 * SECOND, env: 'staging' },
    { checkin: B, status: 'ok', at: T0 + 30 * SECOND },
    { checkin: C, status: 'in_progress', at: T0 + 40 * SECOND },
    { monitor: D, config: hourly({ checkinMarginMinutes: 2 }) },
  ];
  for (let t = T0 + MINUTE; t <= T0 + 2 * DAY; t += 5 * MINUTE) {
    steps.push({ pulse: t });
    if (t === T0 + 2 * HOUR + MINUTE) steps.push({ checkin: A, status: 'in_progress', at: t + 10 * SECOND, id: id(2) });
    if (t === T0 + 3 * HOUR + MINUTE) steps.push({ checkin: A, status: 'ok', at: t, id: id(2) }); // after its timeout
    if (t === T0 + 5 * HOUR + MINUTE) steps.push({ monitor: A, config: hourly({ status: 'paused' }) });
    if (t === T0 + 9 * HOUR + MINUTE) steps.push({ monitor: A, config: hourly() });
    if (t === T0 + 10 * HOUR + MINUTE) steps.push({ checkin: A, status: 'error', at: t + SECOND });
    if (t === T0 + 20 * HOUR + MINUTE) steps.push({ checkin: B, status: 'ok', at: t + 20 * SECOND });
    if (t === T0 + 26 * HOUR + MINUTE)
      steps.push({ monitor: A, config: hourly({ schedule: { type: 'crontab', value: '0 6 * * *', timezone: 'Europe/Berlin' } }) });
    if (t % (3 * HOUR) === (T0 % (3 * HOUR)) + MINUTE) steps.push({ checkin: C, status: 'ok', at: t + 2 * SECOND });
    if (t === T0 + 30 * HOUR + MINUTE) steps.push({ checkin: D, status: 'in_progress', at: t + 3 * SECOND });
    // Heartbeats keep a run open past its max runtime; a second close and a late start of it are ignored.
    if (t === T0 + 12 * HOUR + MINUTE) steps.push({ checkin: A, status: 'in_progress', at: t + SECOND, id: id(3) });
    if (t === T0 + 12 * HOUR + 16 * MINUTE) steps.push({ checkin: A, status: 'in_progress', at: t + SECOND, id: id(3) });
    if (t === T0 + 12 * HOUR + 31 * MINUTE) steps.push({ checkin: A, status: 'ok', at: t + SECOND, id: id(3) });
    if (t === T0 + 12 * HOUR + 36 * MINUTE) steps.push({ checkin: A, status: 'error', at: t + SECOND, id: id(3) });
    if (t === T0 + 12 * HOUR + 41 * MINUTE) steps.push({ checkin: A, status: 'in_progress', at: t + SECOND, id: id(3) });
  }
  return steps;
}

function apply(detector: PartitionDetector, step: Step): DetectionResult {
  if ('pulse' in step) return detector.pulse(step.pulse);
  if ('monitor' in step) return detector.setMonitor(step.monitor, step.config);
  const result = detector.checkin({
    monitor_id: step.checkin,
    environment: step.env ?? ENV,
    checkin_id: step.id ?? id(1000 + (Math.floor(step.at / 1000) % 100000)),
    run_match: step.id ? 'exact' : 'latest_open',
    status: step.status,
    received_at: step.at,
    duration_ms: null,
  });
  return { outcomes: result.outcomes, transitions: result.transitions };
}

/** Monitors as the service would reload them from Postgres before a restore: the latest config of each. */
function monitorsAt(steps: Step[], upTo: number): Map<string, MonitorConfigInput | null> {
  const configs = new Map<string, MonitorConfigInput | null>();
  for (const step of steps.slice(0, upTo)) if ('monitor' in step) configs.set(step.monitor, step.config);
  return configs;
}

describe('detection: snapshot and restore', () => {
  const steps = script();
  const reference = new PartitionDetector();
  const expected = steps.map((step) => JSON.stringify(apply(reference, step)));

  it('the script exercises misses, collapsed misses, timeouts and transitions', () => {
    const all = expected.map((json) => JSON.parse(json) as DetectionResult);
    const outcomes = all.flatMap((result) => result.outcomes);
    expect(outcomes.filter((o) => o.kind === 'timeout').length).toBeGreaterThanOrEqual(2);
    expect(outcomes.some((o) => o.kind === 'missed' && o.coversFrom !== null)).toBe(true);
    expect(all.flatMap((r) => r.transitions).map((t) => t.to)).toEqual(expect.arrayContaining(['ok', 'late', 'missed', 'timeout', 'error', 'paused', 'new']));
  });

  it.each([4, 12, 40, 60, 200, 260, 300, 320, 400, 560])('restored from JSON after step %i, continues identically', (cut) => {
    const before = new PartitionDetector();
    for (const step of steps.slice(0, cut)) apply(before, step);
    const snapshots = JSON.parse(JSON.stringify([...before.snapshots()])) as TrackSnapshotV1[];
    const clock = before.clock;

    const after = new PartitionDetector();
    for (const [monitorId, config] of monitorsAt(steps, cut)) after.setMonitor(monitorId, config);
    after.restoreClock(clock);
    for (const snapshot of snapshots) expect(after.restore(snapshot)).toEqual({ outcomes: [], transitions: [] });
    expect([...after.snapshots()]).toEqual(snapshots);

    const continued = steps.slice(cut).map((step) => JSON.stringify(apply(after, step)));
    expect(continued).toEqual(expected.slice(cut));
  });

  it('a snapshot is small plain JSON', () => {
    const sizes = [...reference.snapshots()].map((snapshot) => JSON.stringify(snapshot).length);
    expect(sizes.length).toBe(5);
    expect(Math.max(...sizes)).toBeLessThan(600);
  });

  it('restores a snapshot written before heartbeats and the finished list (3-item runs, last_finished only)', () => {
    const after = new PartitionDetector();
    after.setMonitor(A, hourly());
    after.restoreClock(T0 + MINUTE);
    const old: TrackSnapshotV1 = {
      v: 1,
      monitor_id: A,
      environment: ENV,
      clock: T0 + MINUTE,
      resolved: T0,
      anchor: T0,
      result: 'ok',
      state: 'ok',
      streak: 0,
      last_miss: null,
      collapsed_from: null,
      held: [],
      last_finished: id(7),
      schedule_key: 'crontab|UTC|0 * * * *',
      suspended: null,
      configured: true,
      runs: [[id(8), T0 + 10 * SECOND, 0]],
    };
    after.restore(old);
    // The remembered finished run's late start opens nothing; the open run times out 20 minutes after its start.
    const late = after.checkin({
      monitor_id: A,
      environment: ENV,
      checkin_id: id(7),
      run_match: 'exact',
      status: 'in_progress',
      received_at: T0 + 2 * MINUTE,
      duration_ms: null,
    });
    expect(late.run.ignored).toBe('late_start');
    expect(after.pulse(T0 + 20 * MINUTE + 10 * SECOND).outcomes).toMatchObject([{ kind: 'timeout', checkinId: id(8) }]);
    expect([...after.snapshots()][0]).toMatchObject({ last_finished: null, finished: [runKey(id(7))], runs: [[id(8), T0 + 10 * SECOND, 1]] });
  });

  it('a monitor resumed while the partition moved comes back as new', () => {
    const before = new PartitionDetector();
    before.setMonitor(A, hourly());
    before.checkin({ monitor_id: A, environment: ENV, checkin_id: id(1), run_match: 'exact', status: 'ok', received_at: T0, duration_ms: null });
    before.setMonitor(A, hourly({ status: 'paused' }));
    const [snapshot] = [...before.snapshots()];
    const after = new PartitionDetector();
    after.setMonitor(A, hourly());
    expect(after.restore(snapshot!).transitions).toMatchObject([{ from: 'paused', to: 'new' }]);
    expect(after.pulse(T0 + DAY).outcomes).toEqual([]);
  });
});
