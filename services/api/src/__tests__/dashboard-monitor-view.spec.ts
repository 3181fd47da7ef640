import type { TrackState } from '@vigil/contracts';
import type { EnvironmentFacts } from '../monitor-environments/monitor-environment.repository';
import type { MonitorKey } from '../monitors/monitor-read.repository';
import { orderByStatus } from '../monitors/order-by-status';
import { displayStatus, scheduleInWords, type ApiMonitor, type ApiMonitorEnvironment } from '../web/monitor-view';
import { nextCursor, relativeText } from '../web/page-data';

const environment = (partial: Partial<ApiMonitorEnvironment>): ApiMonitorEnvironment => ({
  name: 'production',
  status: 'ok',
  isMuted: false,
  lastCheckIn: null,
  nextCheckIn: null,
  nextCheckInLatest: null,
  vigilState: null,
  lastCheckInStatus: null,
  ...partial,
});

const monitor = (slug: string, environments: ApiMonitorEnvironment[], status: ApiMonitor['status'] = 'active'): ApiMonitor => ({
  id: slug,
  slug,
  name: slug,
  status,
  isMuted: false,
  project: { id: '1', slug: 'default', name: 'Default' },
  owner: null,
  tags: [],
  config: {
    schedule_type: 'crontab',
    schedule: '0 3 * * *',
    checkin_margin: 5,
    max_runtime: 30,
    timezone: 'Europe/Berlin',
    failure_issue_threshold: 1,
    recovery_threshold: 1,
  },
  environments,
  dateCreated: '2026-01-01T00:00:00Z',
});

describe('displayStatus', () => {
  it.each([
    ['the scheduler state wins', environment({ vigilState: 'late', status: 'ok' }), 'active', 'late'],
    ['a paused monitor', environment({ vigilState: 'error' }), 'paused', 'paused'],
    ['a disabled monitor', environment({ vigilState: 'ok' }), 'disabled', 'disabled'],
    ['a running job that has not failed', environment({ vigilState: 'ok', lastCheckInStatus: 'in_progress' }), 'active', 'in_progress'],
    ['a running job of a failed track stays failed', environment({ vigilState: 'missed', lastCheckInStatus: 'in_progress' }), 'active', 'missed'],
    ["before the scheduler's judgement: Sentry's status", environment({ status: 'missed_checkin' }), 'active', 'missed'],
    ['nothing known: the latest run', environment({ status: '', lastCheckInStatus: 'error' }), 'active', 'error'],
    ['nothing at all: new', environment({ status: 'active' }), 'active', 'new'],
  ] as const)('%s', (_name, env, monitorStatus, expected) => {
    expect(displayStatus({ status: monitorStatus }, env)).toBe(expected);
  });
});

describe('orderByStatus (the monitors list with sort=status)', () => {
  const key = (slug: string, status: MonitorKey['status'] = 'active'): MonitorKey => ({ id: slug, projectId: 1, slug, status });
  const facts = (state: TrackState | null, lastRun: string | null = null): EnvironmentFacts => ({
    state: state === null ? null : { state, at: 0 },
    runs:
      lastRun === null ? [] : [{ checkinId: 'r', status: lastRun, durationMs: null, dateCreatedMs: 0, dateUpdatedMs: 0, countedAtMs: null, resultAtMs: null }],
    settings: { isMuted: false, openIssue: null, droppedAt: null },
  });
  // In the list's order by name, as Postgres reads it.
  const monitors = [key('a-ok'), key('b-paused', 'paused'), key('c-late'), key('d-error-in-one'), key('e-missed'), key('f-new'), key('g-running')];
  const byMonitor = new Map<string, Map<string, EnvironmentFacts>>([
    ['a-ok', new Map([['production', facts('ok')]])],
    ['b-paused', new Map([['production', facts('error')]])],
    ['c-late', new Map([['production', facts('late')]])],
    [
      'd-error-in-one',
      new Map([
        ['production', facts('ok')],
        ['staging', facts('error')],
      ]),
    ],
    ['e-missed', new Map([['production', facts('missed', 'in_progress')]])],
    ['g-running', new Map([['production', facts('ok', 'in_progress')]])],
  ]);

  it('puts failing monitors first, then late, running, new, ok and paused, by name within each, and counts the failing', () => {
    const ordered = orderByStatus(monitors, byMonitor, null);
    expect(ordered.monitors.map((item) => item.slug)).toEqual(['d-error-in-one', 'e-missed', 'c-late', 'g-running', 'f-new', 'a-ok', 'b-paused']);
    expect(ordered.failing).toBe(2);
  });

  it('keeps the monitors with an environment in one of the states asked for; failing is error, timeout or missed', () => {
    expect(orderByStatus(monitors, byMonitor, ['failing']).monitors.map((item) => item.slug)).toEqual(['d-error-in-one', 'e-missed']);
    // d has an environment that is ok: it is found, and still counted as failing by its worst one.
    expect(orderByStatus(monitors, byMonitor, ['ok'])).toEqual({ monitors: [key('d-error-in-one'), key('a-ok')], failing: 1 });
    expect(orderByStatus(monitors, byMonitor, ['new', 'paused']).monitors.map((item) => item.slug)).toEqual(['f-new', 'b-paused']);
    expect(orderByStatus(monitors, byMonitor, ['in_progress']).monitors.map((item) => item.slug)).toEqual(['g-running']);
  });
});

describe('schedules in words', () => {
  it('says a crontab in words with its zone, and an interval', () => {
    expect(scheduleInWords(monitor('x', []).config)).toBe('At 03:00 (Europe/Berlin)');
    expect(scheduleInWords({ ...monitor('x', []).config, schedule_type: 'interval', schedule: [2, 'hour'] })).toBe('Every 2 hours');
    expect(scheduleInWords({ ...monitor('x', []).config, schedule_type: 'interval', schedule: [1, 'day'] })).toBe('Every day');
  });
});

describe('page helpers', () => {
  it('reads the next cursor of a Link header only while it has results', () => {
    const link = (results: boolean) =>
      `<http://x/?cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <http://x/?cursor=0:100:0>; rel="next"; results="${results}"; cursor="0:100:0"`;
    expect(nextCursor(link(true))).toBe('0:100:0');
    expect(nextCursor(link(false))).toBeNull();
    expect(nextCursor(undefined)).toBeNull();
  });

  it('writes times relative to now', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(relativeText('2026-01-01T11:59:30Z', now)).toBe('30 s ago');
    expect(relativeText('2026-01-01T14:00:00Z', now)).toBe('in 2 h');
    expect(relativeText('2025-12-29T12:00:00Z', now)).toBe('3 d ago');
  });
});
