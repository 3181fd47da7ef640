import { TIMELINE_STATUSES, zeroCounts, type StatusCounts, type TimelineStatus } from '../../monitor-timeline/timeline-range';

/**
 * The tick timeline: buckets of run counts per status, merged into ticks at least MIN_TICK_PX wide, each coloured
 * by the first status of TICK_PRECEDENCE it holds (Sentry's order: a failure is never hidden by the oks beside
 * it, and an unknown run marks its tick before anything else). Pure, so the merging is unit-tested; the page draws
 * the ticks as SVG.
 */
export const TICK_STATUSES = TIMELINE_STATUSES;
export type TickStatus = TimelineStatus;
export type TickCounts = StatusCounts;

/**
 * The colour a bucket takes: the first status with a run, in this order. `unknown` first, as Sentry's timeline
 * orders it: a tick that holds a run Vigil could not judge (its own pipeline was down) says so, whatever else the
 * tick holds (its title still counts every status).
 */
export const TICK_PRECEDENCE: readonly TickStatus[] = ['unknown', 'error', 'timeout', 'missed', 'ok', 'in_progress'];

/** What an unknown run means, wherever the dashboard shows one. */
export const UNKNOWN_MEANING = 'Vigil could not tell: its own pipeline was down';

export const TICK_LABELS: Record<TickStatus, string> = {
  ok: 'Okay',
  error: 'Failed',
  missed: 'Missed',
  timeout: 'Timed out',
  in_progress: 'In progress',
  unknown: 'Unknown',
};

/** A tick narrower than this absorbs its neighbours, so every tick can be seen and pointed at. */
export const MIN_TICK_PX = 4;

export interface TimelineBucket {
  /** Start of the bucket, ms since the epoch. */
  start: number;
  counts: TickCounts;
}

export interface Tick {
  /** Start of the first bucket and end of the last one, ms. */
  start: number;
  end: number;
  status: TickStatus;
  counts: TickCounts;
  /** Position and width in pixels of a timeline `width` wide. */
  x: number;
  width: number;
}

export function zeroTickCounts(): TickCounts {
  return zeroCounts();
}

/** The status a set of counts shows; null when it holds no run. */
export function aggregateStatus(counts: TickCounts): TickStatus | null {
  for (const status of TICK_PRECEDENCE) if (counts[status] > 0) return status;
  return null;
}

function add(into: TickCounts, counts: TickCounts): void {
  for (const status of TICK_STATUSES) into[status] += counts[status];
}

/**
 * Ticks from buckets of `bucketMs`, laid out over `width` pixels. Consecutive buckets with runs join one tick
 * while their status stays the same; a tick still narrower than MIN_TICK_PX takes in the next bucket whatever
 * it holds (its colour then follows the precedence over the merged counts), and an empty bucket ends a tick
 * that is wide enough.
 */
export function mergeTicks(buckets: readonly TimelineBucket[], bucketMs: number, width: number): Tick[] {
  if (buckets.length === 0) return [];
  const pxPerBucket = width / buckets.length;
  const ticks: Tick[] = [];
  let current: { first: number; last: number; counts: TickCounts } | null = null;
  const close = (): void => {
    if (!current) return;
    const status = aggregateStatus(current.counts);
    if (status) {
      ticks.push({
        start: buckets[current.first]!.start,
        end: buckets[current.last]!.start + bucketMs,
        status,
        counts: current.counts,
        x: current.first * pxPerBucket,
        width: (current.last - current.first + 1) * pxPerBucket,
      });
    }
    current = null;
  };
  buckets.forEach((bucket, index) => {
    const status = aggregateStatus(bucket.counts);
    const narrow = current !== null && (current.last - current.first + 1) * pxPerBucket < MIN_TICK_PX;
    if (status === null) {
      if (current && narrow) current.last = index;
      else close();
      return;
    }
    if (current && (narrow || aggregateStatus(current.counts) === status)) {
      current.last = index;
      add(current.counts, bucket.counts);
      return;
    }
    close();
    current = { first: index, last: index, counts: { ...bucket.counts } };
  });
  close();
  return ticks;
}
