import { describe, expect, it } from '@jest/globals';
import { metricsRegistry, parseMetricsText, sampleValue } from '@vigil/metrics';
import { schedulerMetrics } from '../worker/scheduler-metrics';

async function samples() {
  return parseMetricsText(await metricsRegistry.metrics());
}

describe('schedulerMetrics', () => {
  it('reports the clock lag of the most behind partition, the tracks, and detection delays from the deadline', async () => {
    let clocks: number[] = [];
    const now = 1_800_000_000_000;
    const { detected } = schedulerMetrics({ clocks: () => clocks, trackCount: 42 }, () => now);

    // No partition has a clock yet: no lag is reported rather than a made-up 0.
    expect(sampleValue(await samples(), 'vigil_clock_lag_seconds')).toBeNull();

    clocks = [now - 1500, now - 90_000, now - 200];
    let read = await samples();
    expect(sampleValue(read, 'vigil_clock_lag_seconds')).toBe(90);
    expect(sampleValue(read, 'vigil_scheduler_tracks')).toBe(42);

    detected(now - 1200);
    detected(now - 400_000);
    read = await samples();
    expect(sampleValue(read, 'vigil_detection_delay_seconds_count')).toBe(2);
    expect(sampleValue(read, 'vigil_detection_delay_seconds_sum')).toBeCloseTo(401.2, 6);
    expect(sampleValue(read, 'vigil_detection_delay_seconds_bucket', { le: '2' })).toBe(1);
    expect(sampleValue(read, 'vigil_detection_delay_seconds_bucket', { le: '600' })).toBe(2);
  });
});
