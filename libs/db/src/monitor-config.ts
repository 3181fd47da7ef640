import { DomainError } from '@vigil/errors';
import { isValidTimeZone, parseSchedule, ScheduleError } from '@vigil/schedule';
import type { IntervalUnit, ScheduleType } from './entities/monitor.entity';
import type { MonitorConfigRow } from './monitor-row';

/**
 * A monitor's configuration as clients send it, checked and mapped onto the `monitors` columns: one set of rules
 * for ingest (an SDK's `monitor_config`) and the API (`config` of the monitors endpoints), so a schedule or zone
 * one of them accepts, the other accepts too.
 */

/**
 * Bounds, as Sentry's (`MAX_MARGIN`, `MAX_TIMEOUT`, `MAX_THRESHOLD` in sentry/monitors/constants.py): margin and
 * runtime in minutes (up to four weeks; a value past them is stored at them), thresholds up to 720.
 */
export const MONITOR_CONFIG_LIMITS = {
  crontabMaxLength: 256,
  intervalMax: 10000,
  marginMax: 40320,
  runtimeMax: 40320,
  thresholdMax: 720,
  timezoneMaxLength: 64,
  ownerMaxLength: 255,
} as const;

/** `monitor_config` as Sentry SDKs send it, after schema validation. */
export interface SentryMonitorConfig {
  schedule?: { type: 'crontab'; value: string } | { type: 'interval'; value: number; unit: IntervalUnit };
  checkin_margin?: number | null;
  max_runtime?: number | null;
  failure_issue_threshold?: number | null;
  recovery_threshold?: number | null;
  timezone?: string | null;
  owner?: string | null;
}

/** The monitor columns a config sets; a field the config did not carry is absent, not null. */
export interface MonitorConfigUpdate {
  scheduleType?: ScheduleType;
  scheduleCrontab?: string | null;
  scheduleIntervalValue?: number | null;
  scheduleIntervalUnit?: IntervalUnit | null;
  checkinMargin?: number | null;
  maxRuntime?: number | null;
  failureIssueThreshold?: number;
  recoveryThreshold?: number;
  timezone?: string;
  owner?: string | null;
}

/** A config value stored other than as sent, because it was past a limit: for the processing error that says so. */
export interface ConfigAdjustment {
  field: string;
  message: string;
}

/** How errors name the config: ingest says `monitor_config.schedule`, the API `config.schedule`. */
export interface ConfigErrorNaming {
  /** The config object's field name in the request. */
  field: string;
  code: string;
}

const LIMITS_MARGIN = MONITOR_CONFIG_LIMITS.marginMax;
const LIMITS_RUNTIME = MONITOR_CONFIG_LIMITS.runtimeMax;

const INGEST_NAMING: ConfigErrorNaming = { field: 'monitor_config', code: 'invalid_monitor_config' };

function invalid(naming: ConfigErrorNaming, field: string, message: string): DomainError {
  return new DomainError('invalid', naming.code, `${naming.field}.${field} ${message}`, `${naming.field}.${field}`);
}

/** A five-field crontab or an alias, checked by the engine the scheduler runs (`@vigil/schedule`). */
export function normalizeCrontab(expression: string, timezone: string, naming: ConfigErrorNaming = INGEST_NAMING): string {
  try {
    parseSchedule({ type: 'crontab', value: expression, timezone });
  } catch (error) {
    if (error instanceof ScheduleError) throw invalid(naming, 'schedule', `"${expression}" is not a valid crontab: ${error.message}`);
    throw error;
  }
  return expression.trim().replace(/\s+/g, ' ');
}

/**
 * Minutes between 1 and `max`, as Sentry stores them: 0 is 1 without a word (Sentry's `MissedMarginField`, for
 * margins that SDKs still send), any other value past a bound is stored at it and reported in `adjustments`.
 */
function clampMinutes(value: number | null | undefined, max: number, field: string, naming: ConfigErrorNaming, adjustments: ConfigAdjustment[] | undefined) {
  if (value === null || value === undefined) return value;
  if (value === 0 && field === 'checkin_margin') return 1;
  const clamped = Math.min(max, Math.max(1, value));
  if (clamped !== value)
    adjustments?.push({ field: `${naming.field}.${field}`, message: `${naming.field}.${field} ${value} is out of range (1 to ${max}): stored as ${clamped}` });
  return clamped;
}

/**
 * Semantic checks a schema cannot make (crontab syntax, IANA zone), Sentry's normalisation (`timezone: ""` is
 * no zone, margin and runtime clamped to their limits, each clamp added to `adjustments`), and the mapping onto
 * monitor columns.
 */
export function toMonitorConfigUpdate(
  config: SentryMonitorConfig,
  naming: ConfigErrorNaming = INGEST_NAMING,
  adjustments?: ConfigAdjustment[],
): MonitorConfigUpdate {
  const update: MonitorConfigUpdate = {};
  if (config.timezone != null && config.timezone !== '') {
    if (!isValidTimeZone(config.timezone)) throw invalid(naming, 'timezone', `"${config.timezone}" is not an IANA time zone`);
    update.timezone = config.timezone;
  }
  if (config.schedule) {
    if (config.schedule.type === 'crontab') {
      update.scheduleType = 'crontab';
      update.scheduleCrontab = normalizeCrontab(config.schedule.value, update.timezone ?? 'UTC', naming);
      update.scheduleIntervalValue = null;
      update.scheduleIntervalUnit = null;
    } else {
      update.scheduleType = 'interval';
      update.scheduleCrontab = null;
      update.scheduleIntervalValue = config.schedule.value;
      update.scheduleIntervalUnit = config.schedule.unit;
    }
  }
  if (config.checkin_margin !== undefined) update.checkinMargin = clampMinutes(config.checkin_margin, LIMITS_MARGIN, 'checkin_margin', naming, adjustments);
  if (config.max_runtime !== undefined) update.maxRuntime = clampMinutes(config.max_runtime, LIMITS_RUNTIME, 'max_runtime', naming, adjustments);
  if (config.failure_issue_threshold != null) update.failureIssueThreshold = config.failure_issue_threshold;
  if (config.recovery_threshold != null) update.recoveryThreshold = config.recovery_threshold;
  if (config.owner !== undefined) update.owner = config.owner;
  return update;
}

/** The monitor columns a config sets, as Postgres names them. */
export const MONITOR_CONFIG_COLUMN_OF: Readonly<Record<keyof MonitorConfigUpdate, keyof MonitorConfigRow>> = {
  scheduleType: 'schedule_type',
  scheduleCrontab: 'schedule_crontab',
  scheduleIntervalValue: 'schedule_interval_value',
  scheduleIntervalUnit: 'schedule_interval_unit',
  checkinMargin: 'checkin_margin',
  maxRuntime: 'max_runtime',
  failureIssueThreshold: 'failure_issue_threshold',
  recoveryThreshold: 'recovery_threshold',
  timezone: 'timezone',
  owner: 'owner',
};

export function configFromRow(row: MonitorConfigRow): Required<MonitorConfigUpdate> {
  return {
    scheduleType: row.schedule_type,
    scheduleCrontab: row.schedule_crontab,
    scheduleIntervalValue: row.schedule_interval_value === null ? null : Number(row.schedule_interval_value),
    scheduleIntervalUnit: row.schedule_interval_unit,
    checkinMargin: row.checkin_margin === null ? null : Number(row.checkin_margin),
    maxRuntime: row.max_runtime === null ? null : Number(row.max_runtime),
    failureIssueThreshold: Number(row.failure_issue_threshold),
    recoveryThreshold: Number(row.recovery_threshold),
    timezone: row.timezone,
    owner: row.owner,
  };
}
