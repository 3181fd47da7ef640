import { mergeTicks, TICK_LABELS, TICK_STATUSES, UNKNOWN_MEANING, zeroTickCounts, type TickCounts, type TickStatus, type TimelineBucket } from './ticks';

/** Width of the SVG's coordinate space; the SVG stretches to its box, and ticks merge to be seen at this width. */
export const TIMELINE_WIDTH = 600;

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function describe(counts: TickCounts): string {
  return TICK_STATUSES.filter((status) => counts[status] > 0)
    .map((status) => `${counts[status]} ${TICK_LABELS[status].toLowerCase()}${status === 'unknown' ? ` (${UNKNOWN_MEANING})` : ''}`)
    .join(', ');
}

/**
 * Buckets of the stats endpoint for one environment: only those with runs, each `[index, ...counts]` in the order
 * of the answer's `statuses` (a status the dashboard does not know is left out).
 */
export function bucketsFromStats(
  rows: ReadonlyArray<readonly number[]>,
  statuses: readonly string[],
  start: number,
  bucketMs: number,
  count: number,
): TimelineBucket[] {
  const buckets: TimelineBucket[] = Array.from({ length: count }, (_, index) => ({ start: start + index * bucketMs, counts: zeroTickCounts() }));
  const known = (status: string): status is TickStatus => (TICK_STATUSES as readonly string[]).includes(status);
  for (const [index = -1, ...counts] of rows) {
    const bucket = buckets[index];
    if (!bucket) continue;
    statuses.forEach((status, position) => {
      if (known(status)) bucket.counts[status] = counts[position] ?? 0;
    });
  }
  return buckets;
}

/**
 * The tick timeline as inline SVG, drawn on the server: one rect per tick, coloured by class (the stylesheet
 * holds the colours of both themes), each with a title listing its runs, and a label for screen readers.
 */
export function timelineSvg(buckets: readonly TimelineBucket[], bucketMs: number, label: string): string {
  const ticks = mergeTicks(buckets, bucketMs, TIMELINE_WIDTH);
  const totals = zeroTickCounts();
  for (const tick of ticks) for (const status of TICK_STATUSES) totals[status] += tick.counts[status];
  const summary = describe(totals) || 'no runs';
  const rects = ticks
    .map((tick) => {
      const when = `${new Date(tick.start).toISOString().slice(0, 16).replace('T', ' ')} to ${new Date(tick.end).toISOString().slice(11, 16)} UTC`;
      return `<rect class="t-${tick.status}" x="${tick.x.toFixed(2)}" y="2" width="${Math.max(tick.width - 1, 1).toFixed(2)}" height="12" rx="2"><title>${escape(`${when}: ${describe(tick.counts)}`)}</title></rect>`;
    })
    .join('');
  return `<svg class="timeline" viewBox="0 0 ${TIMELINE_WIDTH} 16" preserveAspectRatio="none" role="img" aria-label="${escape(`${label}: ${summary}`)}">${rects}</svg>`;
}
