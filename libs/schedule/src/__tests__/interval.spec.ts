import { parseSchedule, ScheduleRegistry, type IntervalUnit } from '..';
import fc from 'fast-check';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** Reference: slot k by stepping k times from the anchor with Date (month arithmetic clamped to the month's end). */
function referenceSlot(anchor: number, value: number, unit: IntervalUnit, k: number): number {
  const fixed: Partial<Record<IntervalUnit, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };
  if (fixed[unit] !== undefined) return anchor + k * value * fixed[unit];
  const a = new Date(anchor);
  const months = a.getUTCMonth() + k * value * (unit === 'year' ? 12 : 1);
  const lastDay = new Date(Date.UTC(a.getUTCFullYear(), months + 1, 0)).getUTCDate();
  return Date.UTC(a.getUTCFullYear(), months, Math.min(a.getUTCDate(), lastDay), a.getUTCHours(), a.getUTCMinutes());
}

describe('interval schedules', () => {
  it('steps fixed lengths from the anchor, truncated to the minute', () => {
    const s = parseSchedule({ type: 'interval', value: 90, unit: 'minute', anchor: at('2026-01-01T00:00:30.500Z') });
    expect(s.spec).toEqual({ type: 'interval', value: 90, unit: 'minute', anchor: at('2026-01-01T00:00:00Z') });
    expect(iso(s.nextAfter(at('2026-01-01T00:00:00Z')))).toBe('2026-01-01T01:30:00.000Z');
    expect(iso(s.nextAfter(at('2026-01-01T01:29:59.999Z')))).toBe('2026-01-01T01:30:00.000Z');
    expect(iso(s.slotAtOrBefore(at('2026-01-01T01:30:00Z')))).toBe('2026-01-01T01:30:00.000Z');
    expect(iso(s.slotAtOrBefore(at('2026-01-01T01:29:59Z')))).toBe('2026-01-01T00:00:00.000Z');
  });

  it('has no slot before the anchor', () => {
    const s = parseSchedule({ type: 'interval', value: 1, unit: 'day', anchor: at('2026-03-01T12:00:00Z') });
    expect(s.slotAtOrBefore(at('2026-03-01T11:59:59Z'))).toBeNull();
    expect(iso(s.nextAfter(at('2020-01-01T00:00:00Z')))).toBe('2026-03-01T12:00:00.000Z');
  });

  it('anchors at the epoch by default: hourly intervals land on the UTC hour', () => {
    const s = parseSchedule({ type: 'interval', value: 1, unit: 'hour' });
    expect(iso(s.nextAfter(at('2026-05-05T10:20:00Z')))).toBe('2026-05-05T11:00:00.000Z');
  });

  it('days are 24 hours regardless of time zones', () => {
    const s = parseSchedule({ type: 'interval', value: 1, unit: 'day', anchor: at('2026-03-07T07:00:00Z') });
    expect([...s.slotsBetween(at('2026-03-07T07:00:00Z'), at('2026-03-09T07:00:00Z'))].map(iso)).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T07:00:00.000Z',
    ]);
  });

  it('clamps calendar months to the end of the month, counted from the anchor each time (no drift)', () => {
    const s = parseSchedule({ type: 'interval', value: 1, unit: 'month', anchor: at('2026-01-31T10:00:00Z') });
    expect([...s.slotsBetween(at('2026-01-31T10:00:00Z'), at('2026-06-01T00:00:00Z'))].map(iso)).toEqual([
      '2026-02-28T10:00:00.000Z',
      '2026-03-31T10:00:00.000Z',
      '2026-04-30T10:00:00.000Z',
      '2026-05-31T10:00:00.000Z',
    ]);
    const leap = parseSchedule({ type: 'interval', value: 1, unit: 'month', anchor: at('2028-01-31T00:00:00Z') });
    expect(iso(leap.nextAfter(at('2028-01-31T00:00:00Z')))).toBe('2028-02-29T00:00:00.000Z');
  });

  it('years keep Feb 29 in leap years and use Feb 28 in common years', () => {
    const s = parseSchedule({ type: 'interval', value: 1, unit: 'year', anchor: at('2024-02-29T08:00:00Z') });
    expect([...s.slotsBetween(at('2024-02-29T08:00:00Z'), at('2028-12-31T00:00:00Z'))].map(iso)).toEqual([
      '2025-02-28T08:00:00.000Z',
      '2026-02-28T08:00:00.000Z',
      '2027-02-28T08:00:00.000Z',
      '2028-02-29T08:00:00.000Z',
    ]);
    expect(iso(s.slotAtOrBefore(at('2025-02-28T07:59:00Z')))).toBe('2024-02-29T08:00:00.000Z');
  });

  it('agrees with a stepping reference for random intervals, anchors and instants', () => {
    const units: IntervalUnit[] = ['minute', 'hour', 'day', 'week', 'month', 'year'];
    fc.assert(
      fc.property(
        fc.constantFrom(...units),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 60 * 365 * 1440 }).map((m) => m * 60_000), // anchor: whole minutes, 1970-2030
        fc.integer({ min: -1e9, max: 3e12 }), // query offset from the anchor
        (unit, value, anchor, delta) => {
          const s = parseSchedule({ type: 'interval', value, unit, anchor });
          const t = anchor + delta;
          // Find k with slot(k) <= t < slot(k + 1) by stepping the reference.
          let k = -1;
          const span = referenceSlot(anchor, value, unit, 1) - anchor;
          let guess = Math.max(-1, Math.floor(delta / span) - 2);
          while (referenceSlot(anchor, value, unit, guess + 1) <= t) guess++;
          while (guess >= 0 && referenceSlot(anchor, value, unit, guess) > t) guess--;
          k = guess;
          expect(s.slotAtOrBefore(t)).toBe(k < 0 ? null : referenceSlot(anchor, value, unit, k));
          expect(s.nextAfter(t)).toBe(referenceSlot(anchor, value, unit, k + 1));
        },
      ),
      { seed: 20260401, numRuns: 500 },
    );
  });
});

describe('exact intervals (Healthchecks period and grace)', () => {
  it('run from the exact instant of the counted check-in, with no early tolerance; crontabs and months are not affected', () => {
    const registry = new ScheduleRegistry();
    const exact = registry.rule({ type: 'interval', value: 1, unit: 'minute' }, { exactIntervals: true });
    const minute = registry.rule({ type: 'interval', value: 1, unit: 'minute' });
    expect(exact.key).toBe('interval|1|minute|exact');
    expect(minute.key).toBe('interval|1|minute');
    const ping = at('2026-01-01T00:00:41.250Z');
    expect(exact.creditFor(ping, NaN)).toBe(ping);
    expect(exact.nextAfter(ping, ping)).toBe(ping + 60_000);
    expect(exact.earlyTolerance(ping + 60_000, ping)).toBe(0);
    // 10 s before the next slot is not rounded up to it.
    expect(exact.creditFor(ping + 50_000, ping)).toBe(ping + 50_000);
    expect(minute.creditFor(ping, NaN)).toBe(at('2026-01-01T00:00:00Z'));
    expect(registry.rule({ type: 'interval', value: 1, unit: 'month' }, { exactIntervals: true }).key).toBe('interval|1|month');
    expect(registry.rule({ type: 'crontab', value: '* * * * *', timezone: 'UTC' }, { exactIntervals: true }).key).toBe('crontab|UTC|* * * * *');
  });
});
