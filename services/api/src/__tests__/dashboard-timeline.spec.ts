import { runDisplay } from '../web/monitor-view';
import { aggregateStatus, mergeTicks, MIN_TICK_PX, zeroTickCounts, type TickCounts, type TimelineBucket } from '../web/timeline/ticks';
import { bucketsFromStats, timelineSvg } from '../web/timeline/timeline-svg';

const counts = (partial: Partial<TickCounts>): TickCounts => ({ ...zeroTickCounts(), ...partial });
const MINUTE = 60_000;
const buckets = (...list: Array<Partial<TickCounts> | null>): TimelineBucket[] =>
  list.map((partial, index) => ({ start: index * MINUTE, counts: counts(partial ?? {}) }));

describe("tick colours follow Sentry's precedence: unknown > error > timeout > missed > ok > in progress", () => {
  it.each([
    [{ unknown: 1, error: 3, ok: 5 }, 'unknown'],
    [{ unknown: 2, in_progress: 1 }, 'unknown'],
    [{ ok: 5, error: 1 }, 'error'],
    [{ ok: 5, timeout: 1, missed: 3 }, 'timeout'],
    [{ ok: 5, missed: 1 }, 'missed'],
    [{ ok: 1, in_progress: 4 }, 'ok'],
    [{ in_progress: 1 }, 'in_progress'],
    [{}, null],
  ])('%j shows %s', (partial, expected) => {
    expect(aggregateStatus(counts(partial))).toBe(expected);
  });
});

describe('mergeTicks', () => {
  it('joins consecutive buckets of one status and splits where the status changes (wide buckets)', () => {
    // 4 buckets over 400 px: 100 px each, wide enough never to absorb a neighbour.
    const ticks = mergeTicks(buckets({ ok: 1 }, { ok: 2 }, { error: 1 }, { ok: 1 }), MINUTE, 400);
    expect(ticks.map((tick) => [tick.status, tick.x, tick.width, tick.counts.ok + tick.counts.error])).toEqual([
      ['ok', 0, 200, 3],
      ['error', 200, 100, 1],
      ['ok', 300, 100, 1],
    ]);
    expect(ticks[0]).toMatchObject({ start: 0, end: 2 * MINUTE });
  });

  it('ends a tick at an empty bucket once it is wide enough', () => {
    const ticks = mergeTicks(buckets({ ok: 1 }, null, { ok: 1 }), MINUTE, 300);
    expect(ticks.map((tick) => [tick.x, tick.width])).toEqual([
      [0, 100],
      [200, 100],
    ]);
  });

  it(`makes every tick at least ${MIN_TICK_PX} px wide, and a merged tick takes the colour of its worst run`, () => {
    // 100 buckets over 100 px: a bucket is 1 px, so neighbours merge into ticks of 4 px.
    const list: Array<Partial<TickCounts> | null> = Array.from({ length: 100 }, (_, index) => (index < 8 ? { ok: 1 } : null));
    list[2] = { error: 1 };
    const ticks = mergeTicks(buckets(...list), MINUTE, 100);
    expect(ticks.every((tick) => tick.width >= MIN_TICK_PX)).toBe(true);
    expect(ticks[0]).toMatchObject({ status: 'error', counts: counts({ ok: 3, error: 1 }) });
    expect(ticks.reduce((sum, tick) => sum + tick.counts.ok + tick.counts.error, 0)).toBe(8);
  });

  it('draws nothing for no runs', () => {
    expect(mergeTicks(buckets(null, null), MINUTE, 100)).toEqual([]);
    expect(mergeTicks([], MINUTE, 100)).toEqual([]);
  });
});

describe('timelineSvg', () => {
  it('draws the stats endpoint buckets as rects with a title per tick and a label that sums the runs', () => {
    const filled = bucketsFromStats(
      [
        [0, 2, 0, 0, 0, 0, 0],
        [3, 0, 1, 0, 0, 0, 0],
        [99, 1, 0, 0, 0, 0, 0],
      ],
      ['ok', 'error', 'missed', 'timeout', 'in_progress', 'unknown'],
      0,
      MINUTE,
      4,
    );
    expect(filled.map((bucket) => bucket.counts.ok + bucket.counts.error)).toEqual([2, 0, 0, 1]);
    const svg = timelineSvg(filled, MINUTE, 'Runs of <job>');
    expect(svg).toContain('aria-label="Runs of &#60;job&#62;: 2 okay, 1 failed"');
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('class="t-error"');
  });

  it("titles each tick with its span in UTC (the end's date only on another day) and its runs, in short markup", () => {
    const day = Date.UTC(2026, 11, 7);
    const hours = 8 * 60 * MINUTE;
    const svg = timelineSvg(
      [
        { start: day - hours, counts: counts({ ok: 2 }) },
        { start: day, counts: counts({ ok: 1, error: 1 }) },
      ],
      hours,
      'Runs',
    );
    expect(svg.match(/<title>[^<]*<\/title>/g)).toEqual([
      '<title>12-06 16:00 to 12-07 00:00 UTC: 2 okay</title>',
      '<title>12-07 00:00 to 08:00 UTC: 1 okay, 1 failed</title>',
    ]);
    // Two ticks of 300 px each, a pixel apart; height and corners come from the stylesheet.
    expect(svg).toContain('<rect class="t-ok" x="0" width="299" height="12">');
    expect(svg).toContain('<rect class="t-error" x="300" width="299" height="12">');
  });

  it('reads the counts in the order the answer names them, and shows an unknown run in its own colour with what it means', () => {
    const filled = bucketsFromStats(
      [
        [1, 1, 3],
        [2, 0, 2],
      ],
      ['unknown', 'ok', 'some-future-status'],
      0,
      MINUTE,
      3,
    );
    expect(filled.map((bucket) => [bucket.counts.unknown, bucket.counts.ok])).toEqual([
      [0, 0],
      [1, 3],
      [0, 2],
    ]);
    const svg = timelineSvg(filled, MINUTE, 'Runs');
    expect(svg).toContain('class="t-unknown"');
    expect(svg).toContain('<title>01-01 00:01 to 00:02 UTC: 3 okay, 1 unknown</title>');
    expect(svg).toContain('aria-label="Runs: 5 okay, 1 unknown"');
  });
});

describe("the monitor page's check-in list", () => {
  it('shows an unknown run as unknown, with what it means, and never as a failure', () => {
    expect(runDisplay('unknown')).toEqual({ icon: 'unknown', label: 'Unknown — Vigil could not tell: its own pipeline was down' });
    expect(runDisplay('missed')).toEqual({ icon: 'missed', label: 'Missed' });
    expect(runDisplay('later-status')).toEqual({ icon: 'new', label: 'later-status' });
  });
});
