import { durationText } from '../pages/page-kit';
import { escape, minute, px, span, TIMELINE_WIDTH } from './timeline-svg';

/**
 * The monitor page's duration chart: per bucket of the page's range, the p50 and p99 of the durations of the runs
 * that began in it and finished ok or error (the stats endpoint's `durations`), drawn as SVG on the server like the
 * tick timeline. Pure, so the scale and the words are unit-tested.
 */

/** One bucket with durations: its start (ms), how many runs, and their p50 and p99 in ms. */
export interface DurationBucket {
  start: number;
  runs: number;
  p50: number;
  p99: number;
}

/** Height of the SVG's coordinate space (its width is the timeline's). */
export const CHART_HEIGHT = 100;

interface Unit {
  name: string;
  ms: number;
}

const UNITS: readonly Unit[] = [
  { name: 'ms', ms: 1 },
  { name: 's', ms: 1000 },
  { name: 'min', ms: 60_000 },
  { name: 'h', ms: 3_600_000 },
];

/** The axis unit for durations up to `maxMs`: ms under a second, seconds under two minutes, minutes under two hours, else hours. */
export function axisUnit(maxMs: number): Unit {
  if (maxMs < 1000) return UNITS[0]!;
  if (maxMs < 120_000) return UNITS[1]!;
  if (maxMs < 7_200_000) return UNITS[2]!;
  return UNITS[3]!;
}

/** The smallest of 1, 2, 5 × 10^k at or above `value` (1 for nothing): the top of the axis. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value * (1 - 1e-12)) return step * power;
  return 10 * power;
}

/** A number for a label: at most three significant digits, no trailing zeros. */
function shortNumber(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** A bucket size in words: `1 minute`, `10 minutes`, `1 hour`, `4 hours`, `1 day`. */
export function bucketWords(bucketMs: number): string {
  const [size, unit] =
    bucketMs % 86_400_000 === 0 ? [bucketMs / 86_400_000, 'day'] : bucketMs % 3_600_000 === 0 ? [bucketMs / 3_600_000, 'hour'] : [bucketMs / 60_000, 'minute'];
  return `${size} ${unit}${size === 1 ? '' : 's'}`;
}

/**
 * Buckets of the stats endpoint's `durations` for one environment (`[index, ...values]`, the values in the order the
 * answer's `durationFields` names them), as chart buckets in order; an index outside the range is skipped.
 */
export function durationBucketsFromStats(
  rows: ReadonlyArray<readonly number[]>,
  fields: readonly string[],
  start: number,
  bucketMs: number,
  count: number,
): DurationBucket[] {
  const at = (name: string): number => fields.indexOf(name) + 1;
  const [runs, p50, p99] = [at('runs'), at('p50'), at('p99')];
  if (runs === 0 || p50 === 0 || p99 === 0) return [];
  return rows
    .filter((row) => row[0] !== undefined && row[0] >= 0 && row[0] < count)
    .map((row) => ({ start: start + row[0]! * bucketMs, runs: row[runs] ?? 0, p50: row[p50] ?? 0, p99: row[p99] ?? 0 }))
    .sort((a, b) => a.start - b.start);
}

export interface ChartRange {
  /** Start of the first bucket, ms. */
  start: number;
  bucketMs: number;
  buckets: number;
}

/**
 * The chart as HTML: a figure with its caption and legend, the y axis (durations, with their unit) and the x axis
 * (the range's ends, in UTC) as text beside the SVG (text inside a stretched SVG would be stretched with it), and the
 * SVG: per bucket with runs a p99 bar with the p50 bar over it, under a title with the bucket's time span and both
 * values. The SVG is one image for screen readers (`role="img"`) whose label says what it shows.
 */
export function durationChart(buckets: readonly DurationBucket[], range: ChartRange, label: string): string {
  const maxMs = buckets.reduce((max, bucket) => Math.max(max, bucket.p99), 0);
  const unit = axisUnit(maxMs);
  const top = niceCeiling(maxMs / unit.ms);
  const scale = CHART_HEIGHT / (top * unit.ms);
  const width = TIMELINE_WIDTH / range.buckets;
  const per = bucketWords(range.bucketMs);
  let bars = '';
  let runs = 0;
  let highest: DurationBucket | null = null;
  for (const bucket of buckets) {
    runs += bucket.runs;
    if (highest === null || bucket.p99 > highest.p99) highest = bucket;
    const index = Math.round((bucket.start - range.start) / range.bucketMs);
    const x = px(index * width);
    const w = px(Math.max(width - 1, 1));
    const bar = (ms: number): string => {
      const height = Math.max(ms * scale, 1);
      return `y="${px(CHART_HEIGHT - height)}" width="${w}" height="${px(height)}"`;
    };
    // Numbers and fixed words only: nothing to escape.
    const title = `${span(bucket.start, bucket.start + range.bucketMs)}: p50 ${durationText(bucket.p50)}, p99 ${durationText(bucket.p99)} (${bucket.runs} run${bucket.runs === 1 ? '' : 's'})`;
    bars +=
      `<g class="d-bucket" data-start="${new Date(bucket.start).toISOString()}" data-runs="${bucket.runs}" data-p50="${bucket.p50}" data-p99="${bucket.p99}">` +
      `<title>${title}</title><rect class="d-hit" x="${x}" y="0" width="${w}" height="${CHART_HEIGHT}"/>` +
      `<rect class="d-p99" x="${x}" ${bar(bucket.p99)}/><rect class="d-p50" x="${x}" ${bar(bucket.p50)}/></g>`;
  }
  const aria = highest
    ? `${label}: p50 and p99 per ${per} of the runs that finished ok or error, from 0 to ${shortNumber(top)} ${unit.name}; ` +
      `${runs} run${runs === 1 ? '' : 's'} in ${buckets.length} bucket${buckets.length === 1 ? '' : 's'}; the highest p99 ${durationText(highest.p99)} (p50 ${durationText(highest.p50)}), ${span(highest.start, highest.start + range.bucketMs)}`
    : `${label}: no run finished ok or error with a duration`;
  const end = range.start + range.buckets * range.bucketMs;
  // Without runs there is no scale to label.
  const ticks = highest ? [top, top / 2, 0].map((value) => `<span>${shortNumber(value)} ${unit.name}</span>`).join('') : '';
  return (
    `<figure class="durations">` +
    `<figcaption>Run duration per ${per} (ok and error runs): <span class="key k-p50">p50</span> <span class="key k-p99">p99</span></figcaption>` +
    `<div class="d-plot"><div class="d-y" aria-hidden="true">${ticks}</div>` +
    `<svg class="durations" viewBox="0 0 ${TIMELINE_WIDTH} ${CHART_HEIGHT}" preserveAspectRatio="none" role="img" aria-label="${escape(aria)}">` +
    `<path class="d-grid" d="M0 0.5H${TIMELINE_WIDTH}M0 ${CHART_HEIGHT / 2}H${TIMELINE_WIDTH}M0 ${CHART_HEIGHT - 0.5}H${TIMELINE_WIDTH}"/>${bars}</svg></div>` +
    `<div class="d-x" aria-hidden="true"><span>${minute(range.start)} UTC</span><span>${minute(end)} UTC</span></div>` +
    (highest ? '' : `<p class="muted d-empty">No run finished ok or error with a duration in this range.</p>`) +
    `</figure>`
  );
}
