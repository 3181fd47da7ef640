import { domainErrorOf } from '@vigil/errors/testing';
import { DEFAULT_PERIOD_MS, parseStatsPeriod, parseTimeRange, parseTimestamp } from '../time-range';

const NOW = Date.parse('2026-11-22T12:00:00Z');

describe("time ranges, by Sentry's rules", () => {
  it('is the last 90 days when nothing is asked, with no end (a check-in stamped a moment ahead still shows)', () => {
    expect(parseTimeRange({}, NOW)).toEqual({ startMs: NOW - DEFAULT_PERIOD_MS, endMs: null });
  });

  it.each([
    ['90', 90_000],
    ['30s', 30_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['14d', 14 * 86_400_000],
    ['2w', 14 * 86_400_000],
  ])('statsPeriod %s is that long before now', (period, ms) => {
    expect(parseStatsPeriod(period, 'statsPeriod')).toBe(ms);
    expect(parseTimeRange({ statsPeriod: period }, NOW)).toEqual({ startMs: NOW - ms, endMs: null });
  });

  it('statsPeriod wins over start and end; statsPeriodStart/End is a window in the past', () => {
    expect(parseTimeRange({ statsPeriod: '1h', start: '2020-01-01', end: '2020-01-02' }, NOW)).toEqual({ startMs: NOW - 3_600_000, endMs: null });
    expect(parseTimeRange({ statsPeriodStart: '14d', statsPeriodEnd: '7d' }, NOW)).toEqual({ startMs: NOW - 14 * 86_400_000, endMs: NOW - 7 * 86_400_000 });
  });

  it('start and end: ISO 8601, UTC without an offset, a date alone at midnight', () => {
    expect(parseTimeRange({ start: '2026-11-01T10:00:00+02:00', end: '2026-11-02' }, NOW)).toEqual({
      startMs: Date.parse('2026-11-01T08:00:00Z'),
      endMs: Date.parse('2026-11-02T00:00:00Z'),
    });
    expect(parseTimestamp('2026-11-01T10:00:00.123', 'start')).toBe(Date.parse('2026-11-01T10:00:00.123Z'));
    expect(parseTimestamp('2026-11-01 10:00', 'start')).toBe(Date.parse('2026-11-01T10:00:00Z'));
    // RFC 3339 date-times too (the timeline's `format: date-time`): lower-case t and z, any digits of a second.
    expect(parseTimestamp('2026-11-01t10:00:00.1234567891z', 'start')).toBe(Date.parse('2026-11-01T10:00:00.123Z'));
  });

  it('a period longer than history starts at the epoch', () => {
    expect(parseTimeRange({ statsPeriod: '999999999w' }, NOW).startMs).toBe(0);
  });

  it.each([
    [{ statsPeriod: '1y' }, 'statsPeriod', /number with an optional unit/],
    [{ statsPeriod: '0' }, 'statsPeriod', /start must be before end/],
    [{ start: '2026-01-01' }, 'end', /both required/],
    [{ end: '2026-01-01' }, 'start', /both required/],
    [{ start: 'yesterday', end: '2026-01-01' }, 'start', /ISO 8601/],
    [{ start: '2026-02-30', end: '2026-03-01' }, 'start', /not a date that exists/],
    [{ start: '2026-02-01', end: '2026-01-01' }, 'start', /start must be before end/],
    [{ statsPeriodStart: '1d' }, 'statsPeriodEnd', /both required/],
    [{ statsPeriodStart: '1d', statsPeriodEnd: '2d' }, 'statsPeriodStart', /start must be before end/],
  ])('refuses %j naming %s', (query, field, message) => {
    const error = domainErrorOf(() => parseTimeRange(query, NOW));
    expect(error).toMatchObject({ kind: 'invalid', field });
    expect(error.message).toMatch(message);
  });
});
