import { parseSchedule } from '..';
import { firstAfter, lastAtOrBefore, oracleSlots } from './oracle';
import { EXPRESSIONS, queryPoints, windowsFor, ZONES } from './windows';

const iso = (t: number | null | undefined) => (t == null ? String(t) : new Date(t).toISOString());

describe('crontab engine against the minute-by-minute oracle, around every offset transition of 2025-2027', () => {
  it('finds the transitions the windows are built on', () => {
    expect(windowsFor('America/New_York')).toHaveLength(6 + 2);
    expect(windowsFor('Europe/Berlin')).toHaveLength(6 + 2);
    expect(windowsFor('Australia/Lord_Howe')).toHaveLength(6 + 2);
    expect(windowsFor('Pacific/Chatham')).toHaveLength(6 + 2);
    expect(windowsFor('Asia/Kolkata')).toHaveLength(2);
    expect(windowsFor('UTC')).toHaveLength(2);
  });

  describe.each(ZONES)('%s', (zone) => {
    it.each(EXPRESSIONS)('%s', (expression) => {
      const schedule = parseSchedule({ type: 'crontab', value: expression, timezone: zone });
      const mismatches: string[] = [];
      for (const window of windowsFor(zone)) {
        const expected = oracleSlots(expression, zone, window.from, window.to);
        const actual = [...schedule.slotsBetween(window.from - 1, window.to)];
        if (actual.join() !== expected.join()) {
          mismatches.push(`${window.label}: slots ${actual.map(iso).join(' ')} != oracle ${expected.map(iso).join(' ')}`);
          continue;
        }
        for (const q of queryPoints(window, expected)) {
          const next = schedule.nextAfter(q);
          const wantNext = firstAfter(expected, q);
          if (wantNext !== undefined ? next !== wantNext : next <= window.to) {
            mismatches.push(`${window.label}: nextAfter(${iso(q)}) = ${iso(next)}, oracle ${iso(wantNext)}`);
          }
          const prev = schedule.slotAtOrBefore(q);
          const wantPrev = lastAtOrBefore(expected, q);
          if (wantPrev !== undefined ? prev !== wantPrev : prev === null || prev >= window.from) {
            mismatches.push(`${window.label}: slotAtOrBefore(${iso(q)}) = ${iso(prev)}, oracle ${iso(wantPrev)}`);
          }
        }
      }
      expect(mismatches.slice(0, 10)).toEqual([]);
    });
  });
});
