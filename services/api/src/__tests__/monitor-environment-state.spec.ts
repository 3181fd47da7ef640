import type { EnvironmentFacts, EnvironmentRun } from '../monitor-environments/monitor-environment.repository';
import { ScheduleRegistry } from '@vigil/schedule';
import { environmentState, expectedTimeOf, ruleOf, type MonitorTiming } from '../monitor-environments/monitor-environment-state';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const HOURLY_BERLIN: MonitorTiming = {
  status: 'active',
  scheduleType: 'crontab',
  scheduleCrontab: '0 * * * *',
  scheduleIntervalValue: null,
  scheduleIntervalUnit: null,
  checkinMargin: 5,
  timezone: 'Europe/Berlin',
};

function run(countedAt: string | null, status = 'ok'): EnvironmentRun {
  const created = at(countedAt ?? '2026-03-28T00:00:00Z');
  return {
    checkinId: `run-${countedAt}`,
    status,
    durationMs: 1000,
    dateCreatedMs: created,
    dateUpdatedMs: created + 1000,
    countedAtMs: countedAt === null ? null : created,
    resultAtMs: countedAt === null ? null : created + 1000,
  };
}

function facts(state: EnvironmentFacts['state'], runs: EnvironmentRun[]): EnvironmentFacts {
  return { state, runs, settings: { isMuted: false, openIssue: null, droppedAt: null } };
}

describe('environmentState', () => {
  it('ok: the next slot after the credited one, and the next five in the monitor zone across the spring-forward night', () => {
    const view = environmentState(
      'production',
      facts({ state: 'ok', at: at('2026-03-29T00:00:04Z') }, [run('2026-03-29T00:00:04Z')]),
      HOURLY_BERLIN,
      at('2026-03-29T00:10:00Z'),
    );
    expect([view.state, iso(view.stateChangedAt), iso(view.nextCheckIn), iso(view.nextCheckInLatest)]).toEqual([
      'ok',
      '2026-03-29T00:00:04.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T01:05:00.000Z',
    ]);
    // 02:00 does not exist in Berlin that night: 01:00 CET is followed by 03:00 CEST.
    expect(view.nextScheduled).toEqual([
      '2026-03-29T03:00:00+02:00',
      '2026-03-29T04:00:00+02:00',
      '2026-03-29T05:00:00+02:00',
      '2026-03-29T06:00:00+02:00',
      '2026-03-29T07:00:00+02:00',
    ]);
    expect(view.lastCheckIn?.checkinId).toBe('run-2026-03-29T00:00:04Z');
  });

  it('late: the overdue slot is still the one expected, in the past', () => {
    const view = environmentState(
      'production',
      facts({ state: 'late', at: at('2026-05-04T11:00:00Z') }, [run('2026-05-04T10:00:03Z')]),
      HOURLY_BERLIN,
      at('2026-05-04T11:02:00Z'),
    );
    expect([iso(view.nextCheckIn), iso(view.nextCheckInLatest)]).toEqual(['2026-05-04T11:00:00.000Z', '2026-05-04T11:05:00.000Z']);
    expect(view.nextScheduled[0]).toBe('2026-05-04T14:00:00+02:00');
  });

  it('event time is never behind the latest state change: a scheduler ahead of this clock moves the expectation', () => {
    const view = environmentState(
      'production',
      facts({ state: 'missed', at: at('2026-05-04T13:05:00Z') }, [run('2026-05-04T10:00:03Z')]),
      HOURLY_BERLIN,
      at('2026-05-04T11:02:00Z'),
    );
    expect(iso(view.nextCheckIn)).toBe('2026-05-04T14:00:00.000Z');
    expect(view.nextScheduled[0]).toBe('2026-05-04T16:00:00+02:00');
  });

  it('expects nothing of a new or paused track, a paused or disabled monitor, or a track nothing counted in; still shows the schedule', () => {
    const counted = [run('2026-05-04T10:00:03Z')];
    const now = at('2026-05-04T10:30:00Z');
    for (const [state, monitor, runs] of [
      [{ state: 'new', at: now }, HOURLY_BERLIN, counted],
      [{ state: 'paused', at: now }, HOURLY_BERLIN, counted],
      [{ state: 'ok', at: now }, { ...HOURLY_BERLIN, status: 'paused' }, counted],
      [{ state: 'ok', at: now }, { ...HOURLY_BERLIN, status: 'disabled' }, counted],
      [null, HOURLY_BERLIN, [run(null, 'in_progress')]],
    ] as const) {
      const view = environmentState('production', facts(state, [...runs]), monitor, now);
      expect([view.nextCheckIn, view.nextCheckInLatest, view.nextScheduled.length]).toEqual([null, null, 5]);
    }
  });

  it('an interval counts from its credited check-ins; without one it has no scheduled times', () => {
    const every90: MonitorTiming = {
      ...HOURLY_BERLIN,
      scheduleType: 'interval',
      scheduleCrontab: null,
      scheduleIntervalValue: 90,
      scheduleIntervalUnit: 'minute',
      checkinMargin: null,
    };
    const view = environmentState(
      'production',
      facts({ state: 'ok', at: at('2026-05-04T10:03:20Z') }, [run('2026-05-04T10:03:20Z')]),
      every90,
      at('2026-05-04T10:10:00Z'),
    );
    expect([iso(view.nextCheckIn), iso(view.nextCheckInLatest)]).toEqual(['2026-05-04T11:33:00.000Z', '2026-05-04T11:34:00.000Z']);
    expect(view.nextScheduled).toEqual([
      '2026-05-04T13:33:00+02:00',
      '2026-05-04T15:03:00+02:00',
      '2026-05-04T16:33:00+02:00',
      '2026-05-04T18:03:00+02:00',
      '2026-05-04T19:33:00+02:00',
    ]);
    const fresh = environmentState('production', facts(null, []), every90, at('2026-05-04T10:10:00Z'));
    expect([fresh.state, fresh.nextCheckIn, fresh.nextScheduled, fresh.lastCheckIn]).toEqual([null, null, [], null]);
  });

  it("a Healthchecks period runs from the exact instant of the run's success, as the scheduler judges it", () => {
    const check: MonitorTiming = {
      ...HOURLY_BERLIN,
      scheduleType: 'interval',
      scheduleCrontab: null,
      scheduleIntervalValue: 1,
      scheduleIntervalUnit: 'minute',
      checkinMargin: 1,
      timezone: 'UTC',
      timeoutFromMargin: true,
    };
    const run: EnvironmentRun = {
      checkinId: 'run',
      status: 'ok',
      durationMs: 500,
      dateCreatedMs: at('2026-05-04T10:00:40.500Z'),
      dateUpdatedMs: at('2026-05-04T10:00:41.000Z'),
      countedAtMs: at('2026-05-04T10:00:40.500Z'),
      resultAtMs: at('2026-05-04T10:00:41.000Z'),
    };
    const view = environmentState('production', facts({ state: 'ok', at: at('2026-05-04T10:00:41Z') }, [run]), check, at('2026-05-04T10:01:00Z'));
    expect([iso(view.nextCheckIn), iso(view.nextCheckInLatest)]).toEqual(['2026-05-04T10:01:41.000Z', '2026-05-04T10:02:41.000Z']);
    const sentry = environmentState(
      'production',
      facts({ state: 'ok', at: at('2026-05-04T10:00:41Z') }, [run]),
      { ...check, timeoutFromMargin: false },
      at('2026-05-04T10:01:00Z'),
    );
    expect(iso(sentry.nextCheckIn)).toBe('2026-05-04T10:01:00.000Z');
  });
});

describe("expectedTimeOf (a check-in's expectedTime)", () => {
  const rule = ruleOf(HOURLY_BERLIN, new ScheduleRegistry());

  it('a miss and an unknown are runs of their slot, dated at it: they were expected then', () => {
    expect(iso(expectedTimeOf(rule, 'missed', at('2026-03-28T10:00:00Z')))).toBe('2026-03-28T10:00:00.000Z');
    expect(iso(expectedTimeOf(rule, 'unknown', at('2026-03-28T10:00:00Z')))).toBe('2026-03-28T10:00:00.000Z');
  });

  it('a run a client started is credited at its slot', () => {
    expect(iso(expectedTimeOf(rule, 'ok', at('2026-03-28T10:03:00Z')))).toBe('2026-03-28T10:00:00.000Z');
    expect(expectedTimeOf(null, 'ok', at('2026-03-28T10:03:00Z'))).toBeNull();
  });
});
