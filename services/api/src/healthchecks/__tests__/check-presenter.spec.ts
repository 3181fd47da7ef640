import { activityFrom, hcTime, nextPingMs, NO_ACTIVITY, presentCheck, type ActivityFacts, type CheckActivity, type CheckRecord } from '../check.presenter';
import { uniqueKeyOf } from '../unique-key';

const record: CheckRecord = {
  id: '0b8c5f43-8f1e-4c39-9d0a-0d7b1b6c2a11',
  projectId: 1,
  pingUuid: '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b',
  name: 'Backups',
  slug: 'backups',
  tags: 'prod db',
  description: 'nightly',
  status: 'active',
  manualResume: false,
  scheduleType: 'interval',
  scheduleCrontab: null,
  scheduleIntervalValue: 1,
  scheduleIntervalUnit: 'day',
  checkinMargin: 60,
  timezone: 'UTC',
  channels: ['b', 'a'],
  healthchecksRules: true,
};
const links = { ingestUrl: 'https://ping.example.com/', apiUrl: 'https://api.example.com' };
const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

describe('hcTime', () => {
  it('writes times as Healthchecks does', () => {
    expect(hcTime(T)).toBe('2026-01-02T03:04:05+00:00');
    expect(hcTime(T, true)).toBe('2026-01-02T03:04:05.678+00:00');
  });
});

describe('presentCheck', () => {
  it('shows a read-write key the uuid (the ping uuid), the URLs and the channels', () => {
    const check = presentCheck(record, NO_ACTIVITY, false, links);
    expect(check).toEqual({
      name: 'Backups',
      slug: 'backups',
      tags: 'prod db',
      desc: 'nightly',
      grace: 3600,
      n_pings: 0,
      status: 'new',
      started: false,
      last_ping: null,
      next_ping: null,
      manual_resume: false,
      methods: '',
      subject: '',
      subject_fail: '',
      start_kw: '',
      success_kw: '',
      failure_kw: '',
      filter_subject: false,
      filter_body: false,
      filter_http_body: false,
      filter_default_fail: false,
      uuid: record.pingUuid,
      ping_url: `https://ping.example.com/ping/${record.pingUuid}`,
      update_url: `https://api.example.com/api/v3/checks/${record.pingUuid}`,
      pause_url: `https://api.example.com/api/v3/checks/${record.pingUuid}/pause`,
      resume_url: `https://api.example.com/api/v3/checks/${record.pingUuid}/resume`,
      channels: 'a,b',
      timeout: 86_400,
    });
  });

  it('shows a read-only key the unique key and neither the uuid nor any URL', () => {
    const check = presentCheck(record, NO_ACTIVITY, true, links);
    expect(check['unique_key']).toBe(uniqueKeyOf(record.pingUuid));
    expect(check['unique_key']).toMatch(/^[0-9a-f]{40}$/);
    for (const hidden of ['uuid', 'ping_url', 'update_url', 'pause_url', 'resume_url', 'channels']) expect(check).not.toHaveProperty(hidden);
    expect(JSON.stringify(check)).not.toContain(record.pingUuid);
  });

  it('shows a cron check with schedule and tz instead of timeout', () => {
    const check = presentCheck(
      { ...record, scheduleType: 'crontab', scheduleCrontab: '0 3 * * *', scheduleIntervalValue: null, scheduleIntervalUnit: null, timezone: 'Europe/Berlin' },
      NO_ACTIVITY,
      false,
      links,
    );
    expect(check).toMatchObject({ schedule: '0 3 * * *', tz: 'Europe/Berlin' });
    expect(check).not.toHaveProperty('timeout');
  });

  it('shows activity: pings, last ping, duration, started', () => {
    const activity: CheckActivity = { nPings: 7, lastPingMs: T, lastCountedMs: T, openStartMs: null, lastDurationMs: 12_345, state: 'ok' };
    expect(presentCheck(record, activity, false, links)).toMatchObject({
      n_pings: 7,
      status: 'up',
      started: false,
      last_ping: '2026-01-02T03:04:05+00:00',
      next_ping: '2026-01-03T03:04:05+00:00',
      last_duration: 12,
    });
    expect(presentCheck(record, { ...activity, openStartMs: T + 1000, state: 'ok' }, false, links)).toMatchObject({
      started: true,
      next_ping: '2026-01-02T03:04:06+00:00',
    });
  });
});

describe('nextPingMs', () => {
  const up: CheckActivity = { nPings: 1, lastPingMs: T, lastCountedMs: T, openStartMs: null, lastDurationMs: null, state: 'ok' };

  it('is the last ping plus the period, to the millisecond, for a simple check that is up or in its grace time', () => {
    expect(nextPingMs(record, up)).toBe(T + 86_400_000);
    expect(nextPingMs(record, { ...up, state: 'late' })).toBe(T + 86_400_000);
    // Starts do not move a Healthchecks period: the last success or failure does.
    expect(nextPingMs(record, { ...up, lastCountedMs: T + 5_000 })).toBe(T + 86_400_000);
  });

  it("is the scheduler's minute slot for an interval that follows Sentry's rules", () => {
    expect(nextPingMs({ ...record, healthchecksRules: false }, up)).toBe(Date.UTC(2026, 0, 3, 3, 4, 0));
  });

  it('is the next cron time after the last ping, in the zone', () => {
    const cron = { ...record, scheduleType: 'crontab' as const, scheduleCrontab: '0 3 * * *', timezone: 'Europe/Berlin' };
    // 03:04 UTC is 04:04 in Berlin (winter): the next 03:00 Berlin is 02:00 UTC the next day.
    expect(nextPingMs(cron, up)).toBe(Date.UTC(2026, 0, 3, 2, 0, 0));
  });

  it('is the start of a run still open, when that is sooner, also for a new check', () => {
    expect(nextPingMs(record, { ...up, openStartMs: T + 1_000 })).toBe(T + 1_000);
    expect(nextPingMs(record, { ...NO_ACTIVITY, nPings: 1, openStartMs: T })).toBe(T);
  });

  it('is null for a stored crontab that no longer parses or has no next slot', () => {
    expect(nextPingMs({ ...record, scheduleType: 'crontab' as const, scheduleCrontab: '0 0 * * FRI-SUN', timezone: 'UTC' }, up)).toBeNull();
    expect(nextPingMs({ ...record, scheduleType: 'crontab' as const, scheduleCrontab: '* 2 * 3 SUN#2', timezone: 'America/New_York' }, up)).toBeNull();
  });

  it('is null for new (not started), down and paused checks', () => {
    expect(nextPingMs(record, { ...up, state: 'new' })).toBeNull();
    expect(nextPingMs(record, { ...up, state: 'missed' })).toBeNull();
    expect(nextPingMs({ ...record, status: 'paused' }, up)).toBeNull();
  });
});

describe('pause and resume rules', () => {
  const facts: ActivityFacts = {
    nPings: 3,
    lastPingMs: T,
    lastCountedMs: T,
    lastDurationMs: 1_000,
    openStartsMs: [T + 2_000, T + 1_000],
    state: 'ok',
    pausedOrResumedMs: null,
    resumedMs: null,
  };

  it('shows the earliest open run as started', () => {
    expect(activityFrom(facts)).toMatchObject({ lastPingMs: T, openStartMs: T + 1_000 });
  });

  it('a pause clears the starts at or before it; a start during the pause is shown', () => {
    expect(activityFrom({ ...facts, state: 'paused', pausedOrResumedMs: T + 1_000 })).toMatchObject({ lastPingMs: T, openStartMs: T + 2_000 });
    expect(activityFrom({ ...facts, state: 'paused', pausedOrResumedMs: T + 2_000 })).toMatchObject({ lastPingMs: T, openStartMs: null });
  });

  it('a resume clears the last ping until the scheduler counts one again', () => {
    const resumed = { ...facts, state: 'new' as const, pausedOrResumedMs: T + 5_000, resumedMs: T + 5_000 };
    expect(activityFrom(resumed)).toMatchObject({ nPings: 3, lastPingMs: null, lastCountedMs: null, openStartMs: null, lastDurationMs: 1_000 });
    expect(activityFrom({ ...resumed, lastPingMs: T + 6_000 })).toMatchObject({ lastPingMs: T + 6_000 });
    // The ping that resumed it may carry a time before the scheduler's change; the scheduler counted it: up.
    expect(activityFrom({ ...resumed, state: 'ok', lastPingMs: T + 4_900 })).toMatchObject({ lastPingMs: T + 4_900 });
  });

  it('an active check whose latest state is still paused was just resumed', () => {
    const check = presentCheck(record, activityFrom({ ...facts, state: 'paused', pausedOrResumedMs: T - 1 }), false, links);
    expect(check).toMatchObject({ status: 'new', last_ping: null, started: false, next_ping: null });
  });

  it('a check just paused shows no running start', () => {
    expect(presentCheck({ ...record, status: 'paused' }, activityFrom(facts), false, links)).toMatchObject({
      status: 'paused',
      started: false,
      last_ping: hcTime(T),
    });
  });
});
