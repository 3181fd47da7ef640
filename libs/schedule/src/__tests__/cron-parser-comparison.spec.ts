import { parseSchedule } from '..';
import { CronExpressionParser } from 'cron-parser';
import { oracleSlots } from './oracle';
import { EXPRESSIONS, windowsFor, ZONES } from './windows';

// The same oracle run against cron-parser 5 (the library the design card names). Each case asserts what
// cron-parser returns today AND what the engine we ship returns, which is the oracle's answer. If a cron-parser
// upgrade changes one of these, the test fails and docs/decisions/0004-schedule-engine.md should be revisited.

const at = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

function cronParser(expression: string, tz: string, from: string, count: number, direction: 'next' | 'prev' = 'next'): string[] {
  const iterator = CronExpressionParser.parse(expression, { tz, currentDate: new Date(at(from)) });
  return Array.from({ length: count }, () => iso(iterator[direction]().getTime()));
}
function ours(expression: string, tz: string, from: string, count: number, direction: 'next' | 'prev' = 'next'): string[] {
  const schedule = parseSchedule({ type: 'crontab', value: expression, timezone: tz });
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < count; i++) {
    t = direction === 'next' ? schedule.nextAfter(t) : schedule.slotAtOrBefore(t - 1)!;
    out.push(iso(t));
  }
  return out;
}
function oracle(expression: string, tz: string, from: string, count: number): string[] {
  return oracleSlots(expression, tz, at(from) + 1, at(from) + 2 * 86_400_000)
    .slice(0, count)
    .map(iso);
}

describe('where cron-parser 5 disagrees with the DST rules (and the engine does not)', () => {
  it('spring-forward, New York: 30 2 * * * runs at 03:30 EDT instead of 03:00', () => {
    expect(cronParser('30 2 * * *', 'America/New_York', '2025-03-09T05:00:00Z', 2)).toEqual(['2025-03-09T07:30:00.000Z', '2025-03-10T06:30:00.000Z']);
    expect(ours('30 2 * * *', 'America/New_York', '2025-03-09T05:00:00Z', 2)).toEqual(['2025-03-09T07:00:00.000Z', '2025-03-10T06:30:00.000Z']);
    expect(oracle('30 2 * * *', 'America/New_York', '2025-03-09T05:00:00Z', 2)).toEqual(ours('30 2 * * *', 'America/New_York', '2025-03-09T05:00:00Z', 2));
  });

  it('spring-forward, New York: 1-30/5 2 * * * runs six times (03:01-03:26 EDT) instead of once at 03:00', () => {
    expect(cronParser('1-30/5 2 * * *', 'America/New_York', '2025-03-09T05:00:00Z', 3)).toEqual([
      '2025-03-09T07:01:00.000Z',
      '2025-03-09T07:06:00.000Z',
      '2025-03-09T07:11:00.000Z',
    ]);
    expect(ours('1-30/5 2 * * *', 'America/New_York', '2025-03-09T05:00:00Z', 2)).toEqual(['2025-03-09T07:00:00.000Z', '2025-03-10T06:01:00.000Z']);
  });

  it('fall-back, New York: @hourly runs 01:00 twice (EDT and EST), as Debian cron runs a wildcard job (decision 0017)', () => {
    const twice = ['2025-11-02T05:00:00.000Z', '2025-11-02T06:00:00.000Z', '2025-11-02T07:00:00.000Z'];
    expect(cronParser('@hourly', 'America/New_York', '2025-11-02T04:30:00Z', 3)).toEqual(twice);
    expect(ours('@hourly', 'America/New_York', '2025-11-02T04:30:00Z', 3)).toEqual(twice);
    expect(oracle('@hourly', 'America/New_York', '2025-11-02T04:30:00Z', 3)).toEqual(twice);
    expect(cronParser('@hourly', 'America/New_York', '2025-11-02T07:30:00Z', 3, 'prev')).toEqual([
      '2025-11-02T07:00:00.000Z',
      '2025-11-02T06:00:00.000Z',
      '2025-11-02T05:00:00.000Z',
    ]);
    expect(ours('@hourly', 'America/New_York', '2025-11-02T07:30:00Z', 3, 'prev')).toEqual([
      '2025-11-02T07:00:00.000Z',
      '2025-11-02T06:00:00.000Z',
      '2025-11-02T05:00:00.000Z',
    ]);
  });

  it('fall-back, New York: a fixed-time expression runs once', () => {
    expect(cronParser('15 1 * * *', 'America/New_York', '2025-11-02T04:30:00Z', 2)).toEqual(['2025-11-02T05:15:00.000Z', '2025-11-03T06:15:00.000Z']);
    expect(ours('15 1 * * *', 'America/New_York', '2025-11-02T04:30:00Z', 2)).toEqual(['2025-11-02T05:15:00.000Z', '2025-11-03T06:15:00.000Z']);
  });

  it('fall-back, Lord Howe (30-minute shift): next() throws "loop limit exceeded"', () => {
    expect(() => cronParser('@hourly', 'Australia/Lord_Howe', '2025-04-05T14:10:00Z', 3)).toThrow('Invalid expression, loop limit exceeded');
    expect(ours('@hourly', 'Australia/Lord_Howe', '2025-04-05T14:10:00Z', 3)).toEqual([
      '2025-04-05T15:30:00.000Z',
      '2025-04-05T16:30:00.000Z',
      '2025-04-05T17:30:00.000Z',
    ]);
    expect(oracle('@hourly', 'Australia/Lord_Howe', '2025-04-05T14:10:00Z', 3)).toEqual(ours('@hourly', 'Australia/Lord_Howe', '2025-04-05T14:10:00Z', 3));
  });

  it('spring-forward, Lord Howe: 0 2 * * * skips the day instead of running at 02:30', () => {
    expect(cronParser('0 2 * * *', 'Australia/Lord_Howe', '2025-10-04T12:00:00Z', 1)).toEqual(['2025-10-05T15:00:00.000Z']);
    expect(ours('0 2 * * *', 'Australia/Lord_Howe', '2025-10-04T12:00:00Z', 1)).toEqual(['2025-10-04T15:30:00.000Z']);
  });

  it('fall-back, Chatham (+13:45 to +12:45): next() returns an instant BEFORE the current date', () => {
    expect(cronParser('@hourly', 'Pacific/Chatham', '2025-04-05T13:10:00Z', 1)).toEqual(['2025-04-05T12:15:00.000Z']);
    expect(ours('@hourly', 'Pacific/Chatham', '2025-04-05T13:10:00Z', 2)).toEqual(['2025-04-05T13:15:00.000Z', '2025-04-05T14:15:00.000Z']); // 03:00 CHADT, 03:00 CHAST
    expect(oracle('@hourly', 'Pacific/Chatham', '2025-04-05T13:10:00Z', 2)).toEqual(ours('@hourly', 'Pacific/Chatham', '2025-04-05T13:10:00Z', 2));
  });

  it('spring-forward, Chatham: 0 3 * * * runs at 04:00 CHADT instead of 03:45', () => {
    expect(cronParser('0 3 * * *', 'Pacific/Chatham', '2025-09-27T12:00:00Z', 1)).toEqual(['2025-09-27T14:15:00.000Z']);
    expect(ours('0 3 * * *', 'Pacific/Chatham', '2025-09-27T12:00:00Z', 1)).toEqual(['2025-09-27T14:00:00.000Z']);
  });
});

describe('where cron-parser 5 departs from Vixie cron syntax', () => {
  it('rejects 0,7 (both Sunday) as "duplicate values"', () => {
    expect(() => CronExpressionParser.parse('0 0 * * 0,7')).toThrow('duplicate values');
    expect(ours('0 0 * * 0,7', 'UTC', '2025-03-01T00:00:00Z', 1)).toEqual(['2025-03-02T00:00:00.000Z']);
  });

  it('treats a day-of-month starting with * (*/10) as restricted, so days combine by OR instead of AND', () => {
    expect(cronParser('0 0 */10 * 1', 'UTC', '2025-03-01T00:00:00Z', 2)).toEqual(['2025-03-03T00:00:00.000Z', '2025-03-10T00:00:00.000Z']);
    expect(ours('0 0 */10 * 1', 'UTC', '2025-03-01T00:00:00Z', 2)).toEqual(['2025-03-31T00:00:00.000Z', '2025-04-21T00:00:00.000Z']);
  });
});

describe('the whole matrix: cron-parser against the oracle', () => {
  // cron-parser costs 0.1-0.3 ms per next(); the two every-few-minutes expressions are left out to keep this fast.
  const SPARSE = EXPRESSIONS.filter((e) => e !== '* * * * *' && e !== '*/7 * * * *');
  it('disagrees in many windows; the engine in none (see engine-vs-oracle.spec.ts)', () => {
    let compared = 0;
    const disagreements = new Map<string, number>();
    // Two zones keep this to a couple of seconds; Lord Howe is left out because there cron-parser spins ~2 s to
    // its loop limit before throwing (see above). Berlin behaves like New York.
    for (const zone of ZONES.filter((z) => z === 'America/New_York' || z === 'Pacific/Chatham' || z === 'UTC')) {
      for (const expression of SPARSE) {
        for (const window of windowsFor(zone)) {
          const expected = oracleSlots(expression, zone, window.from, window.to).join();
          let actual: string;
          try {
            const iterator = CronExpressionParser.parse(expression, { tz: zone, currentDate: new Date(window.from - 1) });
            const slots: number[] = [];
            for (let slot = iterator.next().getTime(); slot <= window.to && slots.length < 5000; slot = iterator.next().getTime()) slots.push(slot);
            actual = slots.join();
          } catch {
            actual = 'throws';
          }
          compared++;
          if (actual !== expected) disagreements.set(zone, (disagreements.get(zone) ?? 0) + 1);
        }
      }
    }
    // Pinned so that a change in cron-parser shows up here. Windows where cron-parser rejects the syntax or reads
    // it otherwise (0,7; L, LW, 5L and SUN#n, which it reads in its own ways) count as disagreements.
    expect(compared).toBe(SPARSE.length * (8 + 8 + 2));
    expect(Object.fromEntries(disagreements)).toEqual({
      'America/New_York': 45,
      'Pacific/Chatham': 50,
      UTC: 8,
    });
  });
});
