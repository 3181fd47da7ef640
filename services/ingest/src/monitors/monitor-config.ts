import { DomainError } from '@vigil/errors';
import type { IntervalUnit, ScheduleType } from '@vigil/db';
import { CronExpressionParser } from 'cron-parser';

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

const ALIASES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function invalid(field: string, message: string): DomainError {
  return new DomainError('invalid', 'invalid_monitor_config', `monitor_config.${field} ${message}`, `monitor_config.${field}`);
}

export function isValidTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A five-field crontab or an alias; six-field (seconds) expressions are not cron job schedules. */
export function normalizeCrontab(expression: string, timezone: string): string {
  const trimmed = expression.trim().replace(/\s+/g, ' ');
  const expanded = ALIASES[trimmed.toLowerCase()] ?? trimmed;
  if (expanded.split(' ').length !== 5) throw invalid('schedule', `"${expression}" must be a crontab of five fields (minute hour day-of-month month day-of-week) or an alias such as @daily`);
  try {
    CronExpressionParser.parse(expanded, { tz: timezone });
  } catch (error) {
    throw invalid('schedule', `"${expression}" is not a valid crontab: ${error instanceof Error ? error.message : String(error)}`);
  }
  return trimmed;
}

/** Semantic checks the schema cannot make (crontab syntax, IANA zone), and the mapping onto monitor columns. */
export function toMonitorConfigUpdate(config: SentryMonitorConfig): MonitorConfigUpdate {
  const update: MonitorConfigUpdate = {};
  if (config.timezone != null) {
    if (!isValidTimezone(config.timezone)) throw invalid('timezone', `"${config.timezone}" is not an IANA time zone`);
    update.timezone = config.timezone;
  }
  if (config.schedule) {
    if (config.schedule.type === 'crontab') {
      update.scheduleType = 'crontab';
      update.scheduleCrontab = normalizeCrontab(config.schedule.value, update.timezone ?? 'UTC');
      update.scheduleIntervalValue = null;
      update.scheduleIntervalUnit = null;
    } else {
      update.scheduleType = 'interval';
      update.scheduleCrontab = null;
      update.scheduleIntervalValue = config.schedule.value;
      update.scheduleIntervalUnit = config.schedule.unit;
    }
  }
  if (config.checkin_margin !== undefined) update.checkinMargin = config.checkin_margin;
  if (config.max_runtime !== undefined) update.maxRuntime = config.max_runtime;
  if (config.failure_issue_threshold != null) update.failureIssueThreshold = config.failure_issue_threshold;
  if (config.recovery_threshold != null) update.recoveryThreshold = config.recovery_threshold;
  if (config.owner !== undefined) update.owner = config.owner;
  return update;
}
