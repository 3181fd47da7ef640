// A deliberately naive reference for crontab schedules, independent of the engine: its own tiny parser, and for
// every UTC minute the wall-clock reading from Intl, checked field by field. The DST rules (Debian cron's) are
// stated directly:
// - fixed-time expressions (neither the minute nor the hour field starts with `*`): a minute u is a slot if some
//   matching wall time W lies in (highest wall time shown before u, wall(u)]; so a wall time skipped by a forward
//   jump fires at the first instant after the gap, and a wall time shown twice (fall-back) fires only the first
//   time, because the second time it is not above the highest shown;
// - wildcard expressions: a minute u is a slot if its own wall reading matches (skipped times never, repeated
//   times twice).

const MINUTE = 60_000;

export interface OracleCron {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  domStar: boolean;
  dowStar: boolean;
  /** `L`, `LW` in the day of month; `w#n` as w * 10 + n and `wL` as w in the day of week. */
  domLast: boolean;
  domLastWeekday: boolean;
  dowNth: Set<number>;
  dowLast: Set<number>;
  wildcard: boolean;
}

/** Written out here, apart from the engine's table, so an oracle never shares a mistake with what it checks. */
export const ORACLE_ALIASES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const NAMES: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

function expand(field: string, lo: number, hi: number, names: Record<string, number>, special: (part: string) => boolean = () => false): Set<number> {
  const out = new Set<number>();
  const num = (s: string) => (s.toLowerCase() in names ? names[s.toLowerCase()]! : Number(s));
  for (const part of field.split(',')) {
    if (special(part)) continue;
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText ? Number(stepText) : 1;
    let a: number;
    let b: number;
    if (range === '*') [a, b] = [lo, hi];
    else if (range.includes('-')) [a, b] = range.split('-').map(num) as [number, number];
    else [a, b] = [num(range), stepText ? hi : num(range)];
    for (let v = a; v <= b; v += step) out.add(v);
  }
  return out;
}

export function oracleParse(expression: string): OracleCron {
  const text = ORACLE_ALIASES[expression.trim().toLowerCase()] ?? expression.trim();
  const [mi, h, dom, mon, dow] = text.toUpperCase().split(/\s+/) as [string, string, string, string, string];
  let domLast = false;
  let domLastWeekday = false;
  const dowNth = new Set<number>();
  const dowLast = new Set<number>();
  const domSet = expand(dom, 1, 31, {}, (part) => {
    const base = part.split('/')[0];
    if (base === 'L') domLast = true;
    else if (base === 'LW') domLastWeekday = true;
    else return false;
    return true;
  });
  const dowSet = expand(dow, 0, 7, DAYS, (part) => {
    const hash = /^(\w+)#(\d+)$/.exec(part);
    if (hash) dowNth.add((DAYS[hash[1]!.toLowerCase()] ?? Number(hash[1]) % 7) * 10 + Number(hash[2]));
    else if (/^\d+L$/.test(part)) dowLast.add(Number(part.slice(0, -1)) % 7);
    else return false;
    return true;
  });
  if (dowSet.has(7)) dowSet.add(0);
  return {
    minute: expand(mi, 0, 59, {}),
    hour: expand(h, 0, 23, {}),
    dom: domSet,
    month: expand(mon, 1, 12, NAMES),
    dow: dowSet,
    domStar: dom.startsWith('*'),
    dowStar: dow.startsWith('*'),
    domLast,
    domLastWeekday,
    dowNth,
    dowLast,
    wildcard: mi.startsWith('*') || h.startsWith('*'),
  };
}

const formats = new Map<string, Intl.DateTimeFormat>();
const walls = new Map<string, Map<number, WallFields>>();

/** A wall-clock reading: naive ms (Date.UTC of the local fields) and the fields a crontab looks at. */
export interface WallFields {
  naive: number;
  minute: number;
  hour: number;
  dom: number;
  month: number;
  dow: number;
  /** Days in the month. */
  dim: number;
}

function fieldsOf(naive: number): WallFields {
  const d = new Date(naive);
  const dim = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return { naive, minute: d.getUTCMinutes(), hour: d.getUTCHours(), dom: d.getUTCDate(), month: d.getUTCMonth() + 1, dow: d.getUTCDay(), dim };
}

/** Wall reading of UTC minute u in zone, from Intl, memoised. */
export function wallOf(zone: string, u: number): WallFields {
  let memo = walls.get(zone);
  if (!memo) walls.set(zone, (memo = new Map<number, WallFields>()));
  const hit = memo.get(u);
  if (hit !== undefined) return hit;
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formats.set(zone, format);
  }
  const m = /^(\d\d)\/(\d\d)\/(\d+), (\d\d):(\d\d)$/.exec(format.format(u));
  if (!m) throw new Error(`unexpected Intl output ${format.format(u)}`);
  const wall = fieldsOf(Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5])));
  memo.set(u, wall);
  return wall;
}

/** Whether a wall reading matches, with Vixie's day rule. */
export function oracleMatches(cron: OracleCron, wall: WallFields): boolean {
  if (!cron.minute.has(wall.minute) || !cron.hour.has(wall.hour) || !cron.month.has(wall.month)) return false;
  const lastDow = (wall.dow + wall.dim - wall.dom) % 7; // weekday of the month's last day
  const lastWeekday = wall.dim - (lastDow === 6 ? 1 : lastDow === 0 ? 2 : 0);
  const domOk = cron.dom.has(wall.dom) || (cron.domLast && wall.dom === wall.dim) || (cron.domLastWeekday && wall.dom === lastWeekday);
  const dowOk = cron.dow.has(wall.dow) || cron.dowNth.has(wall.dow * 10 + Math.ceil(wall.dom / 7)) || (cron.dowLast.has(wall.dow) && wall.dom + 7 > wall.dim);
  return !cron.domStar && !cron.dowStar ? domOk || dowOk : domOk && dowOk;
}

/** All slots in [from, to] (epoch ms; from and to need not be whole minutes), scanning every minute. */
export function oracleSlots(expression: string, zone: string, from: number, to: number, warmupMs = 6 * 3_600_000): number[] {
  const cron = oracleParse(expression);
  const slots: number[] = [];
  let u = Math.floor((from - warmupMs) / MINUTE) * MINUTE;
  let highest = wallOf(zone, u).naive;
  for (u += MINUTE; u <= to; u += MINUTE) {
    const wall = wallOf(zone, u);
    if (cron.wildcard) {
      if (u >= from && oracleMatches(cron, wall)) slots.push(u);
    } else if (wall.naive > highest) {
      // Every wall minute in (highest, wall] is shown for the first time now: more than one after a gap.
      let fires = oracleMatches(cron, wall);
      for (let w = highest + MINUTE; w < wall.naive && !fires; w += MINUTE) fires = oracleMatches(cron, fieldsOf(w));
      highest = wall.naive;
      if (fires && u >= from) slots.push(u);
    }
  }
  return slots;
}

/** UTC offset transitions of a zone in [from, to), scanning daily, then hourly, then minute by minute (not memoised). */
export function transitions(zone: string, from: number, to: number): number[] {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const offset = (u: number) => {
    const m = /^(\d\d)\/(\d\d)\/(\d+), (\d\d):(\d\d)$/.exec(format.format(u))!;
    return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5])) - u;
  };
  const first = (lo: number, hi: number, step: number) => {
    for (let u = lo + step; u <= hi; u += step) if (offset(u) !== offset(lo)) return u;
    throw new Error('no change');
  };
  const found: number[] = [];
  const DAY = 86_400_000;
  for (let d = from; d < to; d += DAY) {
    if (offset(d) !== offset(d + DAY)) {
      const hour = first(d, d + DAY, 3_600_000);
      found.push(first(hour - 3_600_000, hour, MINUTE));
    }
  }
  return found;
}

/** The first element > t, or undefined. */
export function firstAfter(sorted: number[], t: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! > t) hi = mid;
    else lo = mid + 1;
  }
  return sorted[lo];
}

/** The last element <= t, or undefined. */
export function lastAtOrBefore(sorted: number[], t: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! > t) hi = mid;
    else lo = mid + 1;
  }
  return lo > 0 ? sorted[lo - 1] : undefined;
}
