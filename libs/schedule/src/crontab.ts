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
  /** Names accepted for values (upper case), with the value of the first. */
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

/** A number (ASCII digits) or, in the month and weekday fields, a name; within the field's range. */
function parseValue(text: string, rule: FieldRule): number {
  let value: number;
  if (/^\d+$/.test(text)) {
    value = Number(text);
  } else if (/^[A-Z]+$/.test(text) && rule.names) {
    const index = rule.names.indexOf(text);
    if (index < 0) throw fail(rule, `${JSON.stringify(text)} is not ${rule.nameKind}`);
    value = index + rule.firstNameValue!;
  } else {
    throw fail(rule, `${JSON.stringify(text)} is not a number${rule.names ? ` or ${rule.nameKind}` : ''}`);
  }
  if (value < rule.min || value > rule.max) throw fail(rule, `${text} is out of range ${rule.min}-${rule.max}`);
  return value;
}

function parseCount(text: string, rule: FieldRule, what: string): number {
  if (!/^\d+$/.test(text)) throw fail(rule, `${what} ${JSON.stringify(text)} is not a number`);
  return Number(text);
}

/** What a field selects. Day-of-week 7 is folded into 0 (Sunday) at the end. */
interface ParsedField {
  readonly values: boolean[];
  /** Starts with `*`: selects Vixie's AND rule for the day fields, and the wildcard DST rule for minute and hour. */
  readonly star: boolean;
  /** Day of month: `L` (the last day), `LW` (the last weekday, Monday to Friday). */
  last: boolean;
  lastWeekday: boolean;
  /** Day of week: bit (n - 1) * 7 + w for `w#n` (n 1-5), and bit w for `wL` (the last weekday w of the month). */
  nth: number;
  fifth: number;
  lastOf: number;
}

/** The plain values of one list element (cronsim's grammar, which is cronie's), or a marker for L and LW. */
type Term = number[] | 'L' | 'LW';

/**
 * One element of a list, in cronsim's order of rules: `*`; `<weekday>L` and `<weekday>#<n>` (day of week);
 * `<term>/<step>`; `<low>-<high>`; `L` and `LW` (day of month); a value. `a/n` runs from a to the field's maximum
 * (7 for the day of week, which is Sunday again); a step larger than the range keeps its first value.
 */
function parseTerm(text: string, rule: FieldRule, out: ParsedField): Term | null {
  const dow = rule.field === 'day-of-week';
  if (text === '*') return range(rule.min, rule.max);
  if (dow && text.includes('L')) {
    const m = /^(\d+)L$/.exec(text);
    if (!m) throw fail(rule, `${JSON.stringify(text)} is not <weekday>L (a weekday number 0-7 followed by L, the last of the month)`);
    const w = parseValue(m[1]!, rule) % 7;
    out.lastOf |= 1 << w;
    return null;
  }
  if (dow && text.includes('#')) {
    const hash = text.indexOf('#');
    const nth = parseCount(text.slice(hash + 1), rule, `in ${JSON.stringify(text)}, the occurrence`);
    if (nth < 1 || nth > 5) throw fail(rule, `in ${JSON.stringify(text)}, the occurrence ${nth} is out of range 1-5`);
    const w = parseValue(text.slice(0, hash), rule) % 7;
    if (nth === 5) out.fifth |= 1 << w;
    else out.nth |= 1 << ((nth - 1) * 7 + w);
    return null;
  }
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const base = text.slice(0, slash);
    const step = parseCount(text.slice(slash + 1), rule, 'step');
    if (step === 0) throw fail(rule, 'step 0 is not allowed');
    if (base === '') throw fail(rule, `${JSON.stringify(text)} has no value before the step`);
    const items = parseTerm(base, rule, out);
    if (items === null) throw fail(rule, `${JSON.stringify(text)} cannot take a step`); // unreachable: caught above
    if (items === 'L' || items === 'LW') return items; // as cronsim: `L/2` is `L`
    const from = items.length === 1 && !base.includes('-') ? range(items[0]!, rule.max) : items;
    return from.filter((_, i) => i % step === 0);
  }
  const dash = text.indexOf('-');
  if (dash >= 0) {
    const lowText = text.slice(0, dash);
    const highText = text.slice(dash + 1);
    if (lowText === '' || highText === '') throw fail(rule, `${JSON.stringify(text)} is not a range (low-high)`);
    if (highText.includes('-')) throw fail(rule, `${JSON.stringify(text)} is not a range (low-high)`);
    const low = parseValue(lowText, rule);
    const high = parseValue(highText, rule);
    if (low > high) throw fail(rule, `range ${text} is backwards (${low} is after ${high})`);
    return range(low, high);
  }
  if (rule.field === 'day-of-month' && (text === 'L' || text === 'LW')) return text;
  return [parseValue(text, rule)];
}

function range(low: number, high: number): number[] {
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}

function parseField(text: string, rule: FieldRule): ParsedField {
  const parsed: ParsedField = {
    values: new Array<boolean>(rule.max + 1).fill(false),
    star: text.startsWith('*'),
    last: false,
    lastWeekday: false,
    nth: 0,
    fifth: 0,
    lastOf: 0,
  };
  for (const element of text.split(',')) {
    if (element === '') throw fail(rule, `empty list element in ${JSON.stringify(text)}`);
    const term = parseTerm(element, rule, parsed);
    if (term === 'L') parsed.last = true;
    else if (term === 'LW') parsed.lastWeekday = true;
    else if (term !== null) for (const v of term) parsed.values[v] = true;
  }
  if (rule.field === 'day-of-week' && parsed.values[7]) {
    parsed.values[0] = true;
    parsed.values[7] = false;
  }
  return parsed;
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
 * How far a wildcard expression's slots are looked for, stretch of offset by stretch: as cronsim. Every day a
 * crontab can select recurs within 40 years (Feb 29 on a given weekday); an expression whose every match DST
 * skips would otherwise make the zone build 400 years of offset tables.
 */
const MAX_YEARS_WILDCARD = 50;

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
  /** `L` and `LW` in the day of month. */
  readonly lastDayOfMonth: boolean;
  readonly lastWeekdayOfMonth: boolean;
  /** `w#n`: [weekday 0-6, n 1-5] pairs, by weekday then n. */
  readonly nthWeekdays: readonly (readonly [number, number])[];
  /** `wL`: the weekdays (0-6) whose last occurrence in the month matches. */
  readonly lastWeekdays: readonly number[];
  /**
   * The minute or the hour field starts with `*`: slots are the instants whose wall reading matches (a wall time
   * skipped by DST has none, a repeated one has two). Otherwise a skipped time runs at the end of the gap and a
   * repeated time once (Debian cron's rule for fixed-time jobs).
   */
  readonly wildcard: boolean;
}

/** `extras` bits: L and LW in the day of month, then wL weekdays (7 bits), then the 5th-weekday (w#5) weekdays. */
const LAST_DAY = 1;
const LAST_WEEKDAY = 2;
const LAST_OF_SHIFT = 2;
const FIFTH_SHIFT = 9;
const WEEKDAY_EXTRAS = 0x3fff << LAST_OF_SHIFT;

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
  /** `w#n` for n 1-4: bit (n - 1) * 7 + w. */
  private readonly nthMask: number;
  /** L, LW, wL and w#5 (see LAST_DAY and the shifts). */
  private readonly extras: number;
  /** Vixie's rule: a day matches if either day field matches (else both must). */
  private readonly dayOr: boolean;
  /** The minute or hour field starts with `*`: Debian cron's DST rule for wildcard jobs (see CrontabFields). */
  private readonly wildcard: boolean;

  /** Parses `expression` (five fields or an alias); throws ScheduleError naming the rule broken. */
  constructor(expression: string) {
    if (typeof expression !== 'string' || expression.trim() === '') {
      throw new ScheduleError('expression', 'crontab expression is empty');
    }
    let text = expression.trim();
    if (text.startsWith('@')) {
      const expanded = CRONTAB_ALIASES[text.toLowerCase()];
      if (expanded === undefined) {
        throw new ScheduleError('expression', `unknown alias ${JSON.stringify(text)} (expected one of ${Object.keys(CRONTAB_ALIASES).join(', ')})`);
      }
      text = expanded;
    }
    const texts = text.toUpperCase().split(/\s+/);
    if (texts.length !== 5) {
      throw new ScheduleError(
        'expression',
        `crontab must have 5 fields (minute hour day-of-month month day-of-week) or be an alias such as @daily, got ${texts.length}`,
      );
    }
    const [minute, hour, dom, month, dow] = texts.map((t, i) => parseField(t, RULES[i]!)) as [ParsedField, ParsedField, ParsedField, ParsedField, ParsedField];
    this.minutesLow = bits(minute.values, 0, 29);
    this.minutesHigh = bits(minute.values, 30, 59);
    this.hourMask = bits(hour.values, 0, 23);
    this.monthMask = bits(month.values, 0, 12);
    this.dayOfMonthMask = signed31(bits(dom.values, 1, 31));
    this.weekdayMask = bits(dow.values, 0, 6);
    this.nthMask = dow.nth;
    this.extras = (dom.last ? LAST_DAY : 0) | (dom.lastWeekday ? LAST_WEEKDAY : 0) | (dow.lastOf << LAST_OF_SHIFT) | (dow.fifth << FIFTH_SHIFT);
    this.dayOr = !dom.star && !dow.star;
    this.wildcard = minute.star || hour.star;
    // A schedule that never fires is a mistake (`0 0 30 2 *`). Every (month length, weekday of the 1st) pair
    // occurs for every month within 400 years, so this check is exact. Day numbers 3-9 (1970-01-04 to 10) are a
    // Sunday to a Saturday.
    const months = valuesOf(this.monthMask, 0);
    const satisfiable = months.some((m) =>
      (m === 2 ? [28, 29] : [daysInMonth(2001, m)]).some((dim) => [3, 4, 5, 6, 7, 8, 9].some((firstDay) => this.daysOfMonthMatching(dim, firstDay) !== 0)),
    );
    if (!satisfiable) {
      const monthNames = months.map((m) => MONTH_NAMES[m - 1]).join(',');
      throw new ScheduleError(
        'day-of-month',
        dow.star
          ? `day-of-month field: ${texts[2]} never occurs in the selected months (${monthNames})`
          : `day-of-month and day-of-week fields: ${texts[2]} and ${texts[4]} never match a day of the selected months (${monthNames})`,
      );
    }
  }

  /** The values each field allows (day-of-week 0-6, Sunday 0) and whether the day fields combine by OR. */
  get fields(): CrontabFields {
    const nthWeekdays: [number, number][] = [];
    const fifth = (this.extras >> FIFTH_SHIFT) & 0x7f;
    for (let w = 0; w < 7; w++) {
      for (let n = 1; n <= 4; n++) if ((this.nthMask & (1 << ((n - 1) * 7 + w))) !== 0) nthWeekdays.push([w, n]);
      if ((fifth & (1 << w)) !== 0) nthWeekdays.push([w, 5]);
    }
    return {
      minutes: [...valuesOf(this.minutesLow, 0), ...valuesOf(this.minutesHigh, 30)],
      hours: valuesOf(this.hourMask, 0),
      daysOfMonth: valuesOf(this.dayOfMonthMask & 0x7fffffff, 1),
      months: valuesOf(this.monthMask, 0),
      daysOfWeek: valuesOf(this.weekdayMask, 0),
      dayOr: this.dayOr,
      lastDayOfMonth: (this.extras & LAST_DAY) !== 0,
      lastWeekdayOfMonth: (this.extras & LAST_WEEKDAY) !== 0,
      nthWeekdays,
      lastWeekdays: valuesOf((this.extras >> LAST_OF_SHIFT) & 0x7f, 0),
      wildcard: this.wildcard,
    };
  }

  /** The days matching in a month of `dim` days whose 1st is day number `firstDay`: bit d - 1 set if day d matches. */
  private daysOfMonthMatching(dim: number, firstDay: number): number {
    const week = this.weekdayMask;
    const extras = this.extras;
    const firstWeekday = weekday(firstDay);
    let byDate = this.dayOfMonthMask;
    if ((extras & LAST_DAY) !== 0) byDate |= 1 << (dim - 1);
    if ((extras & LAST_WEEKDAY) !== 0) {
      const lastWeekday = (firstWeekday + dim - 1) % 7; // of the last day
      byDate |= 1 << (dim - 1 - (lastWeekday === 6 ? 1 : lastWeekday === 0 ? 2 : 0));
    }
    let days: number;
    if (week === 0x7f) {
      // Every weekday (the common case): the weekday field adds every day (OR) or takes none away (AND).
      days = this.dayOr ? -1 : byDate;
    } else {
      let byWeekday = DAYS_BY_WEEKDAYS[week * 7 + firstWeekday]!;
      if (this.nthMask !== 0 || (extras & WEEKDAY_EXTRAS) !== 0) byWeekday |= this.nthDays(dim, firstWeekday);
      days = this.dayOr ? byDate | byWeekday : byDate & byWeekday;
    }
    return days & (0x7fffffff >>> (31 - dim));
  }

  /** The days (bit d - 1) that `w#n` and `wL` select in a month of `dim` days starting on weekday `firstWeekday`. */
  private nthDays(dim: number, firstWeekday: number): number {
    const fifth = (this.extras >> FIFTH_SHIFT) & 0x7f;
    const lastOf = (this.extras >> LAST_OF_SHIFT) & 0x7f;
    let days = 0;
    for (let w = 0; w < 7; w++) {
      const first = 1 + ((w - firstWeekday + 7) % 7); // the first day of the month that is a weekday w
      for (let n = 1; n <= 4; n++) if ((this.nthMask & (1 << ((n - 1) * 7 + w))) !== 0) days |= 1 << (first + 7 * (n - 1) - 1);
      if ((fifth & (1 << w)) !== 0 && first + 28 <= dim) days |= 1 << (first + 27);
      if ((lastOf & (1 << w)) !== 0) days |= 1 << (first + 7 * Math.floor((dim - first) / 7) - 1);
    }
    return days;
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

  /**
   * First slot strictly after instant `t` in `zone`, or Infinity if there is none (a wildcard expression whose
   * every match within 50 years is skipped by DST).
   *
   * Fixed-time expressions: a wall time W maps to the first instant whose wall reading is >= W (a skipped W runs
   * when the gap ends, a repeated W at its first occurrence), and "after t" means above the highest wall time shown
   * at or before t. Wildcard expressions: the first whole minute after t whose own wall reading matches, found
   * stretch by stretch of constant offset.
   */
  nextAfter(t: number, zone: Zone): number {
    if (!this.wildcard) {
      const floorMinute = Math.floor(zone.maxWallAtOrBefore(t) / MINUTE_MS) * MINUTE_MS;
      return zone.firstInstantAtOrAfterWall(this.nextWall(floorMinute + MINUTE_MS));
    }
    let from = Math.floor(t / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    const limit = from + MAX_YEARS_WILDCARD * 366 * DAY_MS;
    while (from < limit) {
      const offset = zone.offsetAt(from);
      const end = zone.segmentEnd;
      const slot = this.nextWall(Math.ceil((from + offset) / MINUTE_MS) * MINUTE_MS) - offset;
      if (slot < end) return slot;
      from = Math.ceil(end / MINUTE_MS) * MINUTE_MS;
    }
    return Infinity;
  }

  /** Latest slot at or before instant `t` in `zone` (the same rules as nextAfter), or null (none within 50 years). */
  slotAtOrBefore(t: number, zone: Zone): number | null {
    if (!this.wildcard) {
      const floorMinute = Math.floor(zone.maxWallAtOrBefore(t) / MINUTE_MS) * MINUTE_MS;
      return zone.firstInstantAtOrAfterWall(this.prevWall(floorMinute));
    }
    let at = Math.floor(t / MINUTE_MS) * MINUTE_MS;
    const limit = at - MAX_YEARS_WILDCARD * 366 * DAY_MS;
    while (at > limit) {
      const offset = zone.offsetAt(at);
      const start = zone.segmentStart;
      const slot = this.prevWall(Math.floor((at + offset) / MINUTE_MS) * MINUTE_MS) - offset;
      if (slot >= start) return slot;
      at = Math.floor((start - 1) / MINUTE_MS) * MINUTE_MS;
    }
    return null;
  }
}
