import { civilFromDays, daysFromCivil, daysInMonth, DAY_MS, MINUTE_MS, type CivilDate } from './civil';
import { Crontab, type CrontabFields } from './crontab';
import { ScheduleError } from './errors';
import { Zone } from './zone';

export const INTERVAL_UNITS = ['minute', 'hour', 'day', 'week', 'month', 'year'] as const;
export type IntervalUnit = (typeof INTERVAL_UNITS)[number];

export interface CrontabSpec {
  type: 'crontab';
  /** Five fields (minute hour day-of-month month day-of-week) or an alias such as `@daily`. */
  value: string;
  /** IANA time zone the expression's wall-clock times are read in. */
  timezone: string;
}

export interface IntervalSpec {
  type: 'interval';
  /** A positive integer number of `unit`s. */
  value: number;
  unit: IntervalUnit;
  /** Epoch ms of the first slot, truncated to the minute; slots are anchor + k intervals, k >= 0. Default 0. */
  anchor?: number;
}

export type ScheduleSpec = CrontabSpec | IntervalSpec;

/**
 * A schedule: an ascending set of slots, instants at whole minutes (epoch ms). All methods take and return
 * epoch milliseconds and are pure.
 */
export interface Schedule {
  readonly spec: Readonly<ScheduleSpec>;
  /** The first slot strictly after `epochMs` (Infinity if none: a wildcard crontab whose every match within 50 years DST skips). */
  nextAfter(epochMs: number): number;
  /** The latest slot at or before `epochMs`, or null if there is none (before an interval's anchor, or none within 50 years for a wildcard crontab). */
  slotAtOrBefore(epochMs: number): number | null;
  /** The slots s with after < s <= atOrBefore, ascending. */
  slotsBetween(after: number, atOrBefore: number): IterableIterator<number>;
}

/** Largest magnitude of epoch ms a Date can hold, less a margin so searches never leave the Date range. */
const MAX_EPOCH_MS = 8.64e15 - 1000 * DAY_MS;

function checkInstant(epochMs: number): void {
  if (!(epochMs >= -MAX_EPOCH_MS && epochMs <= MAX_EPOCH_MS)) {
    throw new RangeError(`epochMs must be a finite number of milliseconds within the Date range, got ${epochMs}`);
  }
}

abstract class BaseSchedule {
  abstract nextAfter(epochMs: number): number;
  *slotsBetween(after: number, atOrBefore: number): IterableIterator<number> {
    checkInstant(atOrBefore);
    for (let slot = this.nextAfter(after); slot <= atOrBefore; slot = this.nextAfter(slot)) yield slot;
  }
}

export class CrontabSchedule extends BaseSchedule implements Schedule {
  private readonly crontab: Crontab;
  private readonly zone: Zone;
  readonly spec: Readonly<CrontabSpec>;

  constructor(spec: CrontabSpec) {
    super();
    this.crontab = new Crontab(spec.value);
    if (typeof spec.timezone !== 'string') throw new ScheduleError('timezone', 'time zone must be a string such as "Europe/Berlin"');
    this.zone = Zone.get(spec.timezone);
    this.spec = Object.freeze({ type: 'crontab', value: spec.value.trim().replace(/\s+/g, ' '), timezone: this.zone.name });
  }

  /** The values each field allows (day-of-week 0-6, Sunday 0) and whether the day fields combine by OR. */
  get fields(): CrontabFields {
    return this.crontab.fields;
  }

  nextAfter(epochMs: number): number {
    checkInstant(epochMs);
    return this.crontab.nextAfter(epochMs, this.zone);
  }

  slotAtOrBefore(epochMs: number): number | null {
    checkInstant(epochMs);
    return this.crontab.slotAtOrBefore(epochMs, this.zone);
  }
}

const FIXED_UNIT_MS: Partial<Record<IntervalUnit, number>> = {
  minute: MINUTE_MS,
  hour: 60 * MINUTE_MS,
  day: DAY_MS,
  week: 7 * DAY_MS,
};
const MAX_INTERVAL_MS = 1000 * 366 * DAY_MS;
/** civilFromDays' output, read at once (synchronous, non-reentrant use), so one serves every interval. */
const scratch: CivilDate = { y: 0, m: 0, d: 0 };

/**
 * Every `value` units from `anchor`. Minutes, hours, days and weeks are fixed lengths of time (a day is 24 h;
 * intervals ignore time zones). Months and years are calendar months in UTC counted from the anchor each time
 * (not chained): slot k is the anchor's UTC date plus k*value months (years: 12 months) at the anchor's UTC
 * time of day, its day of month clamped to the length of the month. Jan 31 + 1 month is Feb 28 (29 in a leap
 * year), + 2 months is Mar 31; Feb 29 yearly falls on Feb 28 in common years and Feb 29 in leap years.
 */
export class IntervalSchedule extends BaseSchedule implements Schedule {
  readonly spec: Readonly<IntervalSpec>;
  private readonly anchor: number;
  private readonly fixedMs: number;
  private readonly months: number;
  private readonly anchorYear: number;
  private readonly anchorMonth: number;
  private readonly anchorDay: number;
  private readonly anchorTimeOfDay: number;

  constructor(spec: IntervalSpec) {
    super();
    if (!(INTERVAL_UNITS as readonly string[]).includes(spec.unit)) {
      throw new ScheduleError('unit', `unknown interval unit ${JSON.stringify(spec.unit)} (expected one of ${INTERVAL_UNITS.join(', ')})`);
    }
    if (typeof spec.value !== 'number' || !Number.isInteger(spec.value) || spec.value < 1) {
      throw new ScheduleError('value', `interval value must be a positive integer, got ${JSON.stringify(spec.value)}`);
    }
    const anchorInput = spec.anchor ?? 0;
    if (typeof anchorInput !== 'number' || !Number.isFinite(anchorInput) || Math.abs(anchorInput) > MAX_EPOCH_MS) {
      throw new ScheduleError('anchor', `interval anchor must be epoch milliseconds within the Date range, got ${JSON.stringify(spec.anchor)}`);
    }
    const unitMs = FIXED_UNIT_MS[spec.unit];
    const months = unitMs === undefined ? spec.value * (spec.unit === 'year' ? 12 : 1) : 0;
    const approxMs = unitMs === undefined ? months * 31 * DAY_MS : spec.value * unitMs;
    if (approxMs > MAX_INTERVAL_MS) {
      throw new ScheduleError('value', `interval of ${spec.value} ${spec.unit}s is longer than 1000 years`);
    }
    this.anchor = Math.floor(anchorInput / MINUTE_MS) * MINUTE_MS;
    this.fixedMs = unitMs === undefined ? 0 : spec.value * unitMs;
    this.months = months;
    const days = Math.floor(this.anchor / DAY_MS);
    const civil = civilFromDays(days, scratch);
    this.anchorYear = civil.y;
    this.anchorMonth = civil.m;
    this.anchorDay = civil.d;
    this.anchorTimeOfDay = this.anchor - days * DAY_MS;
    this.spec = Object.freeze({ type: 'interval', value: spec.value, unit: spec.unit, anchor: this.anchor });
  }

  /** Slot k (k >= 0) of a month/year interval. */
  private monthSlot(k: number): number {
    const index = this.anchorMonth - 1 + k * this.months;
    const y = this.anchorYear + Math.floor(index / 12);
    const m = index - Math.floor(index / 12) * 12 + 1;
    const d = Math.min(this.anchorDay, daysInMonth(y, m));
    return daysFromCivil(y, m, d) * DAY_MS + this.anchorTimeOfDay;
  }

  /** k such that slot k is in the same calendar month as t or the latest earlier one (t >= anchor). */
  private monthIndex(t: number): number {
    const civil = civilFromDays(Math.floor(t / DAY_MS), scratch);
    const elapsed = (civil.y - this.anchorYear) * 12 + (civil.m - this.anchorMonth);
    return Math.floor(elapsed / this.months);
  }

  nextAfter(epochMs: number): number {
    checkInstant(epochMs);
    if (epochMs < this.anchor) return this.anchor;
    if (this.months === 0) return this.anchor + (Math.floor((epochMs - this.anchor) / this.fixedMs) + 1) * this.fixedMs;
    const k = this.monthIndex(epochMs);
    const slot = this.monthSlot(k);
    return slot > epochMs ? slot : this.monthSlot(k + 1);
  }

  slotAtOrBefore(epochMs: number): number | null {
    checkInstant(epochMs);
    if (epochMs < this.anchor) return null;
    if (this.months === 0) return this.anchor + Math.floor((epochMs - this.anchor) / this.fixedMs) * this.fixedMs;
    const k = this.monthIndex(epochMs);
    const slot = this.monthSlot(k);
    return slot <= epochMs ? slot : this.monthSlot(k - 1);
  }
}

/**
 * Parses and validates a schedule. Throws ScheduleError (with `field` and a message naming the rule broken)
 * for an invalid expression, time zone, unit, value or anchor.
 */
export function parseSchedule(spec: ScheduleSpec): Schedule {
  if (spec === null || typeof spec !== 'object') throw new ScheduleError('type', 'schedule must be an object');
  switch (spec.type) {
    case 'crontab':
      return new CrontabSchedule(spec);
    case 'interval':
      return new IntervalSchedule(spec);
    default:
      throw new ScheduleError('type', `unknown schedule type ${JSON.stringify((spec as { type: unknown }).type)} (expected crontab or interval)`);
  }
}
