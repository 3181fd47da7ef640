import { mergeTicks, TICK_LABELS, TICK_STATUSES, zeroTickCounts, type TickCounts, type TickStatus, type TimelineBucket } from './ticks';

/** Width of the SVG's coordinate space; the SVG stretches to its box, and ticks merge to be seen at this width. */
export const TIMELINE_WIDTH = 600;

export const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function describe(counts: TickCounts): string {
  let text = '';
  for (const status of TICK_STATUSES) {
    const count = counts[status];
    if (count > 0) text += `${text === '' ? '' : ', '}${count} ${LOWER_LABELS[status]}`;
  }
  return text;
}

const LOWER_LABELS = Object.fromEntries(TICK_STATUSES.map((status) => [status, TICK_LABELS[status].toLowerCase()])) as Record<TickStatus, string>;

/** Minutes already written: the ticks of a page's timelines share their bounds (bounded, only a shortcut). */
const MINUTES = new Map<number, string>();

/** `12-07 13:00`: the year is never in doubt on a timeline of at most 90 days. */
export function minute(ms: number): string {
  let text = MINUTES.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
    if (MINUTES.size >= 10_000) MINUTES.clear();
    MINUTES.set(ms, text);
  }
  return text;
}

/** A tick's time span in UTC: `12-07 13:00 to 15:00`, or `12-07 20:00 to 12-08 04:00` across midnight. */
export function span(start: number, end: number): string {
  const from = minute(start);
  const to = minute(end);
  return `${from} to ${from.slice(0, 5) === to.slice(0, 5) ? to.slice(6) : to} UTC`;
}

/** A coordinate with at most one decimal, without a trailing `.0`. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/**
 * Buckets of the stats endpoint for one environment (`[index, ...counts]`, only those with runs), the counts read in
 * the order the answer's `statuses` names them: a status this page does not draw is skipped.
 */
export function bucketsFromStats(
  rows: ReadonlyArray<readonly number[]>,
  statuses: readonly string[],
  start: number,
  bucketMs: number,
  count: number,
): TimelineBucket[] {
  // Empty buckets share one frozen zero (mergeTicks copies the counts it adds up): a page has thousands of them.
  const buckets: TimelineBucket[] = Array.from({ length: count }, (_, index) => ({ start: start + index * bucketMs, counts: NO_RUNS }));
  // Each drawn status with its position in a row (after the row's bucket index).
  const drawn: Array<[TickStatus, number]> = [];
  statuses.forEach((status, position) => {
    if ((TICK_STATUSES as readonly string[]).includes(status)) drawn.push([status as TickStatus, position + 1]);
  });
  for (const row of rows) {
    const bucket = buckets[row[0] ?? -1];
    if (!bucket) continue;
    const filled = zeroTickCounts();
    for (const [status, position] of drawn) filled[status] = row[position] ?? 0;
    bucket.counts = filled;
  }
  return buckets;
}

const NO_RUNS: TickCounts = Object.freeze(zeroTickCounts());

/**
 * The tick timeline as inline SVG, drawn on the server: one rect per tick, coloured by class (the stylesheet
 * holds the colours of both themes, the ticks' height and corners), each with a title listing its runs, and a label
 * for screen readers. The markup is kept small: a page draws a hundred of them.
 */
export function timelineSvg(buckets: readonly TimelineBucket[], bucketMs: number, label: string): string {
  const ticks = mergeTicks(buckets, bucketMs, TIMELINE_WIDTH);
  const totals = zeroTickCounts();
  let rects = '';
  for (const tick of ticks) {
    for (const status of TICK_STATUSES) totals[status] += tick.counts[status];
    // The title is made of numbers and fixed words only: nothing to escape.
    rects += `<rect class="t-${tick.status}" x="${px(tick.x)}" width="${px(Math.max(tick.width - 1, 1))}" height="12"><title>${span(tick.start, tick.end)}: ${describe(tick.counts)}</title></rect>`;
  }
  const summary = describe(totals) || 'no runs';
  return `<svg class="timeline" viewBox="0 0 ${TIMELINE_WIDTH} 12" preserveAspectRatio="none" role="img" aria-label="${escape(`${label}: ${summary}`)}">${rects}</svg>`;
}
