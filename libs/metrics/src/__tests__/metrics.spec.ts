import { describe, expect, it } from '@jest/globals';
import { counter, FixedCounter, metricsRegistry, optionalGauge, renderMetrics } from '../metrics-registry';
import { serveMetrics, serverPort } from '../metrics-server';
import { parseMetricsText, sampleValue } from '../metrics-text';

describe('FixedCounter', () => {
  it('exports every combination of its label sets at 0 from the start, and counts each apart', async () => {
    const checkins = new FixedCounter('test_fixed_total', 'test', { protocol: ['a', 'b'], outcome: ['ok', 'bad', 'slow'] });
    checkins.inc({ protocol: 'a', outcome: 'ok' });
    checkins.inc({ protocol: 'a', outcome: 'ok' }, 2);
    checkins.inc({ protocol: 'b', outcome: 'slow' });
    const samples = parseMetricsText((await renderMetrics()).body).filter((sample) => sample.name === 'test_fixed_total');
    expect(samples).toHaveLength(6);
    expect(sampleValue(samples, 'test_fixed_total', { protocol: 'a', outcome: 'ok' })).toBe(3);
    expect(sampleValue(samples, 'test_fixed_total', { protocol: 'b', outcome: 'slow' })).toBe(1);
    expect(sampleValue(samples, 'test_fixed_total', { protocol: 'b' })).toBe(1);
    expect(sampleValue(samples, 'test_fixed_total', { outcome: 'bad' })).toBe(0);
  });

  it('is the same metric when declared twice (a module loaded again), not a registry error', () => {
    const first = counter({ name: 'test_twice_total', help: 'test' });
    const second = counter({ name: 'test_twice_total', help: 'test' });
    expect(second).toBe(first);
  });
});

describe('parseMetricsText', () => {
  it('reads names, escaped labels and special values, skipping comments', () => {
    const samples = parseMetricsText(
      [
        '# HELP x_total things',
        '# TYPE x_total counter',
        'x_total{a="1",b="with \\"quotes\\" and \\\\ and \\n"} 4',
        'y 1.5e3',
        'z{le="+Inf"} +Inf',
        'w NaN',
        '',
      ].join('\n'),
    );
    expect(samples[0]).toEqual({ name: 'x_total', labels: { a: '1', b: 'with "quotes" and \\ and \n' }, value: 4 });
    expect(samples[1]).toEqual({ name: 'y', labels: {}, value: 1500 });
    expect(samples[2]?.value).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(samples[3]?.value)).toBe(true);
    expect(sampleValue(samples, 'missing')).toBeNull();
  });

  it('names the line that is not a sample', () => {
    expect(() => parseMetricsText('this is not { a metric')).toThrow(/not a Prometheus sample line: this is not/);
  });
});

describe('serveMetrics', () => {
  it('serves the registry at /metrics and nothing else', async () => {
    counter({ name: 'test_served_total', help: 'test' }).inc(7);
    const server = await serveMetrics(0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${serverPort(server)}`;
      const answer = await fetch(`${base}/metrics`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain('text/plain');
      expect(sampleValue(parseMetricsText(await answer.text()), 'test_served_total')).toBe(7);
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      server.close();
    }
    expect(metricsRegistry.getSingleMetric('test_served_total')).toBeDefined();
  });
});

describe('optionalGauge', () => {
  it('is absent while it has no value, when the read fails or times out, and present otherwise', async () => {
    let value: number | null | 'throw' | 'hang' = null;
    optionalGauge({
      name: 'test_optional',
      help: 'test',
      timeoutMs: 50,
      read: () => (value === 'throw' ? Promise.reject(new Error('down')) : value === 'hang' ? new Promise<number>(() => undefined) : value),
    });
    const read = async () => sampleValue(parseMetricsText((await renderMetrics()).body), 'test_optional');
    expect(await read()).toBeNull();
    value = 3;
    expect(await read()).toBe(3);
    value = 'throw';
    expect(await read()).toBeNull();
    value = 'hang';
    expect(await read()).toBeNull();
    value = 0;
    expect(await read()).toBe(0);
  });
});
