import { displayStatus, scheduleInWords, sortFailingFirst, type ApiMonitor, type ApiMonitorEnvironment } from '../web/monitor-view';
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

describe('sortFailingFirst', () => {
  it('puts failing monitors first, then late, new, ok and paused, by name within each', () => {
    const sorted = sortFailingFirst([
      monitor('a-ok', [environment({ vigilState: 'ok' })]),
      monitor('b-paused', [environment({ vigilState: 'error' })], 'paused'),
      monitor('c-late', [environment({ vigilState: 'late' })]),
      monitor('d-error-in-one', [environment({ vigilState: 'ok' }), environment({ name: 'staging', vigilState: 'error' })]),
      monitor('e-missed', [environment({ vigilState: 'missed' })]),
      monitor('f-new', []),
    ]);
    expect(sorted.map((item) => item.slug)).toEqual(['d-error-in-one', 'e-missed', 'c-late', 'f-new', 'a-ok', 'b-paused']);
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
