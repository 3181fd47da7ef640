import {
  MONITOR_CONFIG_LIMITS as LIMITS,
  toMonitorConfigUpdate,
  type ConfigErrorNaming,
  type IntervalUnit,
  type MonitorConfigUpdate,
  type MonitorStatus,
  type ScheduleType,
  type SentryMonitorConfig,
} from '@vigil/db';
import { DomainError } from '@vigil/errors';
import { parseName, parseSlug, slugify } from '../common/slug';

/**
 * Monitor bodies of the Sentry-shaped API, after their JSON Schema (`monitor.schemas.ts`) has checked shapes
 * and bounds: what a schema cannot say (a schedule's form against its `schedule_type`, crontab syntax and the
 * zone, by the rules ingest applies to `monitor_config`), and Sentry's update semantics: the fields sent
 * change, the others keep their values, the config's included.
 */

export type ScheduleInput = string | [number | string, number | string] | { type: ScheduleType; value: string | number; unit?: IntervalUnit };

export interface ConfigInput {
  schedule_type?: ScheduleType;
  schedule?: ScheduleInput;
  checkin_margin?: number | null;
  max_runtime?: number | null;
  timezone?: string | null;
  failure_issue_threshold?: number | null;
  recovery_threshold?: number | null;
}

/** Who Sentry's monitor alert rule notifies: a member or a team of the organization. */
export interface AlertRuleTargetInput {
  target_identifier?: string | number;
  targetIdentifier?: string | number;
  target_type?: 'Member' | 'Team';
  targetType?: 'Member' | 'Team';
}

/** Sentry's `alert_rule` of a monitor body: who to notify, and for which environment (null or absent: every one). */
export interface AlertRuleInput {
  targets: AlertRuleTargetInput[];
  environment?: string | null;
}

export interface MonitorBody {
  project?: string | number;
  name?: string;
  slug?: string;
  /** Sentry's monitor type: `cron_job` is the only one. */
  type?: 'cron_job';
  status?: MonitorStatus;
  owner?: string | null;
  is_muted?: boolean;
  isMuted?: boolean;
  config?: ConfigInput;
  alert_rule?: AlertRuleInput;
  alertRule?: AlertRuleInput;
}

/** An alert rule target, resolved: whom (`Member` or `Team`) by id. */
export interface AlertTarget {
  type: 'Member' | 'Team';
  identifier: string;
}

/**
 * Sentry's `alert_rule` (snake or camel case, as Sentry's serializer takes both; sending both, they must agree),
 * with its targets' fields in either case. Undefined when the body has none.
 */
export function alertRuleOf(body: MonitorBody): { targets: AlertTarget[]; environment: string | null } | undefined {
  if (body.alert_rule !== undefined && body.alertRule !== undefined && JSON.stringify(body.alert_rule) !== JSON.stringify(body.alertRule)) {
    throw invalid('alert_rule', 'conflicting_fields', 'alert_rule and alertRule are the same field and disagree: send one of them');
  }
  const rule = body.alert_rule ?? body.alertRule;
  if (rule === undefined) return undefined;
  const targets = rule.targets.map((target, index): AlertTarget => {
    const field = `alert_rule.targets[${index}]`;
    const type = target.target_type ?? target.targetType;
    const identifier = target.target_identifier ?? target.targetIdentifier;
    if (type === undefined) throw invalid(`${field}.target_type`, 'missing_field', `${field}.target_type is required: Member or Team`);
    if (identifier === undefined)
      throw invalid(
        `${field}.target_identifier`,
        'missing_field',
        `${field}.target_identifier is required: the id of the ${type === 'Member' ? 'member' : 'team'}`,
      );
    return { type, identifier: String(identifier) };
  });
  return { targets, environment: rule.environment ?? null };
}

/** The schedule and settings of a monitor, as stored (`monitors` columns). */
export type MonitorSchedule = Required<Omit<MonitorConfigUpdate, 'owner'>>;

/** The stored fields of a monitor that a body can change, apart from its project. */
export interface MonitorValues {
  name: string;
  slug: string;
  status: MonitorStatus;
  owner: string | null;
  isMuted: boolean;
  config: MonitorSchedule;
}

const NAMING: ConfigErrorNaming = { field: 'config', code: 'invalid_config' };

/** What a new monitor has unless the body says otherwise (Sentry's defaults). */
const NEW_MONITOR_DEFAULTS = { status: 'active' as MonitorStatus, owner: null, isMuted: false };
const NEW_CONFIG_DEFAULTS: Omit<MonitorSchedule, 'scheduleType' | 'scheduleCrontab' | 'scheduleIntervalValue' | 'scheduleIntervalUnit'> = {
  checkinMargin: null,
  maxRuntime: null,
  failureIssueThreshold: 1,
  recoveryThreshold: 1,
  timezone: 'UTC',
};

function invalid(field: string, code: string, message: string): DomainError {
  return new DomainError('invalid', code, message, field);
}

const isUnit = (value: unknown): value is IntervalUnit => typeof value === 'string' && ['minute', 'hour', 'day', 'week', 'month', 'year'].includes(value);
const isIntervalValue = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= LIMITS.intervalMax;

/** A schedule in any of its forms, as the SDKs' `{type, value, unit}`; `schedule_type`, when sent, must agree. */
export function scheduleOf(input: ScheduleInput, scheduleType: ScheduleType | undefined): NonNullable<SentryMonitorConfig['schedule']> {
  let schedule: NonNullable<SentryMonitorConfig['schedule']>;
  if (typeof input === 'string') {
    schedule = { type: 'crontab', value: input };
  } else if (Array.isArray(input)) {
    const [value, unit] = input;
    if (!isIntervalValue(value) || !isUnit(unit)) {
      throw invalid(
        'config.schedule',
        'invalid_schedule',
        `config.schedule as a pair must be [value, unit]: an integer from 1 to ${LIMITS.intervalMax}, then minute, hour, day, week, month or year`,
      );
    }
    schedule = { type: 'interval', value, unit };
  } else if (input.type === 'crontab') {
    if (typeof input.value !== 'string')
      throw invalid('config.schedule.value', 'invalid_schedule', 'config.schedule.value of a crontab schedule must be the crontab expression');
    if (input.unit !== undefined) throw invalid('config.schedule.unit', 'invalid_schedule', 'config.schedule.unit belongs to interval schedules only');
    schedule = { type: 'crontab', value: input.value };
  } else {
    if (!isIntervalValue(input.value))
      throw invalid(
        'config.schedule.value',
        'invalid_schedule',
        `config.schedule.value of an interval schedule must be an integer from 1 to ${LIMITS.intervalMax}`,
      );
    if (!isUnit(input.unit))
      throw invalid(
        'config.schedule.unit',
        'invalid_schedule',
        'config.schedule.unit is required for an interval schedule: minute, hour, day, week, month or year',
      );
    schedule = { type: 'interval', value: input.value, unit: input.unit };
  }
  if (scheduleType !== undefined && scheduleType !== schedule.type) {
    const form = scheduleType === 'crontab' ? 'a crontab expression' : '[value, unit]';
    throw invalid('config.schedule_type', 'invalid_schedule_type', `config.schedule_type is ${scheduleType}, so config.schedule must be ${form}`);
  }
  return schedule;
}

function currentSchedule(current: MonitorSchedule): NonNullable<SentryMonitorConfig['schedule']> {
  return current.scheduleType === 'crontab'
    ? { type: 'crontab', value: current.scheduleCrontab ?? '' }
    : { type: 'interval', value: current.scheduleIntervalValue ?? 1, unit: current.scheduleIntervalUnit ?? 'day' };
}

/**
 * The monitor's schedule and settings after `input`: fields sent replace the current ones (null: the default),
 * the others stay; the result is checked as a whole, so a new zone is checked against the kept crontab.
 */
export function resolveConfig(current: MonitorSchedule | null, input: ConfigInput): MonitorSchedule {
  let schedule = current ? currentSchedule(current) : undefined;
  if (input.schedule !== undefined) {
    schedule = scheduleOf(input.schedule, input.schedule_type);
  } else if (input.schedule_type !== undefined && input.schedule_type !== schedule?.type) {
    throw invalid('config.schedule', 'missing_field', `config.schedule is required to change config.schedule_type to ${input.schedule_type}`);
  }
  if (!schedule) throw invalid('config.schedule', 'missing_field', 'config.schedule is required');
  const base = current ?? { ...NEW_CONFIG_DEFAULTS };
  const pick = <T>(sent: T | null | undefined, kept: T, fallback: T): T => (sent === undefined ? kept : sent === null ? fallback : sent);
  const merged: SentryMonitorConfig = {
    schedule,
    // Sentry drops a blank zone: as if it was not sent.
    timezone: pick(input.timezone === '' ? undefined : input.timezone, base.timezone, NEW_CONFIG_DEFAULTS.timezone),
    checkin_margin: input.checkin_margin === undefined ? base.checkinMargin : input.checkin_margin,
    max_runtime: input.max_runtime === undefined ? base.maxRuntime : input.max_runtime,
    failure_issue_threshold: pick(input.failure_issue_threshold, base.failureIssueThreshold, NEW_CONFIG_DEFAULTS.failureIssueThreshold),
    recovery_threshold: pick(input.recovery_threshold, base.recoveryThreshold, NEW_CONFIG_DEFAULTS.recoveryThreshold),
  };
  const update = toMonitorConfigUpdate(merged, NAMING);
  return {
    scheduleType: update.scheduleType!,
    scheduleCrontab: update.scheduleCrontab ?? null,
    scheduleIntervalValue: update.scheduleIntervalValue ?? null,
    scheduleIntervalUnit: update.scheduleIntervalUnit ?? null,
    checkinMargin: update.checkinMargin ?? null,
    maxRuntime: update.maxRuntime ?? null,
    failureIssueThreshold: update.failureIssueThreshold!,
    recoveryThreshold: update.recoveryThreshold!,
    timezone: update.timezone!,
  };
}

/** `is_muted` and `isMuted` are one field (Sentry takes both spellings); sending both, they must agree. */
export function mutedOf(body: { is_muted?: boolean; isMuted?: boolean }): boolean | undefined {
  if (body.is_muted !== undefined && body.isMuted !== undefined && body.is_muted !== body.isMuted) {
    throw invalid('isMuted', 'conflicting_fields', 'is_muted and isMuted are the same field and disagree: send one of them');
  }
  return body.is_muted ?? body.isMuted;
}

/** A slug to create a monitor with: the one sent, or one made from the name as Sentry makes it. */
export function slugOf(body: MonitorBody, name: string): { slug: string; derived: boolean } {
  if (body.slug !== undefined) return { slug: parseSlug(body.slug, 'slug'), derived: false };
  const made = slugify(name);
  if (made === null)
    throw invalid('slug', 'invalid_slug', `no slug can be made from name "${name}" (it needs a letter, or digits with something else): send slug`);
  return { slug: made, derived: true };
}

/** A new monitor's values from a create body (its project is resolved by the caller). */
export function newMonitorValues(body: MonitorBody): MonitorValues & { slugDerived: boolean } {
  const name = parseName(body.name, 'name', 128);
  const { slug, derived } = slugOf(body, name);
  return {
    name,
    slug,
    slugDerived: derived,
    status: body.status ?? NEW_MONITOR_DEFAULTS.status,
    owner: body.owner ?? NEW_MONITOR_DEFAULTS.owner,
    isMuted: mutedOf(body) ?? NEW_MONITOR_DEFAULTS.isMuted,
    config: resolveConfig(null, body.config ?? {}),
  };
}

/** A monitor's values after an update body: what it sends changes, the rest stays. */
export function updatedMonitorValues(current: MonitorValues, body: MonitorBody): MonitorValues {
  return {
    name: body.name === undefined ? current.name : parseName(body.name, 'name', 128),
    slug: body.slug === undefined ? current.slug : parseSlug(body.slug, 'slug'),
    status: body.status ?? current.status,
    owner: body.owner === undefined ? current.owner : body.owner,
    isMuted: mutedOf(body) ?? current.isMuted,
    config: body.config === undefined ? current.config : resolveConfig(current.config, body.config),
  };
}
