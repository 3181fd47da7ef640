import { hcTime, nextPingMs, NO_ACTIVITY, presentCheck, type CheckActivity, type CheckRecord } from '../check.presenter';
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
    const check = presentCheck({ ...record, scheduleType: 'crontab', scheduleCrontab: '0 3 * * *', scheduleIntervalValue: null, scheduleIntervalUnit: null, timezone: 'Europe/Berlin' }, NO_ACTIVITY, false, links);
    expect(check).toMatchObject({ schedule: '0 3 * * *', tz: 'Europe/Berlin' });
    expect(check).not.toHaveProperty('timeout');
  });

  it('shows activity: pings, last ping, duration, started', () => {
    const activity: CheckActivity = { nPings: 7, lastPingMs: T, openStartMs: null, lastDurationMs: 12_345, state: 'ok' };
    expect(presentCheck(record, activity, false, links)).toMatchObject({
      n_pings: 7,
      status: 'up',
      started: false,
      last_ping: '2026-01-02T03:04:05+00:00',
      next_ping: '2026-01-03T03:04:05+00:00',
      last_duration: 12,
    });
    expect(presentCheck(record, { ...activity, openStartMs: T + 1000, state: 'ok' }, false, links)).toMatchObject({ started: true, next_ping: '2026-01-02T03:04:06+00:00' });
  });
});

describe('nextPingMs', () => {
  const up: CheckActivity = { nPings: 1, lastPingMs: T, openStartMs: null, lastDurationMs: null, state: 'ok' };

  it('is the last ping plus the period for a simple check that is up or in its grace time', () => {
    expect(nextPingMs(record, up)).toBe(T + 86_400_000);
    expect(nextPingMs(record, { ...up, state: 'late' })).toBe(T + 86_400_000);
  });

  it('is the next cron time after the last ping, in the zone', () => {
    const cron = { ...record, scheduleType: 'crontab' as const, scheduleCrontab: '0 3 * * *', timezone: 'Europe/Berlin' };
    // 03:04 UTC is 04:04 in Berlin (winter): the next 03:00 Berlin is 02:00 UTC the next day.
    expect(nextPingMs(cron, up)).toBe(Date.UTC(2026, 0, 3, 2, 0, 0));
  });

  it('is null for a stored crontab that no longer parses or has no next slot', () => {
    expect(nextPingMs({ ...record, scheduleType: 'crontab' as const, scheduleCrontab: '0 0 * * FRI-SUN', timezone: 'UTC' }, up)).toBeNull();
    expect(nextPingMs({ ...record, scheduleType: 'crontab' as const, scheduleCrontab: '* 2 * 3 SUN#2', timezone: 'America/New_York' }, up)).toBeNull();
  });

  it('is null for new, down and paused checks', () => {
    expect(nextPingMs(record, { ...up, state: 'new' })).toBeNull();
    expect(nextPingMs(record, { ...up, state: 'missed' })).toBeNull();
    expect(nextPingMs({ ...record, status: 'paused' }, up)).toBeNull();
  });
});
