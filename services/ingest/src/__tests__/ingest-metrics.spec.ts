import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@vigil/config';
import { DomainError } from '@vigil/errors';
import { metricsRegistry, parseMetricsText, sampleValue } from '@vigil/metrics';
import { IngestMetrics, outcomeOf } from '../http/ingest-metrics';

describe('IngestMetrics', () => {
  it('maps refusals to outcomes: rate limits, stores away and bugs, and the rest', () => {
    expect(outcomeOf(new DomainError('rate_limited', 'rate_limited', 'x'))).toBe('rate_limited');
    expect(outcomeOf(new DomainError('unavailable', 'not_stored', 'x'))).toBe('failed');
    expect(outcomeOf(new DomainError('forbidden', 'unknown_key', 'x'))).toBe('rejected');
    expect(outcomeOf(new DomainError('invalid', 'invalid_checkin', 'x'))).toBe('rejected');
    expect(outcomeOf(new Error('bug'))).toBe('failed');
  });

  it('counts check-ins per protocol and outcome, every combination exported from the start', async () => {
    const metrics = new IngestMetrics(loadConfig({}));
    metrics.checkin('sentry_envelope', 'accepted', 3);
    metrics.checkin('healthchecks_ping', 'rate_limited');
    metrics.checkin('sentry_cron', 'accepted', 0);
    metrics.timer('healthchecks_ping')();
    const samples = parseMetricsText(await metricsRegistry.metrics());
    expect(samples.filter((sample) => sample.name === 'vigil_ingest_checkins_total')).toHaveLength(12);
    expect(sampleValue(samples, 'vigil_ingest_checkins_total', { protocol: 'sentry_envelope', outcome: 'accepted' })).toBe(3);
    expect(sampleValue(samples, 'vigil_ingest_checkins_total', { protocol: 'healthchecks_ping', outcome: 'rate_limited' })).toBe(1);
    expect(sampleValue(samples, 'vigil_ingest_checkins_total', { protocol: 'sentry_cron' })).toBe(0);
    expect(sampleValue(samples, 'vigil_ingest_request_duration_seconds_count', { protocol: 'healthchecks_ping' })).toBe(1);
  });

  it('counts and times nothing with VIGIL_METRICS off', () => {
    const metrics = new IngestMetrics(loadConfig({ VIGIL_METRICS: 'off' }));
    expect(() => metrics.checkin('sentry_envelope', 'accepted')).not.toThrow();
    expect(() => metrics.timer('sentry_cron')()).not.toThrow();
  });
});
