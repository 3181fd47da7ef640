import { gauge, histogram, optionalGauge } from '@vigil/metrics';

/** What the scheduler's metrics read (a `DetectionEngine` fits). */
export interface DetectionView {
  /** The event-time clock of each owned partition that has one. */
  clocks(): number[];
  readonly trackCount: number;
}

/**
 * The scheduler's metrics: the clock lag and the tracks are read from the engine at each scrape; the detection
 * delay is observed as outcomes are acknowledged (the returned function). `now` is the wall clock (tests give one).
 */
export function schedulerMetrics(engine: DetectionView, now: () => number = Date.now): { detected: (dueAt: number) => void } {
  optionalGauge({
    name: 'vigil_clock_lag_seconds',
    help: 'Wall clock minus the latest event time the scheduler has handled, on its most behind owned partition. Detection runs on event time: misses are found this late (absent until a partition has a clock).',
    read: () => {
      const clocks = engine.clocks();
      return clocks.length > 0 ? Math.max(0, (now() - Math.min(...clocks)) / 1000) : null;
    },
  });
  gauge({
    name: 'vigil_scheduler_tracks',
    help: 'Monitor-environments this scheduler instance tracks (on the partitions it owns).',
    collect() {
      this.set(engine.trackCount);
    },
  });
  const delay = histogram({
    name: 'vigil_detection_delay_seconds',
    help: 'From the deadline of a missed or timed-out run (slot + margin, start + max runtime) to Kafka acknowledging the outcome.',
    buckets: [0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 120, 300, 600, 1800],
  });
  return { detected: (dueAt) => delay.observe(Math.max(0, (now() - dueAt) / 1000)) };
}
