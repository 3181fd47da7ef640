import { civilFromDays, daysFromCivil, daysInMonth, DAY_MS, HOUR_MS, MINUTE_MS, weekday, type CivilDate } from './civil';
import { ScheduleError, type ScheduleField } from './errors';
import type { Zone } from './zone';

/** The aliases Vixie cron accepts (except @reboot, which is not a schedule). Case-insensitive. */
export const CRONTAB_ALIASES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface FieldRule {
  readonly field: ScheduleField;
  readonly min: number;
  readonly max: number;
  /** Names accepted for values, case-insensitive, with the value of the first. */
  readonly names?: readonly string[];
  readonly firstNameValue?: number;
  readonly nameKind?: string;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const RULES: readonly FieldRule[] = [
  { field: 'minute', min: 0, max: 59 },
  { field: 'hour', min: 0, max: 23 },
  { field: 'day-of-month', min: 1, max: 31 },
  { field: 'month', min: 1, max: 12, names: MONTH_NAMES, firstNameValue: 1, nameKind: 'a month name (JAN-DEC)' },
  { field: 'day-of-week', min: 0, max: 7, names: WEEKDAY_NAMES, firstNameValue: 0, nameKind: 'a weekday name (SUN-SAT)' },
];

function fail(rule: FieldRule, message: string): ScheduleError {
  return new ScheduleError(rule.field, `${rule.field} field: ${message}`);
}

function parseValue(text: string, rule: FieldRule, rangeEnd: boolean): number {
  let value: number;
  if (/^\d+$/.test(text)) {
    value = Number(text);
  } else if (/^[a-z]+$/i.test(text) && rule.names) {
    const index = rule.names.indexOf(text.toUpperCase());
    if (index < 0) throw fail(rule, `${JSON.stringify(text)} is not ${rule.nameKind}`);
    value = index + rule.firstNameValue!;
    // SUN at the end of a range means the 7 that closes the week: FRI-SUN is Friday to Sunday.
    if (rangeEnd && rule.field === 'day-of-week' && value === 0) value = 7;
  } else {
    throw fail(rule, `${JSON.stringify(text)} is not a number${rule.names ? ` or ${rule.nameKind}` : ''}`);
  }
  if (value < rule.min || value > rule.max) throw fail(rule, `${text} is out of range ${rule.min}-${rule.max}`);
  return value;
}

interface ParsedField {
  readonly values: boolean[];
  /** Starts with `*`: for the day fields this selects Vixie's AND rule instead of OR. */
  readonly star: boolean;
}

function parseField(text: string, rule: FieldRule): ParsedField {
  const values: boolean[] = new Array<boolean>(rule.max + 1).fill(false);
  const span = rule.field === 'day-of-week' ? 7 : rule.max - rule.min + 1;
  for (const element of text.split(',')) {
    if (element === '') throw fail(rule, `empty list element in ${JSON.stringify(text)}`);
    const parts = element.split('/');
    if (parts.length > 2) throw fail(rule, `${JSON.stringify(element)} has more than one step`);
    const [base, stepText] = parts as [string, string | undefined];
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText)) throw fail(rule, `step ${JSON.stringify(stepText)} is not a number`);
      step = Number(stepText);
      if (step < 1 || step > span) throw fail(rule, `step ${stepText} is out of range 1-${span}`);
    }
    let low: number;
    let high: number;
    if (base === '*') {
      low = rule.min;
      high = rule.field === 'day-of-week' ? 6 : rule.max;
    } else if (base.includes('-')) {
      const bounds = base.split('-');
      if (bounds.length !== 2 || bounds[0] === '' || bounds[1] === '') throw fail(rule, `${JSON.stringify(base)} is not a range (low-high)`);
      low = parseValue(bounds[0]!, rule, false);
      high = parseValue(bounds[1]!, rule, true);
      if (low > high) throw fail(rule, `range ${base} is backwards (${low} is after ${high})`);
    } else if (base === '') {
      throw fail(rule, `${JSON.stringify(element)} has no value before the step`);
    } else {
      low = parseValue(base, rule, false);
      // `5/15` means `5-max/15`, as in cronie and most cron implementations.
      high = stepText === undefined ? low : rule.field === 'day-of-week' ? 6 : rule.max;
      if (high < low) high = low;
    }
    for (let v = low; v <= high; v += step) values[v] = true;
  }
  if (rule.field === 'day-of-week' && values[7]) {
    values[0] = true;
    values[7] = false;
  }
  return { values, star: text.startsWith('*') };
}

/** Bit v set for every allowed value v in [from, to] (to - from < 31): a small integer. */
function bits(values: readonly boolean[], from: number, to: number): number {
  let mask = 0;
  for (let v = from; v <= to; v++) if (values[v] === true) mask |= 1 << (v - from);
  return mask;
}

/** The allowed values of a mask (bit i = value offset + i), ascending. */
function valuesOf(mask: number, offset: number): number[] {
  const values: number[] = [];
  for (let i = 0; i < 31; i++) if ((mask & (1 << i)) !== 0) values.push(offset + i);
  return values;
}

/** The lowest set bit of `mask` at or above bit `i` (0 <= i < 32), or -1. */
function lowestFrom(mask: number, i: number): number {
  const above = mask & (-1 << i);
  return above === 0 ? -1 : 31 - Math.clz32(above & -above);
}

/** The highest set bit of `mask` at or below bit `i` (0 <= i < 30), or -1. */
function highestUpTo(mask: number, i: number): number {
  const below = mask & ((2 << i) - 1);
  return below === 0 ? -1 : 31 - Math.clz32(below);
}

/** Bits 0..30 of a 31-bit mask as a signed 31-bit integer, which is a small integer (Smi) on every V8 build. */
const signed31 = (mask: number): number => (mask << 1) >> 1;

const MAX_YEARS_SEARCHED = 400; // the Gregorian calendar repeats every 400 years

/**
 * DAYS_BY_WEEKDAYS[weekdays * 7 + first]: the days 1-31 (bit d - 1) of a month whose 1st falls on weekday `first`
 * that fall on one of `weekdays` (a 7-bit mask, Sunday bit 0). One table per process, 3.5 KB, for every crontab.
 */
const DAYS_BY_WEEKDAYS = new Int32Array(128 * 7);
for (let weekdays = 0; weekdays < 128; weekdays++) {
  for (let first = 0; first < 7; first++) {
    let days = 0;
    for (let d = 1; d <= 31; d++) if ((weekdays & (1 << ((first + d - 1) % 7))) !== 0) days |= 1 << (d - 1);
    DAYS_BY_WEEKDAYS[weekdays * 7 + first] = days;
  }
}

/** civilFromDays' output: read at once by the (synchronous, non-reentrant) searches, so one serves them all. */
const scratch: CivilDate = { y: 0, m: 0, d: 0 };

export interface CrontabFields {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  readonly months: readonly number[];
  readonly daysOfWeek: readonly number[];
  /** Vixie's rule: both day fields restricted (neither starts with `*`), so a day matches if EITHER matches. */
  readonly dayOr: boolean;
}

/**
 * A parsed five-field crontab. Matching is done on wall-clock readings (naive ms) by jumping field by field;
 * the zone maps wall readings to instants.
 *
 * Every field is held as a bitmask in small integers (the scheduler keeps one parsed crontab per distinct
 * expression and zone, tens of thousands of them): the next or previous allowed value is a mask and a
 * count of leading zeros, and a month's matching days are computed from the two day masks when asked.
 */
export class Crontab {
  /** Minutes 0-29 (bit i = minute i) and 30-59 (bit i = minute 30 + i). */
  private readonly minutesLow: number;
  private readonly minutesHigh: number;
  /** Bit h = hour h (0-23). */
  private readonly hourMask: number;
  /** Bit m = month m (1-12). */
  private readonly monthMask: number;
  /** Bit d - 1 = day of month d (1-31), stored as `signed31` (bit 31 is a copy of bit 30). */
  private readonly dayOfMonthMask: number;
  /** Bit w = weekday w (0-6, Sunday 0). */
  private readonly weekdayMask: number;
  /** Vixie's rule: a day matches if either day field matches (else both must). */
  private readonly dayOr: boolean;

  /** Parses `expression` (five fields or an alias); throws ScheduleError naming the rule broken. */
  constructor(expression: string) {
    if (typeof expression !== 'string' || expression.trim() === '') {
      throw new ScheduleError('expression', 'crontab expression is empty');
    }
    let text = expression.trim();
    if (text.startsWith('@')) {
      const expanded = CRONTAB_ALIASES[text.toLowerCase()];
      if (expanded === undefined) {
        throw new ScheduleError(
          'expression',
          `unknown alias ${JSON.stringify(text)} (expected one of ${Object.keys(CRONTAB_ALIASES).join(', ')})`,
        );
      }
      text = expanded;
    }
    const texts = text.split(/\s+/);
    if (texts.length !== 5) {
      throw new ScheduleError(
        'expression',
        `crontab must have 5 fields (minute hour day-of-month month day-of-week) or be an alias such as @daily, got ${texts.length}`,
      );
    }
    const [minute, hour, dom, month, dow] = texts.map((t, i) => parseField(t, RULES[i]!)) as [
      ParsedField,
      ParsedField,
      ParsedField,
      ParsedField,
      ParsedField,
    ];
    this.minutesLow = bits(minute.values, 0, 29);
    this.minutesHigh = bits(minute.values, 30, 59);
    this.hourMask = bits(hour.values, 0, 23);
    this.monthMask = bits(month.values, 0, 12);
    this.dayOfMonthMask = signed31(bits(dom.values, 1, 31));
    this.weekdayMask = bits(dow.values, 0, 6);
    this.dayOr = !dom.star && !dow.star;
    // A schedule that never fires is a mistake (`0 0 30 2 *`). Every (month length, weekday of the 1st) pair
    // occurs for every month within 400 years, so this check is exact. Day numbers 3-9 (1970-01-04 to 10) are a
    // Sunday to a Saturday.
    const months = valuesOf(this.monthMask, 0);
    const satisfiable = months.some((m) =>
      (m === 2 ? [28, 29] : [daysInMonth(2001, m)]).some((dim) =>
        [3, 4, 5, 6, 7, 8, 9].some((firstDay) => this.daysOfMonthMatching(dim, firstDay) !== 0),
      ),
    );
    if (!satisfiable) {
      const monthNames = months.map((m) => MONTH_NAMES[m - 1]).join(',');
      throw new ScheduleError(
        'day-of-month',
        `day-of-month field: ${dom.values.flatMap((on, d) => (on ? [d] : [])).join(',')} never occurs in the selected months (${monthNames})`,
      );
    }
  }

  /** The values each field allows (day-of-week 0-6, Sunday 0) and whether the day fields combine by OR. */
  get fields(): CrontabFields {
    return {
      minutes: [...valuesOf(this.minutesLow, 0), ...valuesOf(this.minutesHigh, 30)],
      hours: valuesOf(this.hourMask, 0),
      daysOfMonth: valuesOf(this.dayOfMonthMask & 0x7fffffff, 1),
      months: valuesOf(this.monthMask, 0),
      daysOfWeek: valuesOf(this.weekdayMask, 0),
      dayOr: this.dayOr,
    };
  }

  /** The days matching in a month of `dim` days whose 1st is day number `firstDay`: bit d - 1 set if day d matches. */
  private daysOfMonthMatching(dim: number, firstDay: number): number {
    const week = this.weekdayMask;
    let days: number;
    if (week === 0x7f) {
      // Every weekday (the common case): the weekday field adds every day (OR) or takes none away (AND).
      days = this.dayOr ? -1 : this.dayOfMonthMask;
    } else {
      const byWeekday = DAYS_BY_WEEKDAYS[week * 7 + weekday(firstDay)]!;
      days = this.dayOr ? this.dayOfMonthMask | byWeekday : this.dayOfMonthMask & byWeekday;
    }
    return days & (0x7fffffff >>> (31 - dim));
  }

  /** The smallest allowed minute >= mi (0-59), or -1. */
  private nextMinute(mi: number): number {
    if (mi < 30) {
      const low = lowestFrom(this.minutesLow, mi);
      if (low >= 0) return low;
      mi = 30;
    }
    const high = lowestFrom(this.minutesHigh, mi - 30);
    return high < 0 ? -1 : 30 + high;
  }

  /** The largest allowed minute <= mi (0-59), or -1. */
  private prevMinute(mi: number): number {
    if (mi >= 30) {
      const high = highestUpTo(this.minutesHigh, mi - 30);
      if (high >= 0) return 30 + high;
      mi = 29;
    }
    return highestUpTo(this.minutesLow, mi);
  }

  /** The earliest matching wall reading (naive ms, whole minute) at or after `wall` (a whole minute). */
  nextWall(wall: number): number {
    const days = Math.floor(wall / DAY_MS);
    const ofDay = wall - days * DAY_MS;
    let h = Math.floor(ofDay / HOUR_MS);
    let mi = Math.floor((ofDay - h * HOUR_MS) / MINUTE_MS);
    const civil = civilFromDays(days, scratch);
    let y = civil.y;
    let mo = civil.m;
    let d = civil.d;
    const lastYear = y + MAX_YEARS_SEARCHED;
    // The month whose first day and matching days are at hand (y * 16 + mo; mo is 1-12, so never 0): a search
    // that moves on by an hour or a day stays in the same month.
    let known = 0;
    let first = 0;
    let monthDays = 0;
    while (y <= lastYear) {
      const nm = lowestFrom(this.monthMask, mo); // mo <= 13
      if (nm < 0) {
        y++;
        mo = 1;
        d = 1;
        h = 0;
        mi = 0;
        continue;
      }
      if (nm !== mo) {
        mo = nm;
        d = 1;
        h = 0;
        mi = 0;
      }
      if (y * 16 + mo !== known) {
        known = y * 16 + mo;
        first = daysFromCivil(y, mo, 1);
        monthDays = this.daysOfMonthMatching(daysInMonth(y, mo), first);
      }
      const mask = monthDays & (-1 << (d - 1)); // d <= 32; bit 31 is never set
      if (mask === 0) {
        mo++;
        d = 1;
        h = 0;
        mi = 0;
        continue;
      }
      const nd = 32 - Math.clz32(mask & -mask);
      if (nd !== d) {
        d = nd;
        h = 0;
        mi = 0;
      }
      const nh = lowestFrom(this.hourMask, h); // h <= 24
      if (nh < 0) {
        d++;
        h = 0;
        mi = 0;
        continue;
      }
      if (nh !== h) {
        h = nh;
        mi = 0;
      }
      const nmi = this.nextMinute(mi);
      if (nmi < 0) {
        h++;
        mi = 0;
        continue;
      }
      return (first + d - 1) * DAY_MS + h * HOUR_MS + nmi * MINUTE_MS;
    }
    throw new Error(`crontab search exceeded ${MAX_YEARS_SEARCHED} years`); // unreachable once parsed
  }

  /** The latest matching wall reading (naive ms) at or before `wall` (a whole minute). */
  prevWall(wall: number): number {
    const days = Math.floor(wall / DAY_MS);
    const ofDay = wall - days * DAY_MS;
    let h = Math.floor(ofDay / HOUR_MS);
    let mi = Math.floor((ofDay - h * HOUR_MS) / MINUTE_MS);
    const civil = civilFromDays(days, scratch);
    let y = civil.y;
    let mo = civil.m;
    let d = civil.d;
    const firstYear = y - MAX_YEARS_SEARCHED;
    // As in nextWall: the month at hand (y * 16 + mo, never 0), its length, first day and matching days.
    let known = 0;
    let dim = 0;
    let first = 0;
    let monthDays = 0;
    while (y >= firstYear) {
      const pm = highestUpTo(this.monthMask, mo); // 0 <= mo <= 12; bit 0 is never set
      if (pm < 0) {
        y--;
        mo = 12;
        d = 31;
        h = 23;
        mi = 59;
        continue;
      }
      if (pm !== mo) {
        mo = pm;
        d = 31;
        h = 23;
        mi = 59;
      }
      if (y * 16 + mo !== known) {
        known = y * 16 + mo;
        dim = daysInMonth(y, mo);
        first = daysFromCivil(y, mo, 1);
        monthDays = this.daysOfMonthMatching(dim, first);
      }
      if (d > dim) {
        d = dim;
        h = 23;
        mi = 59;
      }
      const mask = monthDays & (d >= 31 ? 0x7fffffff : (1 << d) - 1);
      if (mask === 0) {
        mo--;
        d = 31;
        h = 23;
        mi = 59;
        continue;
      }
      const pd = 32 - Math.clz32(mask);
      if (pd !== d) {
        d = pd;
        h = 23;
        mi = 59;
      }
      const ph = highestUpTo(this.hourMask, h); // 0 <= h <= 23
      if (ph < 0) {
        d--;
        h = 23;
        mi = 59;
        continue;
      }
      if (ph !== h) {
        h = ph;
        mi = 59;
      }
      const pmi = this.prevMinute(mi);
      if (pmi < 0) {
        if (h === 0) {
          d--;
          h = 23;
        } else {
          h--;
        }
        mi = 59;
        continue;
      }
      return (first + d - 1) * DAY_MS + h * HOUR_MS + pmi * MINUTE_MS;
    }
    throw new Error(`crontab search exceeded ${MAX_YEARS_SEARCHED} years`); // unreachable once parsed
  }

  /** First slot strictly after instant `t` in `zone`. */
  nextAfter(t: number, zone: Zone): number {
    const floorMinute = Math.floor(zone.maxWallAtOrBefore(t) / MINUTE_MS) * MINUTE_MS;
    return zone.firstInstantAtOrAfterWall(this.nextWall(floorMinute + MINUTE_MS));
  }

  /** Latest slot at or before instant `t` in `zone`. */
  slotAtOrBefore(t: number, zone: Zone): number {
    const floorMinute = Math.floor(zone.maxWallAtOrBefore(t) / MINUTE_MS) * MINUTE_MS;
    return zone.firstInstantAtOrAfterWall(this.prevWall(floorMinute));
  }
}
