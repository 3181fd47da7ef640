import { tagList } from '../common/tags';
import { axisUnit, bucketWords, durationBucketsFromStats, durationChart, niceCeiling, type DurationBucket } from '../web/timeline/duration-chart';

const MINUTE = 60_000;
/** 2026-12-07 13:00 UTC. */
const START = Date.UTC(2026, 11, 7, 13, 0);
const RANGE = { start: START, bucketMs: 10 * MINUTE, buckets: 6 };

function titles(html: string): string[] {
  return [...html.matchAll(/<title>([^<]*)<\/title>/g)].map((match) => match[1]!);
}

function attribute(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`${name}="([^"]*)"`, 'g'))].map((match) => match[1]!);
}

describe('the duration axis', () => {
  it.each([
    [0, 1],
    [0.7, 1],
    [1, 1],
    [1.2, 2],
    [3, 5],
    [7.5, 10],
    [10, 10],
    [11, 20],
    [450, 500],
  ])('tops %d at %d (1, 2, 5 × 10^k)', (value, top) => {
    expect(niceCeiling(value)).toBe(top);
  });

  it.each([
    [850, 'ms'],
    [1000, 's'],
    [119_000, 's'],
    [120_000, 'min'],
    [7_200_000, 'h'],
  ])('writes a longest p99 of %d ms in %s', (ms, unit) => {
    expect(axisUnit(ms).name).toBe(unit);
  });

  it('names bucket sizes in words', () => {
    expect([MINUTE, 10 * MINUTE, 60 * MINUTE, 4 * 60 * MINUTE, 24 * 60 * MINUTE].map(bucketWords)).toEqual([
      '1 minute',
      '10 minutes',
      '1 hour',
      '4 hours',
      '1 day',
    ]);
  });
});

describe("the stats endpoint's durations as chart buckets", () => {
  it('reads the values in the order durationFields names them, skips indexes outside the range and sorts by time', () => {
    const rows = [
      [3, 5, 1000, 9000],
      [0, 1, 200, 200],
      [6, 1, 1, 1],
    ];
    expect(durationBucketsFromStats(rows, ['runs', 'p50', 'p99'], START, RANGE.bucketMs, RANGE.buckets)).toEqual([
      { start: START, runs: 1, p50: 200, p99: 200 },
      { start: START + 30 * MINUTE, runs: 5, p50: 1000, p99: 9000 },
    ]);
    // Another order of the fields is read by name.
    expect(durationBucketsFromStats([[1, 4000, 2, 1000]], ['p99', 'runs', 'p50'], START, RANGE.bucketMs, RANGE.buckets)).toEqual([
      { start: START + 10 * MINUTE, runs: 2, p50: 1000, p99: 4000 },
    ]);
    // An answer without durations draws nothing.
    expect(durationBucketsFromStats([[1, 2, 3, 4]], [], START, RANGE.bucketMs, RANGE.buckets)).toEqual([]);
  });
});

describe('the duration chart', () => {
  const buckets: DurationBucket[] = [
    { start: START + 10 * MINUTE, runs: 3, p50: 2000, p99: 10_000 },
    { start: START + 40 * MINUTE, runs: 1, p50: 500, p99: 500 },
  ];

  it('draws a p99 and a p50 bar per bucket with runs, each under a title with its UTC time span and both values', () => {
    const html = durationChart(buckets, RANGE, 'Run durations in production over the last hour');
    expect(titles(html)).toEqual(['12-07 13:10 to 13:20 UTC: p50 2.0 s, p99 10.0 s (3 runs)', '12-07 13:40 to 13:50 UTC: p50 500 ms, p99 500 ms (1 run)']);
    expect(attribute(html, 'data-p50')).toEqual(['2000', '500']);
    expect(attribute(html, 'data-p99')).toEqual(['10000', '500']);
    // 600 px over 6 buckets: the second and fifth columns; 10 s is the top of a 0-10 s axis (100 units high).
    expect(html).toContain('<rect class="d-p99" x="100" y="0" width="99" height="100"/><rect class="d-p50" x="100" y="80" width="99" height="20"/>');
    expect(html).toContain('<rect class="d-p99" x="400" y="95" width="99" height="5"/>');
  });

  it('is one image for screen readers whose label says what it shows, with axis labels in their units', () => {
    const html = durationChart(buckets, RANGE, 'Run durations in production over the last hour');
    expect(attribute(html, 'role')).toEqual(['img']);
    expect(attribute(html, 'aria-label')).toEqual([
      'Run durations in production over the last hour: p50 and p99 per 10 minutes of the runs that finished ok or error, from 0 to 10 s; 4 runs in 2 buckets; the highest p99 10.0 s (p50 2.0 s), 12-07 13:10 to 13:20 UTC',
    ]);
    expect(html).toContain('<div class="d-y" aria-hidden="true"><span>10 s</span><span>5 s</span><span>0 s</span></div>');
    expect(html).toContain('<span>12-07 13:00 UTC</span><span>12-07 14:00 UTC</span>');
    expect(html).not.toContain('d-empty');
  });

  it('says so when no run finished with a duration', () => {
    const html = durationChart([], RANGE, 'Run durations in staging over the last hour');
    expect(html).not.toContain('<g ');
    expect(attribute(html, 'aria-label')[0]).toMatch(/: no run finished ok or error with a duration$/);
    expect(html).toContain('No run finished ok or error with a duration in this range.');
  });

  it('escapes the label (an environment name is the client’s text)', () => {
    const html = durationChart([], RANGE, 'Run durations in "<b>" over the last hour');
    expect(html).toContain('aria-label="Run durations in &#34;&#60;b&#62;&#34; over');
    expect(html).not.toContain('<b>');
  });
});

describe('tags', () => {
  it('are the words of the Healthchecks text, in order', () => {
    expect(tagList(' prod  db backup ')).toEqual(['prod', 'db', 'backup']);
    expect(tagList('')).toEqual([]);
  });
});
