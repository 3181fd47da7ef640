import { parseSchedule } from '..';

// The DST rules stated as concrete examples (each also covered by the oracle comparison).
const at = (iso: string) => Date.parse(iso);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const cron = (value: string, timezone: string) => parseSchedule({ type: 'crontab', value, timezone });
const slots = (value: string, timezone: string, after: string, atOrBefore: string) =>
  [...cron(value, timezone).slotsBetween(at(after), at(atOrBefore))].map(iso);

describe('DST rules', () => {
  it('a wall time skipped by spring-forward runs at the first valid moment after the gap (03:00 EDT)', () => {
    expect(slots('30 2 * * *', 'America/New_York', '2025-03-08T00:00:00Z', '2025-03-11T00:00:00Z')).toEqual([
      '2025-03-08T07:30:00.000Z', // 02:30 EST
      '2025-03-09T07:00:00.000Z', // 02:30 does not exist: 03:00 EDT
      '2025-03-10T06:30:00.000Z', // 02:30 EDT
    ]);
  });

  it('several skipped wall times of a fixed-time expression collapse into one run', () => {
    expect(slots('0,20,40 2 * * *', 'Europe/Berlin', '2025-03-30T00:00:00Z', '2025-03-30T02:00:00Z')).toEqual(['2025-03-30T01:00:00.000Z']);
  });

  it('a wildcard expression (minute or hour starts with *) runs on the new wall clock: a skipped time never runs', () => {
    // The false page this rule removes: `30 * * * *` in New York on spring-forward night is not expected at 03:00 EDT.
    expect(slots('30 * * * *', 'America/New_York', '2026-03-08T05:00:00Z', '2026-03-08T08:00:00Z')).toEqual([
      '2026-03-08T05:30:00.000Z', // 00:30 EST
      '2026-03-08T06:30:00.000Z', // 01:30 EST; 02:30 does not exist
      '2026-03-08T07:30:00.000Z', // 03:30 EDT
    ]);
    expect(slots('*/20 2 * * *', 'Europe/Berlin', '2025-03-29T00:00:00Z', '2025-03-31T02:00:00Z')).toEqual([
      '2025-03-29T01:00:00.000Z',
      '2025-03-29T01:20:00.000Z',
      '2025-03-29T01:40:00.000Z',
      // 2025-03-30: 02:00-02:59 does not exist
      '2025-03-31T00:00:00.000Z',
      '2025-03-31T00:20:00.000Z',
      '2025-03-31T00:40:00.000Z',
    ]);
  });

  it('a repeated wall time runs once for a fixed-time expression, in both occurrences for a wildcard one', () => {
    expect(slots('15 1 * * *', 'America/New_York', '2025-11-01T12:00:00Z', '2025-11-03T12:00:00Z')).toEqual([
      '2025-11-02T05:15:00.000Z', // 01:15 EDT; 01:15 EST (06:15Z) does not run
      '2025-11-03T06:15:00.000Z',
    ]);
    expect(slots('@hourly', 'America/New_York', '2025-11-02T04:30:00Z', '2025-11-02T08:00:00Z')).toEqual([
      '2025-11-02T05:00:00.000Z', // 01:00 EDT
      '2025-11-02T06:00:00.000Z', // 01:00 EST
      '2025-11-02T07:00:00.000Z',
      '2025-11-02T08:00:00.000Z',
    ]);
  });

  it('inside the repeated hour: a fixed-time expression anchors to the first pass, a wildcard one to the wall clock', () => {
    const fixed = cron('0,30 0-3 * * *', 'America/New_York');
    expect(iso(fixed.slotAtOrBefore(at('2025-11-02T06:40:00Z')))).toBe('2025-11-02T05:30:00.000Z'); // 01:40 EST -> 01:30 EDT
    expect(iso(fixed.nextAfter(at('2025-11-02T06:10:00Z')))).toBe('2025-11-02T07:00:00.000Z'); // 01:10 EST -> 02:00 EST
    const wildcard = cron('*/30 * * * *', 'America/New_York');
    expect(iso(wildcard.slotAtOrBefore(at('2025-11-02T06:40:00Z')))).toBe('2025-11-02T06:30:00.000Z'); // 01:30 EST
    expect(iso(wildcard.nextAfter(at('2025-11-02T06:10:00Z')))).toBe('2025-11-02T06:30:00.000Z');
    expect(iso(wildcard.slotAtOrBefore(at('2025-11-02T06:10:00Z')))).toBe('2025-11-02T06:00:00.000Z');
    expect(iso(wildcard.slotAtOrBefore(at('2025-11-02T05:59:59Z')))).toBe('2025-11-02T05:30:00.000Z');
  });

  it('a wildcard expression whose every match is skipped has no slot (within 50 years)', () => {
    // 02:00-02:59 on the second Sunday of March never exists in New York.
    const never = cron('* 2 * 3 SUN#2', 'America/New_York');
    expect(never.nextAfter(at('2026-01-01T00:00:00Z'))).toBe(Infinity);
    expect(never.slotAtOrBefore(at('2060-01-01T00:00:00Z'))).toBeNull();
    // Before 2007 DST began in April, so that hour existed.
    expect(iso(never.slotAtOrBefore(at('2026-01-01T00:00:00Z')))).toBe('2006-03-12T07:59:00.000Z');
    expect(iso(cron('* 2 * 3 SUN#2', 'UTC').nextAfter(at('2026-01-01T00:00:00Z')))).toBe('2026-03-08T02:00:00.000Z');
  });

  it('L, LW, w#n and wL', () => {
    expect(slots('0 12 L * *', 'UTC', '2028-01-01T00:00:00Z', '2028-04-01T00:00:00Z')).toEqual([
      '2028-01-31T12:00:00.000Z',
      '2028-02-29T12:00:00.000Z',
      '2028-03-31T12:00:00.000Z',
    ]);
    // Last weekday: 2026-01-31 is a Saturday, 2026-05-31 a Sunday.
    expect(slots('0 0 LW 1,5,6 *', 'UTC', '2026-01-01T00:00:00Z', '2026-07-01T00:00:00Z')).toEqual([
      '2026-01-30T00:00:00.000Z',
      '2026-05-29T00:00:00.000Z',
      '2026-06-30T00:00:00.000Z',
    ]);
    expect(slots('0 0 * * MON#1,5L', 'UTC', '2026-02-01T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual([
      '2026-02-02T00:00:00.000Z',
      '2026-02-27T00:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
      '2026-03-27T00:00:00.000Z',
    ]);
    // The fifth Sunday exists in few months; OR with the 1st when both day fields are restricted.
    expect(slots('0 0 1 * 0#5', 'UTC', '2026-02-28T00:00:00Z', '2026-05-31T12:00:00Z')).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-29T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
      '2026-05-01T00:00:00.000Z',
      '2026-05-31T00:00:00.000Z',
    ]);
    expect(iso(cron('0 0 * 2 MON#5', 'UTC').nextAfter(at('2026-01-01T00:00:00Z')))).toBe('2044-02-29T00:00:00.000Z');
  });

  it('Lord Howe: 30-minute shifts', () => {
    // 2025-10-05 02:00 LHST (+10:30) jumps to 02:30 LHDT (+11): 02:00 runs at 02:30.
    expect(slots('0 2 * * *', 'Australia/Lord_Howe', '2025-10-03T12:00:00Z', '2025-10-06T00:00:00Z')).toEqual([
      '2025-10-03T15:30:00.000Z',
      '2025-10-04T15:30:00.000Z',
      '2025-10-05T15:00:00.000Z',
    ]);
    // 2025-04-06 02:00 LHDT falls back to 01:30 LHST: 01:30-01:59 repeat and run once, or twice for a wildcard.
    expect(slots('45 1 * * *', 'Australia/Lord_Howe', '2025-04-05T12:00:00Z', '2025-04-06T12:00:00Z')).toEqual(['2025-04-05T14:45:00.000Z']);
    expect(slots('45 * * * *', 'Australia/Lord_Howe', '2025-04-05T13:00:00Z', '2025-04-05T16:00:00Z')).toEqual([
      '2025-04-05T13:45:00.000Z', // 00:45 LHDT
      '2025-04-05T14:45:00.000Z', // 01:45 LHDT
      '2025-04-05T15:15:00.000Z', // 01:45 LHST
    ]);
    // 2025-10-05 02:00 LHST jumps to 02:30 LHDT: for a wildcard, 02:30-02:59 exist and run on the wall clock.
    expect(slots('*/20 2 * * *', 'Australia/Lord_Howe', '2025-10-04T15:00:00Z', '2025-10-04T16:00:00Z')).toEqual(['2025-10-04T15:40:00.000Z']);
  });

  it('Chatham (+12:45/+13:45) and Kolkata (+05:30)', () => {
    expect(slots('0 3 * * *', 'Pacific/Chatham', '2025-09-27T12:00:00Z', '2025-09-28T14:00:00Z')).toEqual([
      '2025-09-27T14:00:00.000Z', // 03:00 skipped (02:45 -> 03:45): runs at 03:45 CHADT
      '2025-09-28T13:15:00.000Z',
    ]);
    expect(slots('0 9 * * 1-5', 'Asia/Kolkata', '2026-01-02T00:00:00Z', '2026-01-06T00:00:00Z')).toEqual([
      '2026-01-02T03:30:00.000Z',
      '2026-01-05T03:30:00.000Z',
    ]);
  });

  it("Vixie's day rule: OR when both day fields are restricted, AND when either starts with *", () => {
    expect(slots('0 0 1,15 * MON', 'UTC', '2026-06-01T00:00:00Z', '2026-06-16T00:00:00Z')).toEqual(['2026-06-08T00:00:00.000Z', '2026-06-15T00:00:00.000Z']);
    expect(slots('0 0 */10 * MON', 'UTC', '2025-03-01T00:00:00Z', '2025-08-01T00:00:00Z')).toEqual([
      '2025-03-31T00:00:00.000Z',
      '2025-04-21T00:00:00.000Z',
      '2025-07-21T00:00:00.000Z',
    ]);
  });

  it('the ends of each field: minutes 29, 30 and 59, the 31st, weekdays OR a day of month', () => {
    expect(slots('59 23 31 * *', 'UTC', '2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z')).toEqual([
      '2026-01-31T23:59:00.000Z',
      '2026-03-31T23:59:00.000Z',
      '2026-05-31T23:59:00.000Z',
    ]);
    expect(iso(cron('0 0 31 * *', 'UTC').slotAtOrBefore(at('2026-05-30T00:00:00Z')))).toBe('2026-03-31T00:00:00.000Z');
    expect(slots('29,30 * * * *', 'UTC', '2026-01-01T00:29:00Z', '2026-01-01T01:30:00Z')).toEqual([
      '2026-01-01T00:30:00.000Z',
      '2026-01-01T01:29:00.000Z',
      '2026-01-01T01:30:00.000Z',
    ]);
    expect(iso(cron('29,30 * * * *', 'UTC').slotAtOrBefore(at('2026-01-01T00:28:59Z')))).toBe('2025-12-31T23:30:00.000Z');
    expect(iso(cron('29 * * * *', 'UTC').slotAtOrBefore(at('2026-01-01T00:45:00Z')))).toBe('2026-01-01T00:29:00.000Z');
    expect(iso(cron('30 * * * *', 'UTC').nextAfter(at('2026-01-01T00:10:00Z')))).toBe('2026-01-01T00:30:00.000Z');
    // 2026-01-01 is a Thursday: the Fridays, and the 31st (a Saturday).
    expect(slots('0 12 31 * FRI', 'UTC', '2026-01-20T00:00:00Z', '2026-02-10T00:00:00Z')).toEqual([
      '2026-01-23T12:00:00.000Z',
      '2026-01-30T12:00:00.000Z',
      '2026-01-31T12:00:00.000Z',
      '2026-02-06T12:00:00.000Z',
    ]);
  });

  it('finds rare slots by jumping, in both directions', () => {
    const s = cron('0 0 29 2 *', 'Pacific/Chatham');
    expect(iso(s.nextAfter(at('2028-03-01T00:00:00Z')))).toBe('2032-02-28T10:15:00.000Z');
    expect(iso(s.slotAtOrBefore(at('2032-02-28T10:14:59Z')))).toBe('2028-02-28T10:15:00.000Z');
    const far = cron('0 0 29 2 *', 'UTC');
    expect(iso(far.nextAfter(at('2097-01-01T00:00:00Z')))).toBe('2104-02-29T00:00:00.000Z'); // 2100 is not a leap year
  });
});
