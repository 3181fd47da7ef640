// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import { domainErrorOf } from '@vigil/errors/testing';
import {
  alertRuleOf,
  mutedOf,
  newMonitorValues,
  resolveConfig,
  scheduleOf,
  updatedMonitorValues,
  type MonitorSchedule,
  type MonitorValues,
} from '../monitors/monitor-input';
import { sentryEnvironmentStatus } from '../monitors/monitor.presenter';

const BERLIN_NIGHTLY: MonitorSchedule = {
  scheduleType: 'crontab',
  scheduleCrontab: '0 3 * * *',
  scheduleIntervalValue: null,
  scheduleIntervalUnit: null,
  checkinMargin: 10,
  maxRuntime: 60,
  failureIssueThreshold: 2,
  recoveryThreshold: 3,
  timezone: 'Europe/Berlin',
};

const CURRENT: MonitorValues = { name: 'Nightly', slug: 'nightly', status: 'active', owner: 'team:ops', isMuted: false, config: BERLIN_NIGHTLY };

describe('schedules in every form Sentry takes', () => {
  it.each([
    ['0 3 * * *', undefined, { type: 'crontab', value: '0 3 * * *' }],
    ['@daily', 'crontab', { type: 'crontab', value: '@daily' }],
    [[5, 'minute'], undefined, { type: 'interval', value: 5, unit: 'minute' }],
    [[1, 'day'], 'interval', { type: 'interval', value: 1, unit: 'day' }],
    [{ type: 'crontab', value: '*/5 * * * *' }, undefined, { type: 'crontab', value: '*/5 * * * *' }],
    [{ type: 'interval', value: 2, unit: 'hour' }, 'interval', { type: 'interval', value: 2, unit: 'hour' }],
  ] as const)('%j (schedule_type %s)', (input, type, expected) => {
    expect(scheduleOf(input as never, type)).toEqual(expected);
  });

  it.each([
    [['day', 5], undefined, 'config.schedule'],
    [[0, 'day'], undefined, 'config.schedule'],
    ['@daily', 'interval', 'config.schedule_type'],
    [[1, 'day'], 'crontab', 'config.schedule_type'],
    [{ type: 'interval', value: 5 }, undefined, 'config.schedule.unit'],
    [{ type: 'interval', value: '5', unit: 'day' }, undefined, 'config.schedule.value'],
    [{ type: 'crontab', value: 5 }, undefined, 'config.schedule.value'],
    [{ type: 'crontab', value: '@daily', unit: 'day' }, undefined, 'config.schedule.unit'],
  ] as const)('refuses %j (schedule_type %s) naming %s', (input, type, field) => {
    expect(domainErrorOf(() => scheduleOf(input as never, type))).toMatchObject({ kind: 'invalid', field });
  });
});

describe("configs, by ingest's rules and Sentry's update semantics", () => {
  it("a new monitor's config has Sentry's defaults for what is not sent", () => {
    expect(resolveConfig(null, { schedule: '0 * * * *' })).toEqual({
      scheduleType: 'crontab',
      scheduleCrontab: '0 * * * *',
      scheduleIntervalValue: null,
      scheduleIntervalUnit: null,
      checkinMargin: null,
      maxRuntime: null,
      failureIssueThreshold: 1,
      recoveryThreshold: 1,
      timezone: 'UTC',
    });
  });

  it('an update changes the fields sent and keeps the others; null is the default', () => {
    expect(resolveConfig(BERLIN_NIGHTLY, { checkin_margin: 20 })).toEqual({ ...BERLIN_NIGHTLY, checkinMargin: 20 });
    expect(resolveConfig(BERLIN_NIGHTLY, { schedule: [30, 'minute'], max_runtime: null, failure_issue_threshold: null, timezone: null })).toEqual({
      ...BERLIN_NIGHTLY,
      scheduleType: 'interval',
      scheduleCrontab: null,
      scheduleIntervalValue: 30,
      scheduleIntervalUnit: 'minute',
      maxRuntime: null,
      failureIssueThreshold: 1,
      timezone: 'UTC',
    });
    expect(resolveConfig(BERLIN_NIGHTLY, { schedule_type: 'crontab' })).toEqual(BERLIN_NIGHTLY);
  });

  it('normalises as check-ins do: margin 0 is 1, a blank zone is not sent, margin and runtime past the limits are stored at them', () => {
    expect(resolveConfig(BERLIN_NIGHTLY, { checkin_margin: 0, timezone: '' })).toEqual({ ...BERLIN_NIGHTLY, checkinMargin: 1 });
    expect(resolveConfig(BERLIN_NIGHTLY, { checkin_margin: 99_999, max_runtime: -3 })).toEqual({ ...BERLIN_NIGHTLY, checkinMargin: 40_320, maxRuntime: 1 });
    expect(resolveConfig(null, { schedule: '0 * * * *', timezone: '' }).timezone).toBe('UTC');
  });

  it('checks the whole result with the rules ingest applies to monitor_config, naming config.*', () => {
    expect(domainErrorOf(() => resolveConfig(BERLIN_NIGHTLY, { timezone: 'Mars/Olympus' }))).toMatchObject({
      code: 'invalid_config',
      field: 'config.timezone',
    });
    expect(domainErrorOf(() => resolveConfig(null, { schedule: '61 * * * *' }))).toMatchObject({
      code: 'invalid_config',
      field: 'config.schedule',
      message: expect.stringMatching(/^config\.schedule "61 \* \* \* \*" is not a valid crontab/),
    });
    expect(domainErrorOf(() => resolveConfig(BERLIN_NIGHTLY, { schedule_type: 'interval' }))).toMatchObject({ field: 'config.schedule' });
    expect(domainErrorOf(() => resolveConfig(null, { checkin_margin: 5 }))).toMatchObject({ code: 'missing_field', field: 'config.schedule' });
  });
});

describe('monitor bodies', () => {
  it('a new monitor: slug from the name, defaults for the rest', () => {
    expect(newMonitorValues({ name: '  Nightly Backup (EU)  ', config: { schedule: '@daily' } })).toMatchObject({
      name: 'Nightly Backup (EU)',
      slug: 'nightly-backup-eu',
      slugDerived: true,
      status: 'active',
      owner: null,
      isMuted: false,
    });
    expect(newMonitorValues({ name: 'x', slug: 'my_job-1', isMuted: true, status: 'paused', config: { schedule: '@daily' } })).toMatchObject({
      slug: 'my_job-1',
      slugDerived: false,
      isMuted: true,
      status: 'paused',
    });
  });

  it('refuses slugs Sentry refuses, and a name with nothing to make one from', () => {
    expect(domainErrorOf(() => newMonitorValues({ name: 'x', slug: 'Has Caps', config: { schedule: '@daily' } }))).toMatchObject({
      field: 'slug',
      code: 'invalid_slug',
    });
    expect(domainErrorOf(() => newMonitorValues({ name: 'x', slug: '2024', config: { schedule: '@daily' } }))).toMatchObject({ field: 'slug' });
    expect(domainErrorOf(() => newMonitorValues({ name: '¡¿!', config: { schedule: '@daily' } }))).toMatchObject({ field: 'slug' });
    expect(domainErrorOf(() => newMonitorValues({ name: ' ', config: { schedule: '@daily' } }))).toMatchObject({ field: 'name' });
  });

  it('an update keeps what it does not send', () => {
    expect(updatedMonitorValues(CURRENT, {})).toEqual(CURRENT);
    expect(updatedMonitorValues(CURRENT, { is_muted: true, owner: null })).toEqual({ ...CURRENT, isMuted: true, owner: null });
    expect(updatedMonitorValues(CURRENT, { slug: 'renamed', config: { recovery_threshold: 5 } })).toEqual({
      ...CURRENT,
      slug: 'renamed',
      config: { ...BERLIN_NIGHTLY, recoveryThreshold: 5 },
    });
  });

  it('is_muted and isMuted are one field', () => {
    expect(mutedOf({ isMuted: true })).toBe(true);
    expect(mutedOf({ is_muted: false })).toBe(false);
    expect(mutedOf({ is_muted: true, isMuted: true })).toBe(true);
    expect(mutedOf({})).toBeUndefined();
    expect(domainErrorOf(() => mutedOf({ is_muted: true, isMuted: false }))).toMatchObject({ field: 'isMuted', code: 'conflicting_fields' });
  });
});

describe("Sentry's alert_rule", () => {
  it('takes snake and camel case, targets in either, and no environment as every environment', () => {
    expect(alertRuleOf({})).toBeUndefined();
    expect(
      alertRuleOf({
        alert_rule: {
          targets: [
            { target_identifier: 'a', target_type: 'Member' },
            { targetIdentifier: 7, targetType: 'Team' },
          ],
          environment: 'prod',
        },
      }),
    ).toEqual({
      targets: [
        { type: 'Member', identifier: 'a' },
        { type: 'Team', identifier: '7' },
      ],
      environment: 'prod',
    });
    expect(alertRuleOf({ alertRule: { targets: [] } })).toEqual({ targets: [], environment: null });
  });

  it('names the field of a target without its type or id, and refuses both spellings disagreeing', () => {
    expect(domainErrorOf(() => alertRuleOf({ alert_rule: { targets: [{ target_identifier: 'a' }] } }))).toMatchObject({
      field: 'alert_rule.targets[0].target_type',
    });
    expect(domainErrorOf(() => alertRuleOf({ alert_rule: { targets: [{ target_type: 'Team' }] } }))).toMatchObject({
      field: 'alert_rule.targets[0].target_identifier',
    });
    expect(domainErrorOf(() => alertRuleOf({ alert_rule: { targets: [] }, alertRule: { targets: [], environment: 'x' } }))).toMatchObject({
      field: 'alert_rule',
      code: 'conflicting_fields',
    });
  });
});

describe("Sentry's environment status", () => {
  const run = (status: string) => ({ checkinId: 'r', status, durationMs: null, dateCreatedMs: 0, dateUpdatedMs: 0, countedAtMs: 0, resultAtMs: null });
  it.each([
    ['active', 'new', null, 'active'],
    ['active', 'ok', null, 'ok'],
    ['active', 'late', null, 'ok'],
    ['active', 'missed', null, 'missed_checkin'],
    ['active', 'timeout', null, 'timeout'],
    ['active', 'error', null, 'error'],
    ['active', 'paused', null, 'disabled'],
    ['paused', 'ok', null, 'disabled'],
    ['disabled', 'ok', null, 'disabled'],
    ['active', null, null, 'active'],
    ['active', null, 'error', 'error'],
    ['active', null, 'in_progress', 'active'],
  ] as const)('a %s monitor, track %s, last run %s: %s', (monitorStatus, state, last, expected) => {
    expect(sentryEnvironmentStatus(monitorStatus, { state, lastCheckIn: last === null ? null : run(last) })).toBe(expected);
  });
});
