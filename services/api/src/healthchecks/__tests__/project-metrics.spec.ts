import { describe, expect, it } from '@jest/globals';
import { parseMetricsText, sampleValue } from '@vigil/metrics';
import { renderProjectMetrics, type CheckMetric } from '../project-metrics.format';

const check = (name: string, tags: string, status: CheckMetric['status'], started = false): CheckMetric => ({
  name,
  tags,
  uniqueKey: `${name.length}`.padStart(40, '0'),
  status,
  started,
});

describe('renderProjectMetrics', () => {
  it("gives Healthchecks' families with their label meanings, and an up per environment", () => {
    const text = renderProjectMetrics(
      [check('backup', 'prod db', 'down'), check('report "weekly"\\n', 'prod', 'grace', true), check('cleanup', '', 'paused'), check('sync', 'db', 'new')],
      [
        { name: 'backup', tags: 'prod db', uniqueKey: '1'.repeat(40), environment: 'production', up: 0 },
        { name: 'backup', tags: 'prod db', uniqueKey: '1'.repeat(40), environment: 'staging', up: 1 },
      ],
    );
    const samples = parseMetricsText(text);
    expect(sampleValue(samples, 'hc_check_up', { name: 'backup' })).toBe(0);
    expect(sampleValue(samples, 'hc_check_up', { name: 'report "weekly"\\n' })).toBe(1);
    expect(sampleValue(samples, 'hc_check_up', { name: 'cleanup' })).toBe(1);
    expect(sampleValue(samples, 'hc_check_grace', { name: 'report "weekly"\\n' })).toBe(1);
    expect(sampleValue(samples, 'hc_check_grace')).toBe(1);
    expect(sampleValue(samples, 'hc_check_started', { name: 'report "weekly"\\n' })).toBe(1);
    expect(sampleValue(samples, 'hc_check_started')).toBe(1);
    expect(sampleValue(samples, 'hc_check_paused', { name: 'cleanup' })).toBe(1);
    expect(sampleValue(samples, 'hc_check_paused')).toBe(1);
    expect(samples.find((sample) => sample.name === 'hc_check_up' && sample.labels['name'] === 'backup')?.labels).toEqual({
      name: 'backup',
      tags: 'prod db',
      unique_key: '6'.padStart(40, '0'),
    });
    // A tag is down when any check carrying it is down.
    expect(sampleValue(samples, 'hc_tag_up', { tag: 'prod' })).toBe(0);
    expect(sampleValue(samples, 'hc_tag_up', { tag: 'db' })).toBe(0);
    expect(samples.filter((sample) => sample.name === 'hc_tag_up')).toHaveLength(2);
    expect(sampleValue(samples, 'hc_checks_total')).toBe(4);
    expect(sampleValue(samples, 'hc_checks_down_total')).toBe(1);
    expect(sampleValue(samples, 'vigil_monitor_environment_up', { environment: 'production' })).toBe(0);
    expect(sampleValue(samples, 'vigil_monitor_environment_up', { environment: 'staging' })).toBe(1);
    expect(text).toContain('# TYPE hc_check_up gauge\n');
  });

  it('is valid with no checks: the totals at 0 and the other families empty', () => {
    const samples = parseMetricsText(renderProjectMetrics([], []));
    expect(samples).toEqual([
      { name: 'hc_checks_total', labels: {}, value: 0 },
      { name: 'hc_checks_down_total', labels: {}, value: 0 },
    ]);
  });
});
