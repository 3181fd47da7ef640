import type { DomainError } from '@vigil/errors';
import { domainErrorOf } from '@vigil/errors/testing';
import { fillBuckets, timelineRange, totalCounts, type TimelineRangeInput } from '../monitor-timeline/timeline-range';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const NOW = at('2026-05-04T10:17:30Z');

function refusal(input: TimelineRangeInput): DomainError {
  return domainErrorOf(() => timelineRange(input, NOW));
}

describe('timelineRange', () => {
  it('defaults to the last 24 hours per hour, widened to whole hours: 25 buckets', () => {
    const range = timelineRange({}, NOW);
    expect([iso(range.start), iso(range.end), range.resolution, range.buckets]).toEqual(['2026-05-03T10:00:00.000Z', '2026-05-04T11:00:00.000Z', '1h', 25]);
  });

  it('a statsPeriod ends now; beyond a week it is per day', () => {
    expect(timelineRange({ statsPeriod: '90m' }, NOW)).toMatchObject({ start: at('2026-05-04T08:00:00Z'), end: at('2026-05-04T11:00:00Z'), buckets: 3 });
    const fortnight = timelineRange({ statsPeriod: '2w' }, NOW);
    expect([iso(fortnight.start), iso(fortnight.end), fortnight.resolution, fortnight.buckets]).toEqual([
      '2026-04-20T00:00:00.000Z',
      '2026-05-05T00:00:00.000Z',
      '1d',
      15,
    ]);
    expect(timelineRange({ statsPeriod: '7d' }, NOW).resolution).toBe('1h');
  });

  it('start and end, widened to whole UTC days', () => {
    const range = timelineRange({ start: '2026-03-29T01:30:00+02:00', end: '2026-03-31T00:00:00Z', resolution: '1d' }, NOW);
    expect([iso(range.start), iso(range.end), range.buckets, range.bucketMs]).toEqual(['2026-03-28T00:00:00.000Z', '2026-03-31T00:00:00.000Z', 3, 86_400_000]);
  });

  it('takes every RFC 3339 date-time, read as the other history endpoints read times', () => {
    expect(timelineRange({ start: '2026-05-01t00:00:00z', end: '2026-05-01 06:00:00.1234567891+00:00' }, NOW)).toMatchObject({
      start: at('2026-05-01T00:00:00Z'),
      end: at('2026-05-01T07:00:00Z'),
    });
    expect(timelineRange({ start: '2026-05-01T02:00:00+0200', end: '2026-05-01T06:00:00Z' }, NOW).start).toBe(at('2026-05-01T00:00:00Z'));
  });

  it('an aligned range stays as it is', () => {
    const range = timelineRange({ start: '2026-05-01T00:00:00Z', end: '2026-05-01T06:00:00Z' }, NOW);
    expect([iso(range.start), iso(range.end), range.buckets]).toEqual(['2026-05-01T00:00:00.000Z', '2026-05-01T06:00:00.000Z', 6]);
  });

  it('refuses what breaks a rule, naming the field', () => {
    expect(refusal({ start: '2026-05-01T00:00:00Z' })).toMatchObject({ field: 'end', code: 'missing_field' });
    expect(refusal({ end: '2026-05-01T00:00:00Z' })).toMatchObject({ field: 'start', code: 'missing_field' });
    expect(refusal({ start: '2026-05-01T00:00:00Z', end: '2026-05-02T00:00:00Z', statsPeriod: '24h' })).toMatchObject({ field: 'statsPeriod' });
    expect(refusal({ start: '2026-05-02T00:00:00Z', end: '2026-05-01T00:00:00Z' })).toMatchObject({ field: 'end', code: 'invalid_end' });
    expect(refusal({ start: '2026-05-01T00:00:00Z', end: '2026-05-01T00:00:00Z' })).toMatchObject({ field: 'end', code: 'invalid_end' });
    expect(refusal({ start: '1969-12-31T00:00:00Z', end: '1970-01-02T00:00:00Z' })).toMatchObject({ field: 'start', code: 'invalid_start' });
    expect(refusal({ start: '2099-12-31T00:00:00Z', end: '2100-01-01T00:00:00Z' })).toMatchObject({ field: 'end', code: 'invalid_end' });
    expect(refusal({ statsPeriod: '0h' })).toMatchObject({ field: 'statsPeriod', code: 'invalid_statsPeriod' });
  });

  it('bounds the range to 90 days and the buckets to 1000, naming the field to change', () => {
    expect(refusal({ statsPeriod: '91d' })).toMatchObject({ field: 'statsPeriod', code: 'range_too_large' });
    expect(refusal({ statsPeriod: '13w' })).toMatchObject({ field: 'statsPeriod', code: 'range_too_large' });
    expect(timelineRange({ statsPeriod: '90d' }, NOW).buckets).toBe(91);
    expect(refusal({ start: '2026-01-01T00:00:00Z', end: '2026-04-01T00:00:01Z' })).toMatchObject({ field: 'start', code: 'range_too_large' });
    const tooFine = refusal({ statsPeriod: '42d', resolution: '1h' });
    expect(tooFine).toMatchObject({ field: 'resolution', code: 'too_many_buckets' });
    expect(tooFine.message).toContain('1009 buckets of 1h');
    // 41 days and 15 minutes: 985 whole hours once widened.
    expect(timelineRange({ statsPeriod: '41d', resolution: '1h' }, NOW).buckets).toBe(985);
  });
});

describe('fillBuckets', () => {
  const range = timelineRange({ start: '2026-05-01T00:00:00Z', end: '2026-05-01T04:00:00Z', resolution: '1h' }, NOW);

  it('lists every bucket in order, the empty ones with zero counts and no percentiles, and totals the counts', () => {
    const buckets = fillBuckets(range, [
      { bucket: 2, counts: { ok: 1, error: 2, missed: 0, timeout: 0, in_progress: 0, unknown: 0 }, duration: { p50: 10, p90: 20, p99: 20 } },
      { bucket: 0, counts: { ok: 3, error: 0, missed: 1, timeout: 0, in_progress: 1, unknown: 2 }, duration: { p50: 5, p90: 5, p99: 5 } },
    ]);
    expect(buckets.map((bucket) => [iso(bucket.start), Object.values(bucket.counts).join(','), bucket.duration.p50])).toEqual([
      ['2026-05-01T00:00:00.000Z', '3,0,1,0,1,2', 5],
      ['2026-05-01T01:00:00.000Z', '0,0,0,0,0,0', null],
      ['2026-05-01T02:00:00.000Z', '1,2,0,0,0,0', 10],
      ['2026-05-01T03:00:00.000Z', '0,0,0,0,0,0', null],
    ]);
    expect(totalCounts(buckets)).toEqual({ ok: 4, error: 2, missed: 1, timeout: 0, in_progress: 1, unknown: 2 });
  });
});
