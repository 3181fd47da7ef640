import { parseSchedule } from '..';
import fc from 'fast-check';
import { firstAfter, lastAtOrBefore, oracleSlots } from './oracle';
import { windowsFor, ZONES } from './windows';

const HOUR = 3_600_000;

/** Random crontab fields: stars, steps, values, ranges, lists and names, biased towards matching often. */
function field(min: number, max: number, names: readonly string[] = []): fc.Arbitrary<string> {
  const value = fc.integer({ min, max });
  const token = names.length
    ? fc.oneof(
        value.map(String),
        fc.integer({ min: 0, max: names.length - 1 }).map((i) => names[i]!),
      )
    : value.map(String);
  const range = fc.tuple(value, value).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`);
  const named = names.length
    ? fc
        .tuple(fc.integer({ min: 0, max: names.length - 1 }), fc.integer({ min: 0, max: names.length - 1 }))
        .map(([a, b]) => `${names[Math.min(a, b)]}-${names[Math.max(a, b)]}`)
    : range;
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant('*') },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: Math.min(20, max - min + 1) }).map((s) => `*/${s}`) },
    { weight: 2, arbitrary: token },
    { weight: 1, arbitrary: range },
    { weight: 1, arbitrary: named },
    { weight: 1, arbitrary: fc.tuple(range, fc.integer({ min: 1, max: 7 })).map(([r, s]) => `${r}/${s}`) },
    { weight: 1, arbitrary: fc.uniqueArray(token, { minLength: 2, maxLength: 4 }).map((l) => l.join(',')) },
  );
}
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const expression = fc
  .tuple(
    field(0, 59),
    field(0, 23),
    field(1, 31),
    fc.oneof({ weight: 5, arbitrary: fc.constant('*') }, { weight: 1, arbitrary: field(1, 12, MONTHS) }),
    field(0, 7, DAYS),
  )
  .map((f) => f.join(' '))
  .filter((e) => {
    try {
      parseSchedule({ type: 'crontab', value: e, timezone: 'UTC' });
      return true;
    } catch {
      return false; // e.g. 31 in February only
    }
  });

/** Instants in 2025-2027, half of them within three hours of an offset transition. */
function instant(zone: string): fc.Arbitrary<number> {
  const near = windowsFor(zone).flatMap((w) => w.transitions);
  const uniform = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) });
  if (near.length === 0) return uniform;
  return fc.oneof(
    uniform,
    fc.tuple(fc.constantFrom(...near), fc.integer({ min: -3 * HOUR, max: 3 * HOUR })).map(([t, d]) => t + d),
  );
}
const case_ = fc.constantFrom(...ZONES).chain((zone) => fc.tuple(fc.constant(zone), expression, instant(zone)));

describe('properties (seeded)', () => {
  it('nextAfter and slotAtOrBefore agree with the oracle within 4 hours of random instants', () => {
    fc.assert(
      fc.property(case_, ([zone, expr, t]) => {
        const schedule = parseSchedule({ type: 'crontab', value: expr, timezone: zone });
        const from = t - 4 * HOUR;
        const to = t + 4 * HOUR;
        const expected = oracleSlots(expr, zone, from, to, 2 * HOUR);
        const next = schedule.nextAfter(t);
        const wantNext = firstAfter(expected, t);
        if (wantNext === undefined) expect(next).toBeGreaterThan(to);
        else expect(next).toBe(wantNext);
        const prev = schedule.slotAtOrBefore(t);
        const wantPrev = lastAtOrBefore(expected, t);
        if (wantPrev === undefined) expect(prev === null || prev < from).toBe(true);
        else expect(prev).toBe(wantPrev);
      }),
      { seed: 4242, numRuns: 120 },
    );
  });

  it('slots are whole minutes, and nextAfter and slotAtOrBefore are consistent, from 1990 to 2060', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES, 'America/Sao_Paulo', 'Asia/Tehran', 'Pacific/Apia', 'Africa/Casablanca'),
        expression,
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
        (zone, expr, t) => {
          const s = parseSchedule({ type: 'crontab', value: expr, timezone: zone });
          const next = s.nextAfter(t);
          expect(next).toBeGreaterThan(t);
          expect(next % 60_000 === 0).toBe(true);
          expect(s.slotAtOrBefore(next)).toBe(next);
          const prev = s.slotAtOrBefore(t)!;
          expect(prev).toBeLessThanOrEqual(t);
          expect(prev % 60_000 === 0).toBe(true);
          // Nothing between prev and next: the slot after prev is next unless t itself is a slot.
          expect(s.slotAtOrBefore(next - 1)).toBe(prev);
          expect(s.nextAfter(prev)).toBe(next);
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});
