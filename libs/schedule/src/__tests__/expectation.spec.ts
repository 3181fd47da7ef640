import { checkinMarginMs, expectationOf, isoInZone, ScheduleRegistry, upcomingSlots, type ScheduleSpec } from '..';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();
const MINUTE = 60_000;

const registry = new ScheduleRegistry();
const rule = (spec: ScheduleSpec) => registry.rule(spec);

function expected(spec: ScheduleSpec, countedAt: string[], now: string, marginMinutes: number | null = 5): [string, string] | null {
  const result = expectationOf({ rule: rule(spec), countedAt: countedAt.map(at), marginMs: checkinMarginMs(marginMinutes), now: at(now) });
  return result === null ? null : [iso(result.nextExpected), iso(result.nextExpectedLatest)];
}

describe('the next expected check-in (as the scheduler would judge it)', () => {
  const hourly: ScheduleSpec = { type: 'crontab', value: '0 * * * *', timezone: 'UTC' };

  it('expects nothing before a check-in counted: a new track is never missed', () => {
    expect(expected(hourly, [], '2026-05-04T10:30:00Z')).toBeNull();
  });

  it('a check-in after its slot settles that slot: the next one is expected, missed after the margin', () => {
    expect(expected(hourly, ['2026-05-04T10:00:05Z'], '2026-05-04T10:02:00Z')).toEqual(['2026-05-04T11:00:00.000Z', '2026-05-04T11:05:00.000Z']);
  });

  it('while a slot is within its margin, it is still the one expected (the track is late): in the past', () => {
    expect(expected(hourly, ['2026-05-04T10:00:05Z'], '2026-05-04T11:04:59Z')).toEqual(['2026-05-04T11:00:00.000Z', '2026-05-04T11:05:00.000Z']);
  });

  it('a slot past its margin was missed: the following one is expected', () => {
    expect(expected(hourly, ['2026-05-04T10:00:05Z'], '2026-05-04T11:05:00Z')).toEqual(['2026-05-04T12:00:00.000Z', '2026-05-04T12:05:00.000Z']);
    // Hours of silence settle every slot up to now minus the margin.
    expect(expected(hourly, ['2026-05-04T10:00:05Z'], '2026-05-04T17:04:00Z')).toEqual(['2026-05-04T17:00:00.000Z', '2026-05-04T17:05:00.000Z']);
  });

  it('a check-in a little early counts for the coming slot (within 60 s)', () => {
    expect(expected(hourly, ['2026-05-04T10:59:30Z'], '2026-05-04T11:00:00Z')).toEqual(['2026-05-04T12:00:00.000Z', '2026-05-04T12:05:00.000Z']);
    // Earlier than that, it counts for the slot before: the coming one is still expected.
    expect(expected(hourly, ['2026-05-04T10:58:30Z'], '2026-05-04T10:59:00Z')).toEqual(['2026-05-04T11:00:00.000Z', '2026-05-04T11:05:00.000Z']);
  });

  it('takes the scheduler default margin (1 minute) when none is configured', () => {
    expect(expected(hourly, ['2026-05-04T10:00:05Z'], '2026-05-04T11:00:30Z', null)).toEqual(['2026-05-04T11:00:00.000Z', '2026-05-04T11:01:00.000Z']);
  });

  describe('intervals, anchored at the credited check-in', () => {
    const tenMinutes: ScheduleSpec = { type: 'interval', value: 10, unit: 'minute' };

    it('counts the period from the minute of the check-in', () => {
      expect(expected(tenMinutes, ['2026-05-04T10:03:20Z'], '2026-05-04T10:05:00Z', 1)).toEqual(['2026-05-04T10:13:00.000Z', '2026-05-04T10:14:00.000Z']);
    });

    it('a check-in early for its slot keeps the anchor on schedule, as the scheduler credits it', () => {
      expect(expected(tenMinutes, ['2026-05-04T10:03:20Z', '2026-05-04T10:12:40Z'], '2026-05-04T10:14:00Z', 1)).toEqual([
        '2026-05-04T10:23:00.000Z',
        '2026-05-04T10:24:00.000Z',
      ]);
    });

    it('misses do not move the anchor: the slots stay anchor + k periods', () => {
      expect(expected(tenMinutes, ['2026-05-04T10:03:20Z'], '2026-05-04T10:40:00Z', 1)).toEqual(['2026-05-04T10:43:00.000Z', '2026-05-04T10:44:00.000Z']);
    });

    it('months are calendar months from the anchor', () => {
      const monthly: ScheduleSpec = { type: 'interval', value: 1, unit: 'month' };
      expect(expected(monthly, ['2026-01-31T08:00:10Z'], '2026-02-01T00:00:00Z', 60)).toEqual(['2026-02-28T08:00:00.000Z', '2026-02-28T09:00:00.000Z']);
    });
  });

  it('a crontab with no slot at all (every match skipped by DST) expects nothing, and a check-in to it is credited without error', () => {
    const never: ScheduleSpec = { type: 'crontab', value: '* 2 * 3 SUN#2', timezone: 'America/New_York' };
    // Credited to its last slot (2006, before the US moved DST to March's second Sunday), not an error.
    expect(rule(never).creditFor(at('2026-03-08T12:00:00Z'), NaN)).toBe(at('2006-03-12T07:59:00Z'));
    expect(expected(never, ['2026-03-08T12:00:00Z'], '2026-03-09T00:00:00Z')).toBeNull();
  });
});

describe('the next scheduled times, in the monitor time zone', () => {
  it('a crontab in New York across spring forward: 02:30 does not exist on 2025-03-09 and runs at 03:00 EDT', () => {
    const spec: ScheduleSpec = { type: 'crontab', value: '30 2 * * *', timezone: 'America/New_York' };
    const slots = upcomingSlots(rule(spec), null, at('2025-03-07T12:00:00Z'), 5);
    expect(slots.map(iso)).toEqual([
      '2025-03-08T07:30:00.000Z',
      '2025-03-09T07:00:00.000Z',
      '2025-03-10T06:30:00.000Z',
      '2025-03-11T06:30:00.000Z',
      '2025-03-12T06:30:00.000Z',
    ]);
    expect(slots.map((slot) => isoInZone(slot, 'America/New_York'))).toEqual([
      '2025-03-08T02:30:00-05:00',
      '2025-03-09T03:00:00-04:00',
      '2025-03-10T02:30:00-04:00',
      '2025-03-11T02:30:00-04:00',
      '2025-03-12T02:30:00-04:00',
    ]);
  });

  it('a crontab in Berlin across fall back: the repeated 02:30 runs once, at its first occurrence', () => {
    const spec: ScheduleSpec = { type: 'crontab', value: '30 2 * * *', timezone: 'Europe/Berlin' };
    const slots = upcomingSlots(rule(spec), null, at('2025-10-25T12:00:00Z'), 3);
    expect(slots.map((slot) => isoInZone(slot, 'Europe/Berlin'))).toEqual([
      '2025-10-26T02:30:00+02:00',
      '2025-10-27T02:30:00+01:00',
      '2025-10-28T02:30:00+01:00',
    ]);
    expect(slots.map(iso)).toEqual(['2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z', '2025-10-28T01:30:00.000Z']);
  });

  it('hourly in Lord Howe across its half-hour fall back: one 01:00, offsets +11:00 then +10:30', () => {
    const spec: ScheduleSpec = { type: 'crontab', value: '0 * * * *', timezone: 'Australia/Lord_Howe' };
    const slots = upcomingSlots(rule(spec), null, at('2025-04-05T13:10:00Z'), 4);
    expect(slots.map((slot) => isoInZone(slot, 'Australia/Lord_Howe'))).toEqual([
      '2025-04-06T01:00:00+11:00',
      '2025-04-06T02:00:00+10:30',
      '2025-04-06T03:00:00+10:30',
      '2025-04-06T04:00:00+10:30',
    ]);
  });

  it('an interval: every period from its anchor, shown in the zone; none without an anchor', () => {
    const hours: ScheduleSpec = { type: 'interval', value: 6, unit: 'hour' };
    const slots = upcomingSlots(rule(hours), at('2026-05-04T10:03:00Z'), at('2026-05-04T12:00:00Z'), 5);
    expect(slots.map((slot) => isoInZone(slot, 'Asia/Kolkata'))).toEqual([
      '2026-05-04T21:33:00+05:30',
      '2026-05-05T03:33:00+05:30',
      '2026-05-05T09:33:00+05:30',
      '2026-05-05T15:33:00+05:30',
      '2026-05-05T21:33:00+05:30',
    ]);
    expect(upcomingSlots(rule(hours), null, at('2026-05-04T12:00:00Z'), 5)).toEqual([]);
  });

  it('writes UTC as +00:00 and negative offsets with their minutes', () => {
    expect(isoInZone(at('2026-01-01T00:00:00Z'), 'UTC')).toBe('2026-01-01T00:00:00+00:00');
    expect(isoInZone(at('2026-01-01T12:00:00Z'), 'America/St_Johns')).toBe('2026-01-01T08:30:00-03:30');
    expect(isoInZone(at('2026-01-01T12:00:00.250Z'), 'Pacific/Chatham')).toBe('2026-01-02T01:45:00.250+13:45');
  });
});

describe('the margin and max runtime the scheduler applies', () => {
  it('defaults and clamps as the scheduler does', () => {
    expect(checkinMarginMs(null)).toBe(MINUTE);
    expect(checkinMarginMs(0)).toBe(MINUTE);
    expect(checkinMarginMs(5.7)).toBe(5 * MINUTE);
    expect(checkinMarginMs(10_000_000)).toBe(40_320 * MINUTE);
  });
});
