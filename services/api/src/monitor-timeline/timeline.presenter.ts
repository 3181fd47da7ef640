import type { Percentiles, TimelineBucket, TimelineRange, StatusCounts } from './timeline-range';

export interface Timeline {
  range: TimelineRange;
  environment: string | null;
  totals: StatusCounts;
  duration: Percentiles;
  buckets: TimelineBucket[];
}

export function presentTimeline(timeline: Timeline): Record<string, unknown> {
  return {
    start: new Date(timeline.range.start).toISOString(),
    end: new Date(timeline.range.end).toISOString(),
    resolution: timeline.range.resolution,
    environment: timeline.environment,
    totals: timeline.totals,
    duration: timeline.duration,
    buckets: timeline.buckets.map((bucket) => ({ start: new Date(bucket.start).toISOString(), counts: bucket.counts, duration: bucket.duration })),
  };
}
