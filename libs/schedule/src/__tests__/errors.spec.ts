import { isValidTimeZone, parseSchedule, ScheduleError, type ScheduleSpec } from '..';

function errorOf(spec: ScheduleSpec): ScheduleError {
  try {
    parseSchedule(spec);
  } catch (error) {
    if (error instanceof ScheduleError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(spec)} to be rejected`);
}
const cron = (value: string, timezone = 'UTC'): ScheduleSpec => ({ type: 'crontab', value, timezone });

describe('validation: each rule has its own message and field', () => {
  it.each([
    ['61 * * * *', 'minute', 'minute field: 61 is out of range 0-59'],
    ['* 24 * * *', 'hour', 'hour field: 24 is out of range 0-23'],
    ['0 0 0 * *', 'day-of-month', 'day-of-month field: 0 is out of range 1-31'],
    ['0 0 32 * *', 'day-of-month', 'day-of-month field: 32 is out of range 1-31'],
    ['0 0 * 13 *', 'month', 'month field: 13 is out of range 1-12'],
    ['0 0 * * 8', 'day-of-week', 'day-of-week field: 8 is out of range 0-7'],
    ['0 0 * FOO *', 'month', 'month field: "FOO" is not a month name (JAN-DEC)'],
    ['0 0 * * MOON', 'day-of-week', 'day-of-week field: "MOON" is not a weekday name (SUN-SAT)'],
    ['MON * * * *', 'minute', 'minute field: "MON" is not a number'],
    ['1.5 * * * *', 'minute', 'minute field: "1.5" is not a number'],
    ['0 0 * * ?', 'day-of-week', 'day-of-week field: "?" is not a number or a weekday name (SUN-SAT)'],
    ['0 0 L * *', 'day-of-month', 'day-of-month field: "L" is not a number'],
    ['0 5-2 * * *', 'hour', 'hour field: range 5-2 is backwards (5 is after 2)'],
    ['0 0 * NOV-FEB *', 'month', 'month field: range NOV-FEB is backwards (11 is after 2)'],
    ['1-2-3 * * * *', 'minute', 'minute field: "1-2-3" is not a range (low-high)'],
    ['-5 * * * *', 'minute', 'minute field: "-5" is not a range (low-high)'],
    ['*/0 * * * *', 'minute', 'minute field: step 0 is out of range 1-60'],
    ['*/61 * * * *', 'minute', 'minute field: step 61 is out of range 1-60'],
    ['0 0 * * */8', 'day-of-week', 'day-of-week field: step 8 is out of range 1-7'],
    ['*/x * * * *', 'minute', 'minute field: step "x" is not a number'],
    ['*/2/3 * * * *', 'minute', 'minute field: "*/2/3" has more than one step'],
    ['/5 * * * *', 'minute', 'minute field: "/5" has no value before the step'],
    ['1,,2 * * * *', 'minute', 'minute field: empty list element in "1,,2"'],
    ['0 0 30 2 *', 'day-of-month', 'day-of-month field: 30 never occurs in the selected months (FEB)'],
    ['0 0 31 4,6,9,11 *', 'day-of-month', 'day-of-month field: 31 never occurs in the selected months (APR,JUN,SEP,NOV)'],
    ['* * * *', 'expression', 'crontab must have 5 fields (minute hour day-of-month month day-of-week) or be an alias such as @daily, got 4'],
    ['0 * * * * *', 'expression', 'crontab must have 5 fields (minute hour day-of-month month day-of-week) or be an alias such as @daily, got 6'],
    ['   ', 'expression', 'crontab expression is empty'],
    ['@reboot', 'expression', 'unknown alias "@reboot" (expected one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)'],
  ])('%s', (value, field, message) => {
    const error = errorOf(cron(value));
    expect(error).toMatchObject({ name: 'ScheduleError', code: 'invalid_schedule', field, message });
  });

  it('rejects an unknown time zone', () => {
    expect(errorOf(cron('* * * * *', 'Mars/Base'))).toMatchObject({ field: 'timezone', message: 'unknown time zone "Mars/Base"' });
    expect(errorOf(cron('* * * * *', ''))).toMatchObject({ field: 'timezone', message: 'unknown time zone ""' });
    expect(errorOf(cron('* * * * *', ' UTC'))).toMatchObject({ field: 'timezone' });
    expect(isValidTimeZone('Mars/Base')).toBe(false);
    expect(isValidTimeZone('Pacific/Chatham')).toBe(true);
  });

  it('checks the expression before the zone', () => {
    expect(errorOf(cron('61 * * * *', 'Mars/Base')).field).toBe('minute');
  });

  it.each([
    [{ type: 'interval', value: 0, unit: 'minute' }, 'value', 'interval value must be a positive integer, got 0'],
    [{ type: 'interval', value: 1.5, unit: 'hour' }, 'value', 'interval value must be a positive integer, got 1.5'],
    [{ type: 'interval', value: -1, unit: 'day' }, 'value', 'interval value must be a positive integer, got -1'],
    [{ type: 'interval', value: 2000, unit: 'year' }, 'value', 'interval of 2000 years is longer than 1000 years'],
    [{ type: 'interval', value: 1, unit: 'fortnight' }, 'unit', 'unknown interval unit "fortnight" (expected one of minute, hour, day, week, month, year)'],
    [{ type: 'interval', value: 1, unit: 'day', anchor: Number.NaN }, 'anchor', 'interval anchor must be epoch milliseconds within the Date range, got null'],
    [{ type: 'interval', value: 1, unit: 'day', anchor: 1e17 }, 'anchor', 'interval anchor must be epoch milliseconds within the Date range, got 100000000000000000'],
    [{ type: 'rrule', value: 'FREQ=DAILY' }, 'type', 'unknown schedule type "rrule" (expected crontab or interval)'],
  ])('%j', (spec, field, message) => {
    expect(errorOf(spec as ScheduleSpec)).toMatchObject({ field, message });
  });

  it('accepts names case-insensitively, 7 as Sunday, SUN closing a range, steps on single values, aliases in any case', () => {
    const fields = (value: string) => (parseSchedule(cron(value)) as unknown as { fields: { daysOfWeek: number[]; daysOfMonth: number[]; months: number[]; minutes: number[] } }).fields;
    expect(fields('0 0 * jan-Mar,DEC mon,wEd').months).toEqual([1, 2, 3, 12]);
    expect(fields('0 0 * * 7').daysOfWeek).toEqual([0]);
    expect(fields('0 0 * * 0,7').daysOfWeek).toEqual([0]);
    expect(fields('0 0 * * 5-7').daysOfWeek).toEqual([0, 5, 6]);
    expect(fields('0 0 * * FRI-SUN').daysOfWeek).toEqual([0, 5, 6]);
    expect(fields('50/5 * * * *').minutes).toEqual([50, 55]);
    expect(fields('1-30/5 * * * *').minutes).toEqual([1, 6, 11, 16, 21, 26]);
    expect(fields('29-31,59 * 31 * *').minutes).toEqual([29, 30, 31, 59]);
    expect(fields('0 0 31 * *').daysOfMonth).toEqual([31]);
    expect(parseSchedule(cron('@DAILY')).spec).toEqual({ type: 'crontab', value: '@DAILY', timezone: 'UTC' });
    expect(parseSchedule(cron('  0   9 * *  1-5 ')).spec).toEqual({ type: 'crontab', value: '0 9 * * 1-5', timezone: 'UTC' });
  });

  it('rejects instants outside the Date range', () => {
    const schedule = parseSchedule(cron('* * * * *'));
    expect(() => schedule.nextAfter(Number.NaN)).toThrow(RangeError);
    expect(() => schedule.slotAtOrBefore(Infinity)).toThrow(RangeError);
  });
});
