import { domainErrorOf } from '@vigil/errors/testing';
import { sentryKeyFrom } from '../auth/sentry-auth';
import { canonicalUuid, parseMonitorConfig, parseSentryCheckin, slugify } from '../checkins/sentry-checkin.schema';
import { toMonitorConfigUpdate, type ConfigAdjustment } from '@vigil/db';
import { pingSignal } from '../ping/ping-signal';
import { isNilUuid } from '../checkins/sentry-checkin.schema';
import { parseDuration } from '../envelope/cron-duration';

describe('Sentry check-in payloads', () => {
  it('accepts what the SDKs send', () => {
    const payload = parseSentryCheckin({
      check_in_id: 'a'.repeat(32),
      monitor_slug: 'job',
      status: 'in_progress',
      environment: 'staging',
      monitor_config: { schedule: { type: 'interval', value: 5, unit: 'minute' }, checkin_margin: 1, max_runtime: 10, timezone: 'UTC' },
      contexts: { trace: { trace_id: 'b'.repeat(32) } },
    });
    expect(payload.status).toBe('in_progress');
  });

  it.each([
    [{ status: 'ok' }, 'monitor_slug', 'monitor_slug is required'],
    [{ monitor_slug: 'j', status: 'done' }, 'status', 'status must be one of in_progress, ok, error'],
    [{ monitor_slug: 'j', status: 'ok', check_in_id: 'nope' }, 'check_in_id', undefined],
    [{ monitor_slug: 'j', status: 'ok', duration: -1 }, 'duration', undefined],
    [{ monitor_slug: 'j', status: 'ok', environment: 'a/b' }, 'environment', undefined],
    [{ monitor_slug: 'j', status: 'ok', monitor_config: 'daily' }, 'monitor_config', undefined],
  ])('rejects %j naming %s', (payload, field, message) => {
    const error = domainErrorOf(() => parseSentryCheckin(payload));
    expect(error.code).toBe('invalid_checkin');
    expect(error.field).toBe(field);
    if (message) expect(error.message).toBe(message);
  });

  it.each([
    [{ monitor_slug: 'j', status: 'ok', environment: 'prod\u0000' }, 'environment', /NUL/],
    [{ monitor_slug: 'j', status: 'ok', environment: 'prod\ud800' }, 'environment', /surrogate/],
    [{ monitor_slug: 'j\u0000', status: 'ok' }, 'monitor_slug', /NUL/],
    [{ monitor_slug: 'j', status: 'ok', release: '1.0\udc00' }, 'release', /surrogate/],
  ])('refuses text no store can hold: %j names %s', (payload, field, message) => {
    const error = domainErrorOf(() => parseSentryCheckin(payload));
    expect(error).toMatchObject({ kind: 'invalid', code: 'invalid_text', field });
    expect(error.message).toMatch(message);
  });

  it.each([
    [{ owner: 'team:\u0000ops' }, 'monitor_config.owner', /NUL/],
    [{ timezone: 'UTC\ud83d' }, 'monitor_config.timezone', /surrogate/],
    [{ schedule: { type: 'crontab', value: '0 3 * * *\u0000' } }, 'monitor_config.schedule.value', /NUL/],
  ])('refuses monitor_config text no store can hold: %j names %s', (config, field, message) => {
    const error = domainErrorOf(() => parseMonitorConfig(config));
    expect(error).toMatchObject({ kind: 'invalid', code: 'invalid_text', field });
    expect(error.message).toMatch(message);
  });

  it('leaves monitor_config to parseMonitorConfig, so an invalid one does not refuse the check-in itself', () => {
    const payload = parseSentryCheckin({ monitor_slug: 'j', status: 'ok', monitor_config: { schedule: { type: 'interval', value: 1, unit: 'fortnight' } } });
    expect(payload.status).toBe('ok');
    expect(domainErrorOf(() => parseMonitorConfig(payload.monitor_config))).toMatchObject({ code: 'invalid_monitor_config', field: 'monitor_config.schedule' });
    expect(domainErrorOf(() => parseMonitorConfig({ failure_issue_threshold: 721 }))).toMatchObject({
      code: 'invalid_monitor_config',
      field: 'monitor_config.failure_issue_threshold',
    });
    expect(domainErrorOf(() => parseMonitorConfig({ checkin_margin: 1.5 }))).toMatchObject({ field: 'monitor_config.checkin_margin' });
    expect(parseMonitorConfig(null)).toBeNull();
    expect(parseMonitorConfig({ checkin_margin: 0, max_runtime: 99_999, timezone: '' })).toEqual({ checkin_margin: 0, max_runtime: 99_999, timezone: '' });
  });

  it('keeps text with proper surrogate pairs (emoji) and ignores fields it does not store', () => {
    expect(parseSentryCheckin({ monitor_slug: 'j', status: 'ok', environment: 'prod \ud83d\ude80', extra: 'x\u0000' }).environment).toBe('prod \ud83d\ude80');
  });

  it('slugifies like Sentry and canonicalises check-in ids', () => {
    expect(slugify('My Nightly Job!')).toBe('my-nightly-job');
    expect(domainErrorOf(() => slugify('!!!')).field).toBe('monitor_slug');
    // Longer than 50 characters: cut to 50 (in characters, as Relay cuts it), then slugified.
    expect(slugify('x'.repeat(51))).toBe('x'.repeat(50));
    expect(slugify(`${'Nightly Backup '.repeat(4)}of the EU database`)).toBe('nightly-backup-nightly-backup-nightly-backup-night');
    expect(slugify(`${'a'.repeat(49)} tail`)).toBe('a'.repeat(49));
    // What is past the 50th character is gone before slugifying: here, every letter.
    expect(domainErrorOf(() => slugify(`${'🦀'.repeat(50)}job`)).field).toBe('monitor_slug');
    expect(canonicalUuid('ABCDEF0123456789ABCDEF0123456789')).toBe('abcdef01-2345-6789-abcd-ef0123456789');
  });
});

describe('duration of a query-mode cron check-in', () => {
  it.each([
    ['12', 12],
    ['12.5', 12.5],
    ['0', 0],
    ['.5', 0.5],
    ['1e3', 1000],
    ['+3', 3],
  ])('%s is %s seconds', (raw, seconds) => {
    expect(parseDuration(raw)).toBe(seconds);
  });

  it.each([
    ['0x10', 'duration must be a number of seconds'],
    ['0b1', 'duration must be a number of seconds'],
    ['0o7', 'duration must be a number of seconds'],
    [' 5', 'duration must be a number of seconds'],
    ['', 'duration must be a number of seconds'],
    ['NaN', 'duration must be a number of seconds'],
    ['Infinity', 'duration must be a number of seconds'],
    ['inf', 'duration must be a number of seconds'],
    ['1e400', 'duration must be a finite number of seconds'],
    ['-1', 'duration must not be negative'],
    ['-0.5', 'duration must not be negative'],
    [['1', '2'], 'duration must be given once'],
  ])('refuses %j: %s', (raw, message) => {
    expect(domainErrorOf(() => parseDuration(raw))).toMatchObject({ code: 'invalid_checkin', field: 'duration', message });
  });
});

describe('monitor_config', () => {
  it('maps a crontab config onto the columns it sets, and nothing else', () => {
    expect(toMonitorConfigUpdate({ schedule: { type: 'crontab', value: '@daily' }, timezone: 'Asia/Kolkata' })).toEqual({
      scheduleType: 'crontab',
      scheduleCrontab: '@daily',
      scheduleIntervalValue: null,
      scheduleIntervalUnit: null,
      timezone: 'Asia/Kolkata',
    });
    expect(toMonitorConfigUpdate({ owner: 'team:ops' })).toEqual({ owner: 'team:ops' });
  });

  it("normalises as Sentry: margin 0 is 1, a blank zone is none, margin and runtime past Sentry's limits are clamped, each said", () => {
    const adjustments: ConfigAdjustment[] = [];
    expect(toMonitorConfigUpdate({ checkin_margin: 0, timezone: '' }, undefined, adjustments)).toEqual({ checkinMargin: 1 });
    expect(adjustments).toEqual([]);
    expect(toMonitorConfigUpdate({ checkin_margin: 50_000, max_runtime: 0 }, undefined, adjustments)).toEqual({ checkinMargin: 40_320, maxRuntime: 1 });
    expect(adjustments).toEqual([
      { field: 'monitor_config.checkin_margin', message: 'monitor_config.checkin_margin 50000 is out of range (1 to 40320): stored as 40320' },
      { field: 'monitor_config.max_runtime', message: 'monitor_config.max_runtime 0 is out of range (1 to 40320): stored as 1' },
    ]);
    expect(toMonitorConfigUpdate({ checkin_margin: -5, max_runtime: 40_321 })).toEqual({ checkinMargin: 1, maxRuntime: 40_320 });
  });

  it.each([
    [{ schedule: { type: 'crontab' as const, value: '61 * * * *' } }, 'monitor_config.schedule'],
    [{ schedule: { type: 'crontab' as const, value: '* * * * * *' } }, 'monitor_config.schedule'],
    [{ timezone: 'Mars/Olympus' }, 'monitor_config.timezone'],
  ])('rejects %j naming %s', (config, field) => {
    const error = domainErrorOf(() => toMonitorConfigUpdate(config));
    expect(error).toMatchObject({ code: 'invalid_monitor_config', field });
  });
});

describe('DSN key extraction', () => {
  it.each([
    [{ 'x-sentry-auth': 'Sentry sentry_version=7, sentry_key=abc, sentry_client=x' }, {}, 'abc'],
    [{ authorization: 'Sentry sentry_key=def' }, {}, 'def'],
    [{ authorization: 'DSN http://ghi@host/1' }, {}, 'ghi'],
    [{}, { sentry_key: 'jkl' }, 'jkl'],
    [{}, {}, undefined],
  ])('%j %j -> %s', (headers, query, key) => {
    expect(sentryKeyFrom(headers, query)).toBe(key);
  });
});

describe('ping signals', () => {
  it.each([
    [undefined, 'ok', null],
    ['start', 'in_progress', null],
    ['fail', 'error', null],
    ['log', 'log', null],
    ['0', 'ok', 0],
    ['1', 'error', 1],
    ['255', 'error', 255],
  ])('%s -> %s (exit status %s)', (suffix, status, exitStatus) => {
    expect(pingSignal(suffix)).toEqual({ status, exitStatus });
  });

  it('knows the all-zero check_in_id in both spellings, and only that', () => {
    expect(isNilUuid('00000000000000000000000000000000')).toBe(true);
    expect(isNilUuid('00000000-0000-0000-0000-000000000000')).toBe(true);
    expect(isNilUuid('00000000000000000000000000000001')).toBe(false);
  });

  it('rejects exit statuses above 255 and unknown signals', () => {
    expect(domainErrorOf(() => pingSignal('256'))).toMatchObject({ code: 'invalid_exit_status', field: 'exit_status' });
    expect(domainErrorOf(() => pingSignal('bogus'))).toMatchObject({ code: 'unknown_signal' });
  });
});
