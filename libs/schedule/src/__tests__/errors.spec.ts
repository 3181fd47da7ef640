import { CrontabSchedule, isValidTimeZone, parseSchedule, ScheduleError, type ScheduleSpec } from '..';

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
    ['0 0 L5 * *', 'day-of-month', 'day-of-month field: "L5" is not a number'],
    ['0 0 15W * *', 'day-of-month', 'day-of-month field: "15W" is not a number'],
    ['L * * * *', 'minute', 'minute field: "L" is not a number'],
    ['0 0 * * FRIL', 'day-of-week', 'day-of-week field: "FRIL" is not <weekday>L (a weekday number 0-7 followed by L, the last of the month)'],
    ['0 0 * * 8L', 'day-of-week', 'day-of-week field: 8 is out of range 0-7'],
    ['0 0 * * 5#6', 'day-of-week', 'day-of-week field: in "5#6", the occurrence 6 is out of range 1-5'],
    ['0 0 * * 5#0', 'day-of-week', 'day-of-week field: in "5#0", the occurrence 0 is out of range 1-5'],
    ['0 0 * * MON#', 'day-of-week', 'day-of-week field: in "MON#", the occurrence "" is not a number'],
    ['0 0 * * 1-5#2', 'day-of-week', 'day-of-week field: "1-5" is not a number or a weekday name (SUN-SAT)'],
    ['0 0 * * FRI-SUN', 'day-of-week', 'day-of-week field: range FRI-SUN is backwards (5 is after 0)'],
    ['0 5-2 * * *', 'hour', 'hour field: range 5-2 is backwards (5 is after 2)'],
    ['0 0 * NOV-FEB *', 'month', 'month field: range NOV-FEB is backwards (11 is after 2)'],
    ['1-2-3 * * * *', 'minute', 'minute field: "1-2-3" is not a range (low-high)'],
    ['-5 * * * *', 'minute', 'minute field: "-5" is not a range (low-high)'],
    ['*/0 * * * *', 'minute', 'minute field: step 0 is not allowed'],
    ['*/X * * * *', 'minute', 'minute field: step "X" is not a number'],
    ['*/2/3 * * * *', 'minute', 'minute field: step "2/3" is not a number'],
    ['/5 * * * *', 'minute', 'minute field: "/5" has no value before the step'],
    ['1,,2 * * * *', 'minute', 'minute field: empty list element in "1,,2"'],
    ['0 0 30 2 *', 'day-of-month', 'day-of-month field: 30 never occurs in the selected months (FEB)'],
    ['0 0 31 4,6,9,11 *', 'day-of-month', 'day-of-month field: 31 never occurs in the selected months (APR,JUN,SEP,NOV)'],
    ['0 0 */30 4 1#5', 'day-of-month', 'day-of-month and day-of-week fields: */30 and 1#5 never match a day of the selected months (APR)'],
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
    [
      { type: 'interval', value: 1, unit: 'day', anchor: 1e17 },
      'anchor',
      'interval anchor must be epoch milliseconds within the Date range, got 100000000000000000',
    ],
    [{ type: 'rrule', value: 'FREQ=DAILY' }, 'type', 'unknown schedule type "rrule" (expected crontab or interval)'],
  ])('%j', (spec, field, message) => {
    expect(errorOf(spec as ScheduleSpec)).toMatchObject({ field, message });
  });

  it("accepts cronsim's grammar: names in any case, 7 as Sunday, steps on single values and beyond the range, L, LW, w#n, wL", () => {
    const fields = (value: string) => (parseSchedule(cron(value)) as CrontabSchedule).fields;
    expect(fields('0 0 * jan-Mar,DEC mon,wEd').months).toEqual([1, 2, 3, 12]);
    expect(fields('0 0 * * 7').daysOfWeek).toEqual([0]);
    expect(fields('0 0 * * 0,7').daysOfWeek).toEqual([0]);
    expect(fields('0 0 * * 5-7').daysOfWeek).toEqual([0, 5, 6]);
    expect(fields('0 0 * * 1/2').daysOfWeek).toEqual([0, 1, 3, 5]); // 1,3,5,7: to the field's maximum, 7
    expect(fields('0 0 * * */2').daysOfWeek).toEqual([0, 2, 4, 6]);
    expect(fields('50/5 * * * *').minutes).toEqual([50, 55]);
    expect(fields('*/61 * * * *').minutes).toEqual([0]);
    expect(fields('5/100 * * * *').minutes).toEqual([5]);
    expect(fields('1-30/5 * * * *').minutes).toEqual([1, 6, 11, 16, 21, 26]);
    expect(fields('29-31,59 * 31 * *').minutes).toEqual([29, 30, 31, 59]);
    expect(fields('0 0 31 * *').daysOfMonth).toEqual([31]);
    expect(fields('0 0 L * *')).toMatchObject({ daysOfMonth: [], lastDayOfMonth: true, lastWeekdayOfMonth: false });
    expect(fields('0 0 lw,L/3,15 * *')).toMatchObject({ daysOfMonth: [15], lastDayOfMonth: true, lastWeekdayOfMonth: true });
    expect(fields('0 0 * * fri#2,1#5,SUN#1,5L,7l')).toMatchObject({
      daysOfWeek: [],
      nthWeekdays: [
        [0, 1],
        [1, 5],
        [5, 2],
      ],
      lastWeekdays: [0, 5],
    });
    expect(fields('0 0 * * *').wildcard).toBe(false);
    expect(fields('*/5 3 * * *').wildcard).toBe(true);
    expect(fields('0 * * * *').wildcard).toBe(true);
    expect(fields('5,*/10 1 * * *').wildcard).toBe(false); // only the first character counts, as in Debian cron
    expect(fields('@hourly').wildcard).toBe(true);
    expect(parseSchedule(cron('@DAILY')).spec).toEqual({ type: 'crontab', value: '@DAILY', timezone: 'UTC' });
    expect(parseSchedule(cron('  0   9 * *  1-5 ')).spec).toEqual({ type: 'crontab', value: '0 9 * * 1-5', timezone: 'UTC' });
  });

  it('rejects instants outside the Date range', () => {
    const schedule = parseSchedule(cron('* * * * *'));
    expect(() => schedule.nextAfter(Number.NaN)).toThrow(RangeError);
    expect(() => schedule.slotAtOrBefore(Infinity)).toThrow(RangeError);
  });
});
