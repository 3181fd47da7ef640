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

/** next[i] = the smallest allowed value >= i, or -1; one extra slot past max holds -1. */
function nextTable(values: boolean[], max: number): Int8Array {
  const table = new Int8Array(max + 2).fill(-1);
  for (let i = max; i >= 0; i--) table[i] = values[i] ? i : table[i + 1]!;
  return table;
}
/** prev[i] = the largest allowed value <= i, or -1. */
function prevTable(values: boolean[], max: number): Int8Array {
  const table = new Int8Array(max + 1).fill(-1);
  for (let i = 0; i <= max; i++) table[i] = values[i] ? i : i > 0 ? table[i - 1]! : -1;
  return table;
}

const MAX_YEARS_SEARCHED = 400; // the Gregorian calendar repeats every 400 years

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
 */
export class Crontab {
  readonly fields: CrontabFields;
  private readonly nextMinute: Int8Array;
  private readonly prevMinute: Int8Array;
  private readonly nextHour: Int8Array;
  private readonly prevHour: Int8Array;
  private readonly nextMonth: Int8Array;
  private readonly prevMonth: Int8Array;
  /** dayMasks[(daysInMonth - 28) * 7 + weekdayOfThe1st]: bit d-1 set if day d matches. */
  private readonly dayMasks: Int32Array;
  private readonly scratch: CivilDate = { y: 0, m: 0, d: 0 };

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
    const dayOr = !dom.star && !dow.star;
    const list = (values: boolean[]) => values.flatMap((on, v) => (on ? [v] : []));
    this.fields = {
      minutes: list(minute.values),
      hours: list(hour.values),
      daysOfMonth: list(dom.values),
      months: list(month.values),
      daysOfWeek: list(dow.values),
      dayOr,
    };
    this.nextMinute = nextTable(minute.values, 59);
    this.prevMinute = prevTable(minute.values, 59);
    this.nextHour = nextTable(hour.values, 23);
    this.prevHour = prevTable(hour.values, 23);
    this.nextMonth = nextTable(month.values, 12);
    this.prevMonth = prevTable(month.values, 12);
    this.dayMasks = new Int32Array(4 * 7);
    for (let dim = 28; dim <= 31; dim++) {
      for (let first = 0; first < 7; first++) {
        let mask = 0;
        for (let d = 1; d <= dim; d++) {
          const domMatch = dom.values[d] === true;
          const dowMatch = dow.values[(first + d - 1) % 7] === true;
          if (dayOr ? domMatch || dowMatch : domMatch && dowMatch) mask |= 1 << (d - 1);
        }
        this.dayMasks[(dim - 28) * 7 + first] = mask;
      }
    }
    // A schedule that never fires is a mistake (`0 0 30 2 *`). Every (month length, weekday of the 1st) pair
    // occurs for every month within 400 years, so this check is exact.
    const satisfiable = this.fields.months.some((m) =>
      (m === 2 ? [28, 29] : [daysInMonth(2001, m)]).some((dim) =>
        [0, 1, 2, 3, 4, 5, 6].some((first) => this.dayMasks[(dim - 28) * 7 + first] !== 0),
      ),
    );
    if (!satisfiable) {
      const monthNames = this.fields.months.map((m) => MONTH_NAMES[m - 1]).join(',');
      throw new ScheduleError(
        'day-of-month',
        `day-of-month field: ${dom.values.flatMap((on, d) => (on ? [d] : [])).join(',')} never occurs in the selected months (${monthNames})`,
      );
    }
  }

  private dayMask(y: number, m: number, firstDay: number): number {
    return this.dayMasks[(daysInMonth(y, m) - 28) * 7 + weekday(firstDay)]!;
  }

  /** The earliest matching wall reading (naive ms, whole minute) at or after `wall` (a whole minute). */
  nextWall(wall: number): number {
    const days = Math.floor(wall / DAY_MS);
    const ofDay = wall - days * DAY_MS;
    let h = Math.floor(ofDay / HOUR_MS);
    let mi = Math.floor((ofDay - h * HOUR_MS) / MINUTE_MS);
    const civil = civilFromDays(days, this.scratch);
    let y = civil.y;
    let mo = civil.m;
    let d = civil.d;
    const lastYear = y + MAX_YEARS_SEARCHED;
    while (y <= lastYear) {
      const nm = this.nextMonth[mo]!;
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
      const first = daysFromCivil(y, mo, 1);
      const mask = this.dayMask(y, mo, first) & (-1 << (d - 1)); // d <= 32; bit 31 is never set
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
      const nh = this.nextHour[h]!;
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
      const nmi = this.nextMinute[mi]!;
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
    const civil = civilFromDays(days, this.scratch);
    let y = civil.y;
    let mo = civil.m;
    let d = civil.d;
    const firstYear = y - MAX_YEARS_SEARCHED;
    while (y >= firstYear) {
      const pm = mo > 0 ? this.prevMonth[mo]! : -1;
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
      const dim = daysInMonth(y, mo);
      if (d > dim) {
        d = dim;
        h = 23;
        mi = 59;
      }
      const first = daysFromCivil(y, mo, 1);
      const mask = this.dayMask(y, mo, first) & (d >= 31 ? 0x7fffffff : (1 << d) - 1);
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
      const ph = this.prevHour[h]!;
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
      const pmi = this.prevMinute[mi]!;
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
