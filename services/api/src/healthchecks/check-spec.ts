import { DomainError } from '@vigil/errors';
import { currentZoneName, isValidTimeZone, parseSchedule, ScheduleError } from '@vigil/schedule';

/**
 * A Healthchecks check as a create or update body describes it (`POST /api/v3/checks/[<uuid>]`), after its
 * JSON Schema (`CHECK_SPEC`) was enforced: types, lengths and Healthchecks' bounds. Here are the rules a schema
 * cannot state, and the mapping onto Vigil's monitor columns.
 */
export interface CheckSpec {
  name?: string;
  slug?: string;
  tags?: string;
  desc?: string;
  timeout?: number;
  grace?: number;
  schedule?: string;
  tz?: string;
  manual_resume?: boolean;
  methods?: '' | 'POST';
  channels?: string;
  subject?: string;
  subject_fail?: string;
  start_kw?: string;
  success_kw?: string;
  failure_kw?: string;
  filter_subject?: boolean;
  filter_body?: boolean;
  filter_http_body?: boolean;
  filter_default_fail?: boolean;
  unique?: UniqueField[];
}

/** The fields `unique` may name: a create that matches an existing check on all of them updates it instead. */
export const UNIQUE_FIELDS = ['name', 'slug', 'tags', 'timeout', 'grace'] as const;
export type UniqueField = (typeof UNIQUE_FIELDS)[number];

/** Healthchecks' bounds of `timeout` and `grace`, in seconds. */
export const MIN_SECONDS = 60;
export const MAX_TIMEOUT_SECONDS = 31_536_000;
/** Vigil's limit on a monitor's margin (the scheduler's, and Sentry's): 28 days. Healthchecks allows 365. */
export const MAX_GRACE_SECONDS = 2_419_200;

/** Healthchecks' defaults for a check created without them: a one-day period and one hour of grace. */
export const DEFAULT_TIMEOUT_SECONDS = 86_400;
export const DEFAULT_GRACE_SECONDS = 3_600;

export type FixedIntervalUnit = 'minute' | 'hour' | 'day' | 'week';
export type CheckSchedule = { type: 'interval'; value: number; unit: FixedIntervalUnit } | { type: 'crontab'; value: string };

/** The monitor columns a spec sets; a field the spec did not carry is absent. */
export interface CheckChange {
  name?: string;
  slug?: string;
  tags?: string;
  description?: string;
  schedule?: CheckSchedule;
  timezone?: string;
  /** Minutes (the monitor's `checkin_margin`). */
  checkinMargin?: number;
  manualResume?: boolean;
}

const MINUTES_OF: Record<FixedIntervalUnit, number> = { minute: 1, hour: 60, day: 1440, week: 10_080 };

/** A Healthchecks timeout (seconds, a whole number of minutes) as an interval in the largest unit that divides it. */
export function intervalForSeconds(seconds: number): { value: number; unit: FixedIntervalUnit } {
  const minutes = seconds / 60;
  for (const unit of ['week', 'day', 'hour'] as const) {
    if (minutes % MINUTES_OF[unit] === 0) return { value: minutes / MINUTES_OF[unit], unit };
  }
  return { value: minutes, unit: 'minute' };
}

/**
 * An interval monitor's period in seconds, as Healthchecks' `timeout`. Calendar months and years (which only
 * Sentry-created monitors have) are shown as 30 and 365 days: Healthchecks has no calendar periods.
 */
export function secondsOfInterval(value: number, unit: string): number {
  switch (unit) {
    case 'minute':
    case 'hour':
    case 'day':
    case 'week':
      return value * MINUTES_OF[unit] * 60;
    case 'month':
      return value * 30 * 86_400;
    default:
      return value * 365 * 86_400;
  }
}

const UNSUPPORTED_TEXT = ['subject', 'subject_fail', 'start_kw', 'success_kw', 'failure_kw'] as const;
const UNSUPPORTED_FLAGS = ['filter_subject', 'filter_body', 'filter_http_body', 'filter_default_fail'] as const;

function unsupported(field: string, message: string): DomainError {
  return new DomainError('invalid', 'unsupported_field', message, field);
}

/**
 * Checks a spec and maps it onto monitor columns. `timezone` is the monitor's current zone (UTC for a new
 * one): a schedule sent without `tz` is read in it. Fields Vigil does not model are accepted only with the
 * value that means "off" (clients send every field), and refused with a 400 naming the field otherwise.
 */
export function parseCheckSpec(spec: CheckSpec, timezone: string): CheckChange {
  for (const field of UNSUPPORTED_TEXT) {
    if (spec[field] !== undefined && spec[field] !== '') {
      throw unsupported(field, `${field} is not supported: Vigil does not filter pings by keywords (leave it empty)`);
    }
  }
  for (const field of UNSUPPORTED_FLAGS) {
    if (spec[field] === true) throw unsupported(field, `${field} is not supported: Vigil does not filter pings by keywords (leave it false)`);
  }
  if (spec.methods === 'POST') throw unsupported('methods', 'methods "POST" is not supported: Vigil counts pings sent with any HTTP method (leave it "")');

  const change: CheckChange = {};
  if (spec.name !== undefined) change.name = spec.name;
  if (spec.slug !== undefined && spec.slug !== '') change.slug = spec.slug;
  if (spec.tags !== undefined) change.tags = spec.tags;
  if (spec.desc !== undefined) change.description = spec.desc;
  if (spec.manual_resume !== undefined) change.manualResume = spec.manual_resume;
  if (spec.tz !== undefined) {
    if (!isValidTimeZone(spec.tz))
      throw new DomainError('invalid', 'invalid_tz', `tz "${spec.tz}" is not a valid time zone (an IANA name such as "Europe/Berlin")`, 'tz');
    // As Healthchecks stores it: a deprecated name (Europe/Kiev) as the name that replaced it (Europe/Kyiv).
    change.timezone = currentZoneName(spec.tz);
  }
  if (spec.grace !== undefined) change.checkinMargin = spec.grace / 60;
  if (spec.schedule !== undefined) {
    change.schedule = { type: 'crontab', value: normalizeCron(spec.schedule, change.timezone ?? timezone) };
  } else if (spec.timeout !== undefined) {
    change.schedule = { type: 'interval', ...intervalForSeconds(spec.timeout) };
  }
  return change;
}

/** A cron expression Vigil's scheduler accepts (five fields, or an alias such as `@daily`), whitespace normalised. */
export function normalizeCron(expression: string, timezone: string): string {
  const fields = expression.trim().split(/\s+/);
  try {
    parseSchedule({ type: 'crontab', value: expression, timezone });
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    const why =
      fields.length === 5 || expression.trim().startsWith('@') ? error.message : 'Vigil supports cron expressions (five fields), not OnCalendar expressions';
    throw new DomainError('invalid', 'invalid_schedule', `schedule "${expression}" is not a valid cron expression: ${why}`, 'schedule');
  }
  return fields.join(' ');
}

export { tagList } from '../common/tags';
