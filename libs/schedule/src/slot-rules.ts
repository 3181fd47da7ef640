import { IntervalSchedule, parseSchedule, type IntervalUnit, type Schedule, type ScheduleSpec } from './schedule';

const MINUTE_MS = 60_000;

/** Largest early arrival that still counts for the coming slot (clock skew, a job started by a fast clock). */
export const MAX_EARLY_TOLERANCE_MS = 60_000;

/**
 * Where a track's expected slots are. Crontab slots are absolute (wall times in the zone, from
 * `@vigil/schedule`). Interval slots are relative, as in Sentry and Healthchecks: every period from the
 * instant the last counted check-in was credited at (`anchor`), never from the epoch: a daily ping at 03:00
 * expects the next one at 03:00 the next day. Rules are immutable and shared by every track that uses the
 * same expression and zone (see `ScheduleRegistry`).
 */
export interface SlotRule {
  /** `crontab|<zone>|<expression>`, `interval|<value>|<unit>` or `interval|<value>|<unit>|exact`. */
  readonly key: string;
  readonly kind: 'crontab' | 'interval';
  /** The first slot strictly after t (Infinity if none, e.g. an interval without an anchor). */
  nextAfter(t: number, anchor: number): number;
  /** The latest slot at or before t, or null. */
  slotAtOrBefore(t: number, anchor: number): number | null;
  /**
   * How early a check-in may arrive and still count for `slot`: half the gap to the previous slot, at most
   * `MAX_EARLY_TOLERANCE_MS`. Slots are whole minutes apart, so this is 30 to 60 seconds (0 for an exact
   * interval, where every check-in starts the period again).
   */
  earlyTolerance(slot: number, anchor: number): number;
  /**
   * The instant a check-in received at `r` is credited at: the slot it belongs to. For a crontab, the coming
   * slot when r is within its early tolerance, else the latest slot at or before r. For an interval, the
   * coming slot when within tolerance, else r itself truncated to the minute (it re-anchors the interval); for
   * an exact interval, r itself.
   */
  creditFor(r: number, anchor: number): number;
}

function tolerance(gapMs: number): number {
  return Math.min(MAX_EARLY_TOLERANCE_MS, Math.floor(gapMs / 2));
}

class CrontabRule implements SlotRule {
  readonly kind = 'crontab';
  constructor(
    readonly key: string,
    private readonly schedule: Schedule,
  ) {}

  nextAfter(t: number): number {
    return this.schedule.nextAfter(t);
  }

  slotAtOrBefore(t: number): number | null {
    return this.schedule.slotAtOrBefore(t);
  }

  earlyTolerance(slot: number): number {
    const previous = this.schedule.slotAtOrBefore(slot - 1);
    return previous === null ? MAX_EARLY_TOLERANCE_MS : tolerance(slot - previous);
  }

  creditFor(r: number): number {
    const next = this.schedule.nextAfter(r);
    // No next slot at all (a wildcard expression every match of which DST skips): nothing to be early for.
    if (Number.isFinite(next) && next - r <= this.earlyTolerance(next)) return next;
    return this.schedule.slotAtOrBefore(r) ?? r;
  }
}

/** Minutes, hours, days, weeks: fixed lengths of time from the anchor. */
class FixedIntervalRule implements SlotRule {
  readonly kind = 'interval';
  constructor(
    readonly key: string,
    private readonly periodMs: number,
  ) {}

  nextAfter(t: number, anchor: number): number {
    if (Number.isNaN(anchor)) return Infinity;
    if (t < anchor) return anchor;
    return anchor + (Math.floor((t - anchor) / this.periodMs) + 1) * this.periodMs;
  }

  slotAtOrBefore(t: number, anchor: number): number | null {
    if (Number.isNaN(anchor) || t < anchor) return null;
    return anchor + Math.floor((t - anchor) / this.periodMs) * this.periodMs;
  }

  earlyTolerance(): number {
    return tolerance(this.periodMs);
  }

  creditFor(r: number, anchor: number): number {
    const next = this.nextAfter(r, anchor);
    if (next - r <= tolerance(this.periodMs)) return next;
    return Math.floor(r / MINUTE_MS) * MINUTE_MS;
  }
}

/**
 * Healthchecks' period and grace: every counted check-in re-anchors the interval at its exact instant (to the
 * millisecond, no minute truncation, no early tolerance), so the next slot is the check-in plus the period:
 * Healthchecks' `last_ping + timeout`. An early check-in simply moves the next slot earlier, as there.
 */
class ExactIntervalRule implements SlotRule {
  readonly kind = 'interval';
  private readonly fixed: FixedIntervalRule;

  constructor(
    readonly key: string,
    periodMs: number,
  ) {
    this.fixed = new FixedIntervalRule(key, periodMs);
  }

  nextAfter(t: number, anchor: number): number {
    return this.fixed.nextAfter(t, anchor);
  }

  slotAtOrBefore(t: number, anchor: number): number | null {
    return this.fixed.slotAtOrBefore(t, anchor);
  }

  earlyTolerance(): number {
    return 0;
  }

  creditFor(r: number): number {
    return r;
  }
}

/** Months and years: calendar months in UTC from the anchor (`IntervalSchedule`'s rules). */
class CalendarIntervalRule implements SlotRule {
  readonly kind = 'interval';
  /** The schedule of the last anchor asked about: tracks are evaluated one at a time, so this hits mostly. */
  private cached: IntervalSchedule | null = null;

  constructor(
    readonly key: string,
    private readonly value: number,
    private readonly unit: IntervalUnit,
  ) {}

  private at(anchor: number): IntervalSchedule {
    if (this.cached?.spec.anchor !== anchor) this.cached = new IntervalSchedule({ type: 'interval', value: this.value, unit: this.unit, anchor });
    return this.cached;
  }

  nextAfter(t: number, anchor: number): number {
    return Number.isNaN(anchor) ? Infinity : this.at(anchor).nextAfter(t);
  }

  slotAtOrBefore(t: number, anchor: number): number | null {
    return Number.isNaN(anchor) ? null : this.at(anchor).slotAtOrBefore(t);
  }

  earlyTolerance(slot: number, anchor: number): number {
    const previous = this.slotAtOrBefore(slot - 1, anchor);
    return previous === null ? MAX_EARLY_TOLERANCE_MS : tolerance(slot - previous);
  }

  creditFor(r: number, anchor: number): number {
    const next = this.nextAfter(r, anchor);
    if (next !== Infinity && next - r <= this.earlyTolerance(next, anchor)) return next;
    return Math.floor(r / MINUTE_MS) * MINUTE_MS;
  }
}

const FIXED_UNIT_MS: Partial<Record<IntervalUnit, number>> = {
  minute: MINUTE_MS,
  hour: 60 * MINUTE_MS,
  day: 24 * 60 * MINUTE_MS,
  week: 7 * 24 * 60 * MINUTE_MS,
};

/**
 * The interning key of a schedule: monitors with the same expression and zone share one parsed rule. Built with
 * join, which makes one flat string: a template literal makes a tree of string pieces that the registry (and
 * every track, which holds its rule's key) would keep alive, about 110 bytes more per distinct schedule.
 */
export function scheduleKey(spec: ScheduleSpec, options: RuleOptions = {}): string {
  if (spec.type === 'crontab') return ['crontab', spec.timezone, String(spec.value).trim().replace(/\s+/g, ' ')].join('|');
  return exactInterval(spec, options) ? ['interval', spec.value, spec.unit, 'exact'].join('|') : ['interval', spec.value, spec.unit].join('|');
}

export interface RuleOptions {
  /**
   * Healthchecks' period and grace (`ExactIntervalRule`): an interval of minutes, hours, days or weeks runs from
   * the exact instant of the last counted check-in. Ignored for crontabs (minute slots) and for months and
   * years (calendar slots at a whole minute).
   */
  exactIntervals?: boolean;
}

function exactInterval(spec: ScheduleSpec, options: RuleOptions): boolean {
  return options.exactIntervals === true && spec.type === 'interval' && FIXED_UNIT_MS[spec.unit] !== undefined;
}

/**
 * Parsed schedules interned by (expression, zone) or (value, unit): 1M tracks hold a pointer each, not a
 * parsed schedule each. Invalid specs throw `ScheduleError` (from `parseSchedule`) and are not cached.
 */
export class ScheduleRegistry {
  private readonly rules = new Map<string, SlotRule>();

  get size(): number {
    return this.rules.size;
  }

  rule(spec: ScheduleSpec, options: RuleOptions = {}): SlotRule {
    const key = scheduleKey(spec, options);
    const known = this.rules.get(key);
    if (known) return known;
    // Validates everything (an interval's value and unit too), then builds the shared rule.
    const schedule = parseSchedule(spec.type === 'interval' ? { ...spec, anchor: 0 } : spec);
    let rule: SlotRule;
    if (spec.type === 'crontab') {
      rule = new CrontabRule(key, schedule);
    } else {
      const unitMs = FIXED_UNIT_MS[spec.unit];
      if (unitMs === undefined) rule = new CalendarIntervalRule(key, spec.value, spec.unit);
      else rule = exactInterval(spec, options) ? new ExactIntervalRule(key, spec.value * unitMs) : new FixedIntervalRule(key, spec.value * unitMs);
    }
    this.rules.set(key, rule);
    return rule;
  }
}
